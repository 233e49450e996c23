"""Exact tests for a 2 x 2 table: Fisher's (vectorised), Boschloo's (scipy), Barnard's (exact ties).

The tests are dispatched by table (name -> :class:`ExactTest`); the command line lists the keys.
Fisher's test runs on whole arrays of tables at once, by R ``fisher.test``'s algorithm (it is
the test that makes the call wherever counts are small, so a million comparisons must not mean
a million scipy calls). Barnard's and Boschloo's take one table at a time; arrays are looped
over, each distinct table once. The table is ``[[x1, x2], [n1 - x1, n2 - x2]]``: columns are
the groups, so ``alternative="greater"`` means ``p1 > p2``, the same direction as the z-test.

Barnard's test is computed here (:mod:`._barnard`) rather than by scipy's ``barnard_exact``,
which orders tables by a floating-point statistic and drops tables that tie exactly with the
observed one (scipy issue #18798). Boschloo's test (scipy) orders tables by Fisher's p-value
with a relative tolerance and was found right on every small table.

Barnard's and Boschloo's tests maximise over a nuisance rate and grow with the table: above the
sizes in :data:`EXACT_TESTS` (about one second per table: Barnard's at 1,000 a group, Boschloo's
at 315) they are refused, with
the advice to use Fisher's test (fast at any size) or the z-test, which is accurate there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

from inspection_core.deferred import numpy_later
from inspection_core.errors import ParameterError

from ._barnard import barnard_pvalue

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["EXACT_TESTS", "NAMES", "ExactTest", "check_exact_size", "exact_pvalue", "exact_pvalues"]

Side = Literal["two-sided", "less", "greater"]


def _fisher_many(
    x1: Any, n1: Any, x2: Any, n2: Any, alternative: str, pooled: bool = True
) -> FloatArray:
    """Fisher's exact test for arrays of 2 x 2 tables, by R ``fisher.test``'s algorithm.

    Given the margins, ``x1`` is hypergeometric over its support ``lo..hi``. R enumerates the
    support: ``d_k`` proportional to ``C(s, k) C(N - s, n1 - k)``, normalised; two-sided,
    ``p = sum of d_k over d_k <= d_x1 (1 + 1e-7)`` (its relative tolerance for ties), one-sided
    the lower (``'less'``) or upper (``'greater'``) tail. Here every table's support is
    enumerated at once, in blocks of tables with similar support sizes, with log-gamma
    weights normalised by their largest (so nothing overflows). A million tables take one pass;
    the values equal scipy's ``fisher_exact`` and R's to about 1e-12 (tested).
    """
    from scipy.special import gammaln

    x1, n1, x2, n2 = (np.ravel(np.asarray(v, dtype=np.int64)) for v in (x1, n1, x2, n2))
    s, big = x1 + x2, n1 + n2
    lo = np.maximum(0, n1 - (big - s))
    hi = np.minimum(n1, s)
    width = hi - lo + 1
    out = np.ones(x1.size)
    order = np.argsort(width, kind="stable")
    sorted_width = width[order]
    start = 0
    while start < order.size:
        # a block of tables whose supports are at most twice the narrowest's (little padding),
        # with about two million support points in all
        w = int(sorted_width[start])
        stop = int(np.searchsorted(sorted_width, 2 * w, side="right"))
        stop = min(stop, start + max(1, (1 << 21) // (2 * w)))
        idx = order[start:stop]
        w = int(width[idx].max())
        k = lo[idx, None] + np.arange(w)[None, :]
        valid = k <= hi[idx, None]
        kk = np.where(valid, k, lo[idx, None])
        sb, nb, bb = s[idx, None], n1[idx, None], big[idx, None]
        log_d = (
            gammaln(sb + 1.0) - gammaln(kk + 1.0) - gammaln(sb - kk + 1.0)
            + gammaln(bb - sb + 1.0) - gammaln(nb - kk + 1.0) - gammaln(bb - sb - nb + kk + 1.0)
        )  # fmt: skip
        log_d = np.where(valid, log_d, -np.inf)
        d = np.exp(log_d - log_d.max(axis=1, keepdims=True))
        total = d.sum(axis=1)
        obs = x1[idx, None]
        if alternative == "less":
            tail = d * (kk <= obs)
        elif alternative == "greater":
            tail = d * (kk >= obs)
        else:
            d_obs = np.take_along_axis(d, obs - lo[idx, None], axis=1)
            tail = d * (d <= d_obs * (1 + 1e-7))
        out[idx] = tail.sum(axis=1) / total
        start = stop
    return np.asarray(np.minimum(out, 1.0), dtype=float)


def _fisher(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    return float(_fisher_many(x1, n1, x2, n2, alternative)[0])


def _boschloo(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    from scipy import stats

    table = np.array([[x1, x2], [n1 - x1, n2 - x2]], dtype=np.int64)
    return float(stats.boschloo_exact(table, alternative=cast(Side, alternative)).pvalue)


def _barnard(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    return barnard_pvalue(x1, n1, x2, n2, alternative, pooled=pooled)


class ExactTest(NamedTuple):
    """One exact test: its name in words, its p-value function and the largest table it takes.

    ``too_big(n1, n2)`` is True where one table would take more than about a second; ``many``,
    when given, computes arrays of tables at once.
    """

    name: str
    pvalue: Callable[[int, int, int, int, str, bool], float]
    limit: str
    too_big: Callable[[Any, Any], Any]
    many: Callable[..., FloatArray] | None = None


EXACT_TESTS: dict[str, ExactTest] = {
    "fisher": ExactTest(
        "Fisher's exact test", _fisher, "", lambda n1, n2: np.zeros_like(n1 > 0), _fisher_many
    ),
    "barnard": ExactTest(
        "Barnard's exact test",
        _barnard,
        "n1 + n2 <= 2,000",
        lambda n1, n2: n1 + n2 > 2_000,
    ),
    "boschloo": ExactTest(
        "Boschloo's exact test",
        _boschloo,
        "(n1 + 1) (n2 + 1) <= 100,000 (about 315 a group)",
        lambda n1, n2: (n1 + 1) * (n2 + 1) > 100_000,
    ),
}
NAMES = {key: test.name for key, test in EXACT_TESTS.items()}


def check_exact_size(test: str, n1: Any, n2: Any, name: str = "exact") -> None:
    """Refuse a table on which ``test`` would take more than about a second.

    Examples
    --------
    >>> check_exact_size("boschloo", np.array(400.0), np.array(400.0))
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: exact 'boschloo' takes more than a second on a table this large (n1 = 400, n2 = 400; it takes (n1 + 1) (n2 + 1) <= 100,000 (about 315 a group)); use 'fisher' (fast at any size) or no exact test: the z-test is accurate with counts this large
    """  # noqa: E501 - a doctest line cannot wrap
    big = np.asarray(EXACT_TESTS[test].too_big(np.asarray(n1), np.asarray(n2)))
    if big.any():
        i = int(np.flatnonzero(big.ravel())[0])
        a = int(np.broadcast_to(n1, big.shape).ravel()[i])
        b = int(np.broadcast_to(n2, big.shape).ravel()[i])
        raise ParameterError(
            name,
            f"{test!r} takes more than a second on a table this large (n1 = {a}, n2 = {b}; it "
            f"takes {EXACT_TESTS[test].limit}); use 'fisher' (fast at any size) or no exact "
            "test: the z-test is accurate with counts this large",
        )


def exact_pvalue(
    test: str, x1: int, n1: int, x2: int, n2: int, alternative: str, *, pooled: bool = True
) -> float:
    """P-value of one 2 x 2 comparison by ``test`` ('fisher', 'barnard' or 'boschloo').

    Examples
    --------
    >>> round(exact_pvalue("fisher", 7, 10, 2, 10, "two-sided"), 6)
    0.069779
    """
    return EXACT_TESTS[test].pvalue(x1, n1, x2, n2, alternative, pooled)


def exact_pvalues(
    test: str,
    x1: FloatArray,
    n1: FloatArray,
    x2: FloatArray,
    n2: FloatArray,
    alternative: str,
    *,
    pooled: bool = True,
) -> FloatArray:
    """:func:`exact_pvalue` for each element of broadcast arrays (each distinct table once)."""
    arrays = np.broadcast_arrays(x1, n1, x2, n2)
    many = EXACT_TESTS[test].many
    if many is not None:
        flat = [np.ravel(v) for v in arrays]
        return np.asarray(many(*flat, alternative, pooled).reshape(arrays[0].shape), dtype=float)
    rows = np.stack([np.ravel(v) for v in arrays], axis=1).astype(np.int64)
    tables, where = np.unique(rows, axis=0, return_inverse=True)
    run = EXACT_TESTS[test].pvalue
    values = np.array(
        [run(int(a), int(b), int(c), int(d), alternative, pooled) for a, b, c, d in tables]
    )
    return np.asarray(values[np.ravel(where)].reshape(arrays[0].shape), dtype=float)
