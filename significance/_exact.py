"""Exact tests for a 2 x 2 table: Fisher's (vectorised), Boschloo's (scipy), Barnard's (exact ties).

The tests are dispatched by table (name -> :class:`ExactTest`); the command line lists the keys.
Fisher's test (:mod:`._fisher`) runs on whole arrays of tables at once, by R ``fisher.test``'s
definition (it is the test that makes the call wherever counts are small, so a million
comparisons must not mean a million scipy calls), and on one table in pure Python with the same
double. Barnard's and Boschloo's take one table at a time; arrays are looped
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

from inspection_core.deferred import numpy_later
from inspection_core.errors import ParameterError

from ._fisher import fisher_pvalue, fisher_pvalues

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["EXACT_TESTS", "NAMES", "ExactTest", "check_exact_size", "exact_pvalue", "exact_pvalues"]


def _fisher_many(
    x1: Any, n1: Any, x2: Any, n2: Any, alternative: str, pooled: bool = True
) -> FloatArray:
    """Fisher's exact test for arrays of 2 x 2 tables (:func:`._fisher.fisher_pvalues`)."""
    return fisher_pvalues(x1, n1, x2, n2, alternative)


def _fisher(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    return fisher_pvalue(int(x1), int(n1), int(x2), int(n2), alternative)


def _boschloo(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    from typing import Literal, cast

    from scipy import stats

    table = np.array([[x1, x2], [n1 - x1, n2 - x2]], dtype=np.int64)
    return float(
        stats.boschloo_exact(
            table, alternative=cast(Literal["two-sided", "less", "greater"], alternative)
        ).pvalue
    )


def _barnard(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    from ._barnard import barnard_pvalue

    return barnard_pvalue(x1, n1, x2, n2, alternative, pooled=pooled)


class ExactTest:
    """One exact test: its name in words, its p-value function and the largest table it takes.

    ``too_big(n1, n2)`` is True where one table would take more than about a second; ``many``,
    when given, computes arrays of tables at once. (A plain class: a dataclass would add a
    millisecond to every command's start-up.)
    """

    __slots__ = ("limit", "many", "name", "pvalue", "too_big")

    def __init__(
        self,
        name: str,
        pvalue: Callable[[int, int, int, int, str, bool], float],
        limit: str,
        too_big: Callable[[Any, Any], Any],
        many: Callable[..., FloatArray] | None = None,
    ) -> None:
        self.name = name
        self.pvalue = pvalue
        self.limit = limit
        self.too_big = too_big
        self.many = many


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
