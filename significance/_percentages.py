"""Counts behind published percentages, and the z-test from them over every possible count.

Reports publish whole percentages, usually rounded half up (``round(100 x / n)`` with halves
going up). Given the percentage and n, the count is any x from 0 to n whose percentage rounds to
the published one under the report's rounding rule; the rounding is done in integer arithmetic,
so halves are exact. Where several counts fit (n above 100, or other rules), the test is run on
each pair of possible counts and the range of p-values is reported: a call that changes within
the range depends on the unpublished count.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass

from inspection_core.checks import check_choice, check_integer, format_value, is_number, is_whole
from inspection_core.deferred import numpy_later
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result
from inspection_core.rounding import scaled_half_up

from ._warnings import AmbiguousPercentageWarning, SmallCountWarning
from ._ztest import ZTestResult, ztest

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
else:
    np = numpy_later(globals())

__all__ = [
    "MAX_N",
    "ROUNDINGS",
    "PValueRange",
    "PercentageCounts",
    "PercentageZTestResult",
    "counts_from_percentage",
    "ztest_from_percentages",
]

MAX_N = 10**7
"""Largest n a published percentage is turned into a count for."""


def _half_even(x: IntArray, n: int, scale: int) -> IntArray:
    """``x / n * scale`` rounded half to even (banker's rounding), in integers."""
    q, r = np.divmod(scale * x, n)
    return np.asarray(q + ((2 * r > n) | ((2 * r == n) & (q % 2 == 1))), dtype=np.int64)


def _truncate(x: IntArray, n: int, scale: int) -> IntArray:
    """``x / n * scale`` rounded down (truncated), in integers."""
    return np.asarray((scale * x) // n, dtype=np.int64)


# Rounding rules by name (the command line lists the keys): 12.5% is 13 half up, 12 half even,
# 12 truncated; 12.4% is 12 under all three; 12.9% is 13, 13, 12.
ROUNDINGS: dict[str, Callable[[IntArray, int, int], IntArray]] = {
    "half-up": lambda x, n, scale: np.asarray(scaled_half_up(x, n, scale), dtype=np.int64),
    "half-even": _half_even,
    "truncate": _truncate,
}
ROUNDING_HINTS = {"half_up": "half-up", "half_even": "half-even", "floor": "truncate"}


def _first_half_even(s: int, n: int, scale: int) -> int:
    # x / n * scale is above s - 1/2, or equal to it and s even (the tie goes to the even s)
    t, d = n * (2 * s - 1), 2 * scale
    return -(-t // d) if s % 2 == 0 else t // d + 1


# The smallest x whose rounded value is at least s (each rule is monotone in x, so the counts
# rounding to s are the run [first(s), first(s + 1) - 1]); exact in integers, no array of n + 1
# values. Each equals the enumeration with ROUNDINGS (tested).
FIRST_AT_LEAST: dict[str, Callable[[int, int, int], int]] = {
    # floor(scale x / n + 1/2) >= s  <=>  2 scale x + n >= 2 n s
    "half-up": lambda s, n, scale: -((n - 2 * n * s) // (2 * scale)),
    "half-even": _first_half_even,
    # floor(scale x / n) >= s  <=>  scale x >= n s
    "truncate": lambda s, n, scale: -(-(n * s) // scale),
}


def _listed(candidates: tuple[int, ...]) -> str:
    """The candidates, or their range when there are more than six."""
    if len(candidates) <= 6:
        return ", ".join(map(str, candidates))
    return f"{len(candidates)} counts from {candidates[0]} to {candidates[-1]}"


@dataclass(frozen=True)
class PercentageCounts(Result):
    """The counts out of ``n`` that a published percentage can come from.

    Attributes
    ----------
    percentage : float
        The published percentage (61 for 61%).
    n : int
        Cases the percentage is of.
    count : int
        The candidate nearest ``percentage * n / 100`` (the smaller on a tie): the one used.
    candidates : tuple of int
        Every count that rounds to ``percentage``.
    decimals : int
        Decimal places the percentage was published to.
    rounding : str
        The rounding rule: ``'half-up'``, ``'half-even'`` or ``'truncate'``.
    """

    percentage: float
    n: int
    count: int
    candidates: tuple[int, ...]
    decimals: int
    rounding: str = "half-up"

    def summary(self) -> str:
        """The count(s) in a sentence."""
        pct = f"{self.percentage:.{self.decimals}f}%"
        if len(self.candidates) == 1:
            return f"{pct} of {self.n} is {self.count} cases."
        return f"{pct} of {self.n} could be {_listed(self.candidates)} cases; {self.count} is used."


def counts_from_percentage(
    percentage: Any, n: Any, *, decimals: int = 0, rounding: str = "half-up"
) -> PercentageCounts:
    """Counts out of ``n`` whose percentage, rounded by ``rounding``, is the published one.

    Parameters
    ----------
    percentage : float
        The published percentage, between 0 and 100 (61 for 61%, not 0.61).
    n : int
        Cases the percentage is of (at least 1).
    decimals : int, default 0
        Decimal places the percentage was published to (reports use whole numbers).
    rounding : {'half-up', 'half-even', 'truncate'}, default 'half-up'
        How the report rounded: half up (the inspectorate's rule: 12.5% is 13%), half to even
        (12.5% is 12%, 13.5% is 14%), or truncated (12.9% is 12%).

    Returns
    -------
    PercentageCounts
        ``count`` (the one to use) and every candidate.

    Raises
    ------
    ValueError
        No count out of n rounds to the percentage, a percentage outside [0, 100], a
        percentage with more decimals than ``decimals``, n below 1 or above :data:`MAX_N`, or an
        unknown rounding.
    TypeError
        A non-numeric input.

    Warns
    -----
    AmbiguousPercentageWarning
        When several counts round to the percentage (n above 100 at 0 decimals can do this).

    Examples
    --------
    61% of the 79 cases in a harm sub-sample is 48 (47 would be 59%, 49 would be 62%):

    >>> counts_from_percentage(61, 79).count
    48

    No count out of 44 gives 79% (34 is 77%, 35 is 80%); a report that truncated would publish
    34 of 44 (77.3%) as 77%, and so would one rounding half up:

    >>> counts_from_percentage(79, 44)
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: no count out of n = 44 rounds to 79%: 34 gives 77% and 35 gives 80%
    >>> counts_from_percentage(77, 44, rounding="truncate").candidates
    (34,)
    """  # noqa: E501 - a doctest line cannot wrap
    rounding = check_choice("rounding", rounding, tuple(ROUNDINGS), ROUNDING_HINTS)
    rule, first = ROUNDINGS[rounding], FIRST_AT_LEAST[rounding]
    # plain numbers are checked without numpy (the command line's --p1/--p2)
    if is_whole(decimals) and decimals <= 6:
        dec = int(decimals)
    else:
        dec = int(check_integer("decimals", decimals, minimum=0, maximum=6))
    if is_whole(n, 1):
        n_int = int(n)
    else:
        n_int = int(check_integer("n", n, minimum=1, what="a whole number of at least 1"))
    if n_int > MAX_N:
        raise ParameterError(
            "n",
            f"must be at most {MAX_N} to turn a percentage into a count (a rounded percentage "
            f"of more cases fits too many counts to say which); got {n_int}",
        )
    if is_number(percentage):
        pct = float(percentage)
    else:
        arr = np.asarray(percentage) if not isinstance(percentage, str | bool) else None
        if arr is None or arr.dtype.kind not in "iuf" or arr.ndim:
            raise ParameterTypeError("percentage", f"must be a single number; got {percentage!r}")
        pct = float(arr)
    if not 0 <= pct <= 100:
        raise ParameterError("percentage", f"must be between 0 and 100; got {format_value(pct)}")
    scaled = round(pct * 10**dec)
    if abs(pct * 10**dec - scaled) > 1e-9 * max(1.0, abs(scaled)):
        hint = ""
        if 0 < pct < 1 and dec == 0:
            hint = f". Did you mean {format_value(round(pct * 100, 10))}?"
        places = "a whole number" if dec == 0 else f"a number with at most {dec} decimals"
        raise ParameterError("percentage", f"must be {places}; got {format_value(pct)}{hint}")
    scale = 100 * 10**dec
    low = max(0, first(scaled, n_int, scale))
    high = min(n_int, first(scaled + 1, n_int, scale) - 1)
    candidates = tuple(range(low, high + 1))
    text = f"{pct:.{dec}f}%"
    if not candidates:
        below = high if high >= 0 else None  # the largest count rounding below
        above = low if low <= n_int else None  # the smallest count rounding above
        near = []
        for x in (below, above):
            if x is not None:
                got = int(rule(np.array([x], dtype=np.int64), n_int, scale)[0]) / 10**dec
                near.append(f"{x} gives {got:.{dec}f}%")
        raise ParameterError(
            "percentage",
            f"no count out of n = {n_int} rounds to {text}: {' and '.join(near)}",
            sentence=True,
        )
    target = pct * n_int / 100
    count = min(candidates, key=lambda c: (abs(c - target), c))
    if len(candidates) > 1:
        warnings.warn(
            f"{text} of {n_int} could be any of {_listed(candidates)} cases; "
            f"using {count}, the nearest to {text} x {n_int}",
            AmbiguousPercentageWarning,
            stacklevel=2,
        )
    return PercentageCounts(
        percentage=pct,
        n=n_int,
        count=count,
        candidates=candidates,
        decimals=dec,
        rounding=rounding,
    )


class PValueRange(namedtuple("PValueRange", ["low", "high"])):
    """The smallest and largest p-value over the possible counts (floats, or arrays)."""

    __slots__ = ()


@dataclass(frozen=True)
class PercentageZTestResult(ZTestResult):
    """A :class:`ZTestResult` from published percentages, with the range over possible counts.

    Attributes
    ----------
    pvalue_range : PValueRange
        Smallest and largest p-value over every pair of counts that round to the published
        percentages (equal to ``pvalue`` when each percentage has one count).
    depends_on_count : bool or ndarray
        The call at ``alpha`` changes within ``pvalue_range``: significant with some possible
        counts and not with others, so it depends on the unpublished count.
    rounding : str
        The rounding rule the counts were recovered under.
    """

    pvalue_range: Any = None
    depends_on_count: Any = False
    rounding: str = "half-up"

    def summary(self) -> str:
        """The comparison, and the range of p when the call depends on the count."""
        text = super().summary()
        if np.ndim(self.statistic):
            hits = int(np.sum(self.depends_on_count))
            return text + f" {hits} of them depend on the unpublished count." * bool(hits)
        low, high = self.pvalue_range
        if self.depends_on_count:
            return (
                text + f" The call depends on the unpublished count: over the counts that round "
                f"to the published percentages p ranges from {low:.3g} to {high:.3g}."
            )
        if low != high:
            return text + f" (p from {low:.3g} to {high:.3g} over the possible counts.)"
        return text


def ztest_from_percentages(
    percentage1: Any,
    n1: Any,
    percentage2: Any,
    n2: Any,
    *,
    decimals: int = 0,
    rounding: str = "half-up",
    **options: Any,
) -> PercentageZTestResult:
    """The z-test of :func:`ztest` from published percentages and their n.

    Each percentage is turned into a count with :func:`counts_from_percentage` (the nearest
    count when several fit, with a warning), and the counts are tested. Where several counts fit,
    every pair of possible counts is tested too, giving ``pvalue_range`` and
    ``depends_on_count``.

    Parameters
    ----------
    percentage1, n1, percentage2, n2 : float and int, or array_like
        Published percentages (74 for 74%) and the cases each is of. Arrays are converted
        element by element.
    decimals : int, default 0
        Decimal places the percentages were published to.
    rounding : {'half-up', 'half-even', 'truncate'}, default 'half-up'
        How the report rounded (see :func:`counts_from_percentage`).
    **options
        Passed to :func:`ztest` (``alpha``, ``alternative``, ``pooled``, ...).

    Returns
    -------
    PercentageZTestResult
        The test on the counts used, ``pvalue_range`` and ``depends_on_count``; ``method``
        says the counts came from percentages.

    Raises
    ------
    ValueError
        A percentage no count out of its n rounds to, and everything :func:`ztest` rejects.

    Examples
    --------
    74% of 100 this round against 65% of 100 last time:

    >>> result = ztest_from_percentages(74, 100, 65, 100)
    >>> result.x1, result.x2, round(result.pvalue, 4), result.depends_on_count
    (74, 65, 0.1669, False)

    31% against 23% of 150 each: 46 or 47 cases against 34 or 35, and the call at 0.1 turns on
    which:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     r = ztest_from_percentages(31, 150, 23, 150)
    >>> [round(p, 3) for p in r.pvalue_range], round(r.pvalue, 3), r.depends_on_count
    ([0.091, 0.153], 0.117, True)
    """
    scalar = all(np.ndim(v) == 0 for v in (percentage1, n1, percentage2, n2))
    opts: dict[str, Any] = {"decimals": decimals, "rounding": rounding}
    if scalar:
        found = [
            counts_from_percentage(percentage1, n1, **opts),
            counts_from_percentage(percentage2, n2, **opts),
        ]
        shape: tuple[int, ...] = ()
        m1: Any = n1
        m2: Any = n2
    else:
        for name, value in (("percentage1", percentage1), ("percentage2", percentage2)):
            if np.asarray(value).dtype.kind not in "iuf":
                raise ParameterTypeError(
                    name, f"must be a number or an array of numbers; got {value!r}"
                )
        try:
            b1, m1, b2, m2 = np.broadcast_arrays(
                *map(np.asarray, (percentage1, n1, percentage2, n2))
            )
        except ValueError:
            raise ParameterError(
                "percentage1",
                ", {n1}, {percentage2} and {n2} must broadcast together",
                refs=["n1", "percentage2", "n2"],
            ) from None
        shape = b1.shape
        found = [
            counts_from_percentage(v, m, **opts)
            for idx in np.ndindex(shape)
            for v, m in ((b1[idx], m1[idx]), (b2[idx], m2[idx]))
        ]
    pairs = [(found[2 * k], found[2 * k + 1]) for k in range(len(found) // 2)]
    x1 = np.array([a.count for a, _ in pairs], dtype=np.int64).reshape(shape)
    x2 = np.array([b.count for _, b in pairs], dtype=np.int64).reshape(shape)
    result = ztest(int(x1) if scalar else x1, n1 if scalar else m1, int(x2) if scalar else x2,
                   n2 if scalar else m2, **options)  # fmt: skip
    low, high, depends = _pvalue_range(pairs, result.alpha, options, shape)
    note = f"; counts from published percentages (rounded {rounding.replace('-', ' ')})"
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    fields["method"] = result.method + note
    return PercentageZTestResult(
        **fields,
        pvalue_range=PValueRange(
            float(low[0]) if scalar else low.reshape(shape),
            float(high[0]) if scalar else high.reshape(shape),
        ),
        depends_on_count=bool(depends[0]) if scalar else depends.reshape(shape),
        rounding=rounding,
    )


MAX_PAIRS = 2**20
"""Pairs of possible counts tested one by one; beyond, the pooled test's rows and columns."""


def _pair_grid(
    first: PercentageCounts, second: PercentageCounts, options: dict[str, Any], max_pairs: int
) -> tuple[IntArray, IntArray]:
    """The pairs of candidate counts whose p-values hold the range over every pair.

    Up to ``max_pairs`` pairs: all of them. Beyond, for the pooled z-test (the default): z is
    non-decreasing in x1 at fixed x2 and non-increasing in x2 at fixed x1, so along each row and
    column of the grid the p-value is smallest at an end and largest where z changes sign; the
    ends and the two counts either side of equal proportions, on every row and column, hold the
    smallest and the largest p (tested against every pair). Other options are refused there.
    """
    c1 = np.arange(first.candidates[0], first.candidates[-1] + 1, dtype=np.int64)
    c2 = np.arange(second.candidates[0], second.candidates[-1] + 1, dtype=np.int64)
    if c1.size * c2.size <= max_pairs:
        return np.repeat(c1, c2.size), np.tile(c2, c1.size)
    plain = options.get("pooled", True) is True and options.get("exact") is None
    if not plain:
        raise ParameterError(
            "percentage1",
            f"and {{percentage2}} fit {c1.size:,} x {c2.size:,} pairs of counts, more than "
            f"{max_pairs:,} to test one by one with these options; use the pooled z-test "
            "(the default) or give the counts to ztest",
            refs=["percentage2"],
        )

    def ends_and_crossing(fixed: IntArray, n_fixed: int, run: IntArray, n_run: int) -> IntArray:
        # per fixed count: the run's two ends and the counts either side of equal proportions
        cross = (fixed * n_run) // n_fixed
        picks = (np.full_like(fixed, run[0]), np.full_like(fixed, run[-1]), cross, cross + 1)
        return np.clip(np.concatenate(picks), run[0], run[-1])

    x1 = np.concatenate([ends_and_crossing(c2, second.n, c1, first.n), np.tile(c1, 4)])
    x2 = np.concatenate([np.tile(c2, 4), ends_and_crossing(c1, first.n, c2, second.n)])
    return x1, x2


def _pvalue_range(
    pairs: list[tuple[PercentageCounts, PercentageCounts]],
    alpha: float,
    options: dict[str, Any],
    shape: tuple[int, ...],
    max_pairs: int = MAX_PAIRS,
) -> tuple[Any, Any, Any]:
    """Smallest and largest p over every pair of candidate counts, in one vectorised test."""
    grids = [_pair_grid(first, second, options, max_pairs) for first, second in pairs]
    who = np.repeat(np.arange(len(pairs)), [g[0].size for g in grids])
    a = np.concatenate([g[0] for g in grids])
    b = np.concatenate([g[1] for g in grids])
    n_a = np.repeat([first.n for first, _ in pairs], [g[0].size for g in grids])
    n_b = np.repeat([second.n for _, second in pairs], [g[0].size for g in grids])
    with warnings.catch_warnings():  # the headline test has already warned
        warnings.simplefilter("ignore", SmallCountWarning)
        p = np.atleast_1d(np.asarray(ztest(a, n_a, b, n_b, **options).pvalue))
    low = np.full(len(pairs), np.inf)
    high = np.full(len(pairs), -np.inf)
    np.minimum.at(low, who, p)
    np.maximum.at(high, who, p)
    return low, high, (low < alpha) & (high >= alpha)
