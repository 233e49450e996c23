"""Small expected counts: where the normal approximation is rough, an exact test makes the call.

The rule of five: when an expected count is below 5 (``min(n1, n2) min(p, 1 - p)`` for two
groups with pooled rate p; ``n min(p0, 1 - p0)`` against a reference), the p-value and the call
come from an exact test (Fisher's by default, or the exact binomial test for one sample), named
in the result's ``test`` field, and a :class:`SmallCountWarning` gives both p-values.
"""

from __future__ import annotations

import warnings

from inspection_core.deferred import numpy_later

from ._binomial import binomial_pvalue
from ._exact import NAMES, check_exact_size, exact_pvalues
from ._shape import Later
from ._warnings import SmallCountWarning

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = [
    "SMALL_EXPECTED",
    "binomial_pvalues",
    "fallback_note",
    "one_sample_small_counts",
    "small_count_text",
    "table_text",
    "two_sample_small_counts",
    "which_test",
]


# Expected counts below this make the normal approximation rough (the usual rule of five).
SMALL_EXPECTED = 5.0


def two_sample_small_counts(
    x1: FloatArray,
    n1: FloatArray,
    x2: FloatArray,
    n2: FloatArray,
    z_pvalue: FloatArray,
    small: Any,
    *,
    alternative: str,
    pooled: bool,
    fallback: str | None,
    finite: bool,
) -> tuple[FloatArray, Any, str]:
    """Where an expected count is below 5, the exact test's p-value makes the call; warn.

    ``small`` marks the comparisons whose smaller expected count ``min(p, 1 - p) min(n1, n2)``
    (``p`` pooled) is below 5. Returns the p-values (``z_pvalue``, changed in place: the exact
    test's where counts are small, unless ``fallback`` is None or a finite population
    correction is in use), the mask of comparisons where the exact test took over (None where
    none did) and its key.
    """
    if not small.any():
        return z_pvalue, None, "z"
    takes = fallback is not None and not finite
    shown_test = fallback if fallback is not None and takes else "fisher"
    where = np.flatnonzero(small.ravel())  # few, as a rule: index by position, not by mask
    a_all, b_all, c_all, d_all = (np.ravel(v)[where] for v in (x1, n1, x2, n2))
    check_exact_size(shown_test, b_all, d_all, "small_count_test")
    exact_p = exact_pvalues(shown_test, a_all, b_all, c_all, d_all, alternative, pooled=pooled)
    flat_p = z_pvalue.reshape(-1)  # a view: z_pvalue is changed in place
    shown_z = flat_p[where[:3]].tolist()  # before the exact test's replace them
    pvalue = z_pvalue
    if takes:
        flat_p[where] = exact_p
    a, b, c, d = a_all[:3], b_all[:3], c_all[:3], d_all[:3]
    p = (a + c) / (b + d)
    expected = np.minimum(p, 1.0 - p)
    expected *= np.minimum(b, d)
    shown = [
        table_text(
            int(a[k]),
            int(b[k]),
            int(c[k]),
            int(d[k]),
            float(expected[k]),
            shown_test,
            float(exact_p[k]),
            shown_z[k],
        )
        for k in range(len(shown_z))
    ]
    scope = "" if small.size == 1 else f" in {where.size} of {small.size} comparisons"
    more = "" if where.size <= 3 else "; ..."
    warnings.warn(
        small_count_text(shown, scope, more, shown_test, takes=takes, finite=finite),
        SmallCountWarning,
        stacklevel=3,
    )
    return pvalue, (small if takes else None), shown_test


def table_text(
    x1: int, n1: int, x2: int, n2: int, expected: float, test: str, exact_p: float, z_p: float
) -> str:
    """One comparison in a small-count warning: its counts and both p-values."""
    return (
        f"{x1}/{n1} vs {x2}/{n2} (expected {expected:.2g}): "
        f"{NAMES[test]} p = {exact_p:.4g}, z-test p = {z_p:.4g}"
    )


def small_count_text(
    shown: list[str], scope: str, more: str, test: str, *, takes: bool, finite: bool
) -> str:
    """The two-sample small-count warning (shared with the scalar path, :mod:`._scalar`)."""
    if takes:
        verdict = f"{NAMES[test]} gives the p-value and the call there"
        advice = ""
    elif finite:
        verdict = "no exact test takes the finite population correction, so the z-test stands"
        advice = ". Consider dropping the population sizes and using an exact test"
    else:
        verdict = "the z-test's p-value stands (small_count_test=None)"
        advice = ". Consider small_count_test='fisher' or exact='boschloo'"
    return (
        f"an expected count is below 5{scope}, so the normal approximation is rough and "
        f"{verdict}: {'; '.join(shown)}{more}{advice}."
    )


def which_test(
    shape: tuple[int, ...], scalar: bool, took: Any, name: str, base: str = "z", *,
    later: bool = False,
) -> Any:  # fmt: skip
    """The ``test`` field: a str, or an object array of the test behind each comparison.

    With ``later``, an array naming more than one test is returned as a :class:`._shape.Later`
    for a :class:`._shape.LaterField` to build when the field is read: filling a million
    elements costs a tenth of a million z-tests (each element is a counted reference).
    """
    if scalar:
        return name if took is not None and bool(np.asarray(took)) else base
    if took is None:  # the same test throughout: a read-only view, no million-string array
        return np.broadcast_to(np.array(base, dtype=object), shape)
    if later:
        return Later(which_test, shape, scalar, took, name, base)
    out = np.empty(shape, dtype=object)  # faster than np.full for a million
    out.fill(base)
    out.reshape(-1)[np.flatnonzero(took)] = name  # by position: few, as a rule
    return out


def fallback_note(took: Any, test: str) -> str:
    """``'; p-value from Fisher's exact test (an expected count below 5)'`` where it took over.

    ``took`` is None (nowhere), True (the one comparison of a scalar call) or the mask.
    """
    if took is None:
        return ""
    if took is True:
        return f"; p-value from {NAMES[test]} (an expected count below 5)"
    took = np.asarray(took)
    scope = "" if took.size == 1 else f" in {np.count_nonzero(took)} of {took.size} comparisons"
    return f"; p-value from {NAMES[test]}{scope} (an expected count below 5)"


def binomial_pvalues(x: Any, n: Any, p0: Any, alternative: str) -> FloatArray:
    """Exact binomial p-values (R ``binom.test``; :mod:`._binomial`), each distinct case once.

    Examples
    --------
    Through the Gate, 13 of 14 against 69% (R ``binom.test(13, 14, 0.69)``: 0.0785401171371073):

    >>> round(float(binomial_pvalues(13, 14, 0.69, "two-sided")), 6)
    0.07854
    """
    arrays = np.broadcast_arrays(np.asarray(x), np.asarray(n), np.asarray(p0, dtype=float))
    rows = np.stack([np.ravel(v).astype(float) for v in arrays], axis=1)
    cases, where = np.unique(rows, axis=0, return_inverse=True)
    values = np.array([binomial_pvalue(int(a), int(b), float(c), alternative) for a, b, c in cases])
    return np.asarray(values[np.ravel(where)].reshape(arrays[0].shape), dtype=float)


def one_sample_small_counts(
    x: FloatArray,
    n: FloatArray,
    p0: FloatArray,
    z_pvalue: FloatArray,
    *,
    alternative: str,
    fallback: str | None,
    finite: bool,
) -> tuple[FloatArray, Any]:
    """Where ``n p0`` or ``n (1 - p0)`` is below 5, the exact binomial p-value makes the call.

    Returns the p-values and the mask where the binomial test took over (None where none did).
    """
    expected = n * np.minimum(p0, 1.0 - p0)
    small = expected < SMALL_EXPECTED
    if not small.any():
        return z_pvalue, None
    exact_p = binomial_pvalues(x[small], n[small], p0[small], alternative)
    takes = fallback is not None and not finite
    pvalue = np.array(z_pvalue, dtype=float, copy=True)
    if takes:
        pvalue[small] = exact_p
    where = np.flatnonzero(small.ravel())
    shown = []
    for k, i in enumerate(where[:3]):
        a, b, c = int(x.ravel()[i]), int(n.ravel()[i]), float(p0.ravel()[i])
        shown.append(
            f"{a}/{b} vs {100 * c:.3g}% (expected {float(expected.ravel()[i]):.2g}): exact "
            f"binomial p = {float(exact_p[k]):.4g}, z-test p = {float(np.ravel(z_pvalue)[i]):.4g}"
        )
    scope = "" if small.size == 1 else f" in {where.size} of {small.size} comparisons"
    more = "" if where.size <= 3 else "; ..."
    if takes:
        verdict, advice = "the exact binomial test gives the p-value and the call there", ""
    elif finite:
        verdict = "no exact test takes the finite population correction, so the z-test stands"
        advice = ""
    else:
        verdict = "the z-test's p-value stands (small_count_test=None)"
        advice = ". Consider small_count_test='binomial'"
    warnings.warn(
        f"an expected count is below 5{scope}, so the normal approximation is rough and "
        f"{verdict}: {'; '.join(shown)}{more}{advice}.",
        SmallCountWarning,
        stacklevel=3,
    )
    return pvalue, (small if takes else None)
