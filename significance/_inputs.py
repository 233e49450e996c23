"""Validation of the arguments the significance functions share, in the house message style.

Messages come from :mod:`inspection_core.checks` so the two packages say the same thing.
Whole-number arrays of an integer dtype take a fast path (one pass for the minimum) because
the z-test is meant for millions of comparisons at once.
"""

from __future__ import annotations

import math

from inspection_core.checks import (
    LARGEST_WHOLE,
    check_choice,
    check_flag,
    check_fraction,
    check_integer,
    check_scalar_fraction,
    format_value,
    is_whole,
)
from inspection_core.checks import whole as _whole
from inspection_core.deferred import numpy_later
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.normal import fpc_factor as fpc
from inspection_core.normal import output

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = [
    "ALTERNATIVES",
    "census_text",
    "check_alternative",
    "check_flag",
    "check_scalar_fraction",
    "counts",
    "fpc",
    "fractions",
    "int_counts",
    "output",
    "plain_population",
    "population",
    "safe_ratio",
    "whole",
]


ALTERNATIVES = ("two-sided", "greater", "less")
# statsmodels' spellings, and R's, mapped to ours for the "Did you mean" hint.
ALTERNATIVE_HINTS = {
    "larger": "greater",
    "smaller": "less",
    "two_sided": "two-sided",
    "two.sided": "two-sided",
    "twosided": "two-sided",
    "both": "two-sided",
}


def check_alternative(value: Any) -> str:
    """Check ``alternative`` (hint 'greater' for statsmodels' 'larger', 'less' for 'smaller').

    Examples
    --------
    >>> check_alternative("larger")
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: alternative must be one of 'two-sided', 'greater', 'less'; got 'larger'. Did you mean 'greater'?
    """  # noqa: E501 - a doctest line cannot wrap
    return check_choice("alternative", value, ALTERNATIVES, ALTERNATIVE_HINTS)


def whole(name: str, value: Any, minimum: int) -> npt.NDArray[Any]:
    """Whole numbers of at least ``minimum``: int64 (or float64) whatever dtype they came in.

    Counts arrive as ``uint8``, ``int16`` and the like from data frames; arithmetic in those
    dtypes wraps around silently (``uint8`` 200 + 100 is 44), so every count is upcast here, at
    the boundary: to int64 when below 2**31 (so products of two counts cannot overflow; an
    int64 array is used as it is, with no copy), otherwise to float64.

    Examples
    --------
    >>> whole("n1", np.array([200, 250], dtype=np.uint8), 1) + 100
    array([300, 350])
    """
    arr = np.asarray(_whole(name, value, minimum))
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        arr = np.asarray(int(value))  # one count: an integer, as in an integer array
    if arr.dtype.kind in "iu":
        if arr.size and int(arr.max()) >= 2**31:
            return np.asarray(arr, dtype=np.float64)
        return np.asarray(arr, dtype=np.int64)
    return np.asarray(arr, dtype=np.float64)


def int_counts(x1: Any, n1: Any, x2: Any, n2: Any) -> tuple[Any, ...] | None:
    """Four integer arrays as :func:`counts` would give them, half checked; None otherwise.

    For a million comparisons the checks cost as much as the test: here each n is checked (at
    least 1, at most 2**53) and typed as :func:`whole` types it (int64 below 2**31, else
    float64), and each x is typed to match, but ``0 <= x <= n`` is left to the caller, which
    checks it on the proportions it computes anyway (``0 <= x / n <= 1``) and calls
    :func:`counts` for the error if it fails. None unless all four are non-empty integer arrays;
    otherwise the four arrays and the largest n (which tells the z-test's blocks whether every
    product of two counts is exact in a double).
    """
    arrays = (x1, n1, x2, n2)
    if not all(isinstance(v, np.ndarray) and v.dtype.kind in "iu" and v.size for v in arrays):
        return None
    out: list[Any] = []
    largest = 0
    for x, n in ((x1, n1), (x2, n2)):
        lo, hi = int(n.min()), int(n.max())
        if lo < 1 or hi > LARGEST_WHOLE:
            return None
        largest = max(largest, hi)
        big = hi >= 2**31
        # x <= n < 2**31 wherever the counts are valid; beyond, x is typed by its own largest
        # value, as whole() types it
        x_big = big and int(x.max()) >= 2**31
        out += [
            np.asarray(x, dtype=np.float64 if x_big else np.int64),
            np.asarray(n, dtype=np.float64 if big else np.int64),
        ]
    return (*out, largest)


def fractions(name: str, value: Any) -> FloatArray:
    """Proportions strictly between 0 and 1, as a float64 copy; the house message otherwise.

    A float64 array is checked with two reductions (its minimum and maximum, NaN failing both)
    before it is copied, instead of building boolean arrays: sizing a million settings at once
    should cost little more than the arithmetic.

    Examples
    --------
    >>> fractions("p1", np.array([0.74, 0.8]))
    array([0.74, 0.8 ])
    """
    fast = isinstance(value, np.ndarray) and value.dtype == np.float64 and value.size
    if fast and value.min() > 0 and value.max() < 1:
        return np.array(value, dtype=np.float64, copy=True)
    return check_fraction(name, value)


def counts(x_name: str, x: Any, n_name: str, n: Any) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Successes ``x`` (0 to n) and trials ``n`` (at least 1), broadcast together."""
    x_arr = whole(x_name, x, 0)
    n_arr = whole(n_name, n, 1)
    try:
        x_arr, n_arr = np.broadcast_arrays(x_arr, n_arr)
    except ValueError:
        raise ParameterError(
            x_name,
            f"and {{{n_name}}} must have the same shape; got {np.shape(x)} and {np.shape(n)}",
            refs=[n_name],
        ) from None
    over = x_arr > n_arr
    if over.any():
        i = int(np.flatnonzero(over.ravel())[0])
        raise ParameterError(
            x_name,
            f"must be at most {{{n_name}}} ({format_value(n_arr.ravel()[i])}); "
            f"got {format_value(x_arr.ravel()[i])}",
            refs=[n_name],
        )
    return x_arr, n_arr


def population(name: str, value: Any, n_name: str, n: npt.NDArray[Any]) -> FloatArray | None:
    """Eligible population size(s) for the finite population correction, at least ``n``.

    ``None`` means infinite (no correction); inside an array ``inf`` means infinite.
    """
    if value is None:
        return None
    arr = np.asarray(value, dtype=float) if not isinstance(value, str | bool) else None
    if arr is None or arr.dtype.kind != "f":
        raise ParameterTypeError(name, f"must be a whole number or None; got {value!r}")
    finite = np.isfinite(arr)
    if finite.any():
        check_integer(name, arr[finite], minimum=1, what="a whole number of at least 1")
    if np.isnan(arr).any():
        raise ParameterError(name, "must be a whole number of at least 1; got nan")
    big_n, n_b = np.broadcast_arrays(arr, n)
    small = big_n < n_b
    if small.any():
        i = int(np.flatnonzero(small.ravel())[0])
        raise ParameterError(
            name,
            f"must be at least {{{n_name}}} ({format_value(n_b.ravel()[i])}), the cases "
            f"sampled from it; got {format_value(big_n.ravel()[i])}",
            refs=[n_name],
        )
    return arr


def safe_ratio(d: FloatArray, se: FloatArray) -> FloatArray:
    """``d / se``; 0 when both are 0 (no difference, no variance), +/-inf when only se is."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = d / se
    if np.any(se == 0):
        z = np.where(se == 0, np.where(d == 0, 0.0, np.copysign(np.inf, d)), z)
    return np.asarray(z, dtype=float)


def plain_population(value: Any, n: Any) -> bool:
    """None, or a plain whole number (or ``inf``) of at least ``n``: what :func:`population` takes.

    For the pure-Python paths, which leave anything else to the array code.
    """
    if value is None:
        return True
    if type(value) is float and math.isinf(value):
        return value > 0
    return is_whole(value, 1) and value >= n


def warn_census(pairs: list[tuple[str, Any, Any]], *, stacklevel: int = 3) -> Any:
    """Warn when a group is a census (n = N) under the finite population correction.

    ``pairs`` holds ``(group label, n, N or None)``. Returns a boolean array, True where every
    group is a census (no sampling error at all).
    """
    import warnings

    from ._warnings import CensusWarning

    masks = [
        np.zeros(np.shape(n), dtype=bool) if big is None else np.asarray(n) >= np.asarray(big)
        for _, n, big in pairs
    ]
    every = np.logical_and.reduce(np.broadcast_arrays(*masks))
    named = [label for (label, _, _), mask in zip(pairs, masks, strict=True) if mask.any()]
    if named:
        warnings.warn(census_text(named, bool(every.any())), CensusWarning, stacklevel=stacklevel)
    return every


def census_text(named: list[str], every: bool) -> str:
    """The census warning for the groups ``named`` (``every``: all groups are censuses)."""
    tail = "; every group is a census there, so any difference is a real one" * every
    return (
        f"{' and '.join(named)} inspected every eligible case (n = N): with the finite "
        "population correction a census has no sampling error, and the result answers "
        'only "did the eligible populations\' rates differ?", not "has practice '
        f'changed?"{tail}'
    )
