"""The current round against the comparator (an all-provider aggregate), chosen by a table.

:data:`COMPARATOR_TESTS` maps what is known, ``(comparator n known, comparator includes this
provider)``, to the test: the provider against the rest, against an independent comparator,
against a fixed rate, or, when the comparator includes the provider and its n is not published,
the range of p between a comparator so large that its rate is fixed and one in which this
provider holds ``max_provider_share`` of the cases. Where counts are small the exact tests make
the call (Fisher's for two samples, the binomial test against a fixed rate).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from .._onesample import ztest_against_aggregate, ztest_one_sample
from .._small_counts import SMALL_EXPECTED
from .._warnings import SmallCountWarning
from .._ztest import ZTestResult, ztest
from .methods import (
    EXACT_NAMES,
    SMALL_COUNT_TEST,
    RoundOptions,
    points,
    small_count_notes,
    z_options,
)
from .sensitivity import nearest_counts

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["COMPARATOR_TESTS", "Comparator", "ComparatorTest", "comparator_test"]


@dataclass(frozen=True)
class ComparatorTest:
    """The current round against the comparator (the all-provider aggregate).

    Attributes
    ----------
    difference_points : float
        Current minus what it is tested against, in percentage points.
    statistic, pvalue : float
        The z-score and its p-value.
    significant : bool or None
        ``pvalue < alpha``; None when the row could not be tested (``notes`` says why) or when
        the call depends on something unpublished (``depends_on``).
    versus : str
        What the current round was tested against, in words (for the sentence).
    method : str
        The test in words.
    notes : tuple of str
        Caveats for the row.
    pvalue_range : tuple of float or None
        Lowest and highest p-value over what is not published (``pvalue`` is the highest).
    depends_on : str
        What the range is over, in words; empty when the p-value is known.
    range_note : str
        What bounds the range, in words (``"with this provider up to 50% of its cases"``).
    """

    difference_points: float
    statistic: float
    pvalue: float
    significant: bool | None
    versus: str
    method: str
    notes: tuple[str, ...] = ()
    pvalue_range: tuple[float, float] | None = None
    depends_on: str = ""
    range_note: str = ""


@dataclass(frozen=True)
class Comparator:
    """One row's comparator: its published percentage and, when known, its counts."""

    pct: float
    x: int | None
    n: int | None


def _pct_text(value: float) -> str:
    return f"{value:g}%"


def _small_one_sample(n: int, p0: float) -> bool:
    """An expected count ``n p0`` or ``n (1 - p0)`` below 5 (the rule the z-test warns by)."""
    return n * min(p0, 1.0 - p0) < SMALL_EXPECTED


def _small_two_sample(x: int, n: int, xs: IntArray, ns: IntArray) -> BoolArray:
    """Per comparison, an expected count below 5 under the pooled null (the z-test's rule)."""
    pooled = (x + xs) / (n + ns)
    small: BoolArray = np.minimum(n, ns) * np.minimum(pooled, 1.0 - pooled) < SMALL_EXPECTED
    return small


def _fixed_rate(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """No comparator n: the current round against the comparator's rate as a fixed reference.

    With an expected count below 5 the exact binomial test makes the call (R ``binom.test``).
    """
    if not 0 < c.pct < 100:
        note = f"comparator {_pct_text(c.pct)} with no n cannot be tested as a fixed rate"
        nan = math.nan
        return ComparatorTest(nan, nan, nan, None, "", "", (note,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ztest_one_sample(
            x, n, c.pct / 100, alpha=options.alpha, alternative=options.alternative,
            continuity=options.continuity, small_count_test=None,
        )  # fmt: skip
    pvalue, method, notes = float(res.pvalue), res.method, small_count_notes(caught, "comparator")
    if _small_one_sample(n, c.pct / 100) or notes:
        from .._binomial import binomial_pvalue  # R binom.test, without scipy.stats

        pvalue = binomial_pvalue(x, n, c.pct / 100, options.alternative)
        method = f"exact binomial test against a fixed reference, {options.alternative}"
        notes = (
            "against the comparator: an expected count is below 5, so the exact binomial test "
            f"makes the call (p = {pvalue:.4g}; the z-test's p = {float(res.pvalue):.4g})",
        )
    return ComparatorTest(
        difference_points=points(x, n, Fraction(str(c.pct)), 100),
        statistic=float(res.statistic),
        pvalue=pvalue,
        significant=pvalue < options.alpha,
        versus=f"the comparator's {_pct_text(c.pct)}",
        method=method,
        notes=notes,
    )


def _two_sample(
    x: int, n: int, x2: int, n2: int, options: RoundOptions, test: Callable[..., ZTestResult]
) -> tuple[ZTestResult, tuple[str, ...]]:
    """``test`` (a z-test), or Fisher's exact test's call when it warns of small counts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = test(x, n, x2, n2, **z_options(options))
    if res.exact is not None or not small_count_notes(caught, "comparator"):
        return res, ()
    exact = test(
        x, n, x2, n2, alpha=options.alpha, alternative=options.alternative,
        pooled=options.pooled, exact=SMALL_COUNT_TEST,
    )  # fmt: skip
    note = (
        f"against the comparator: an expected count is below 5, so "
        f"{EXACT_NAMES[SMALL_COUNT_TEST]} makes the call (p = {float(exact.pvalue):.4g}; the "
        f"z-test's p = {float(res.pvalue):.4g})"
    )
    return exact, (note,)


def _independent(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """A comparator of other providers, with its n: the two-sample test."""
    assert c.x is not None  # the table below routes only rows with counts here
    assert c.n is not None
    res, notes = _two_sample(x, n, c.x, c.n, options, ztest)
    return ComparatorTest(
        difference_points=points(x, n, c.x, c.n),
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        significant=bool(res.significant),
        versus=f"the comparator's {_pct_text(c.pct)}",
        method=res.method + "; group 2 is the comparator",
        notes=notes,
    )


def _rest(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """A comparator that includes this provider, with its n: the provider against the rest."""
    assert c.x is not None  # the table below routes only rows with counts here
    assert c.n is not None
    res, notes = _two_sample(x, n, c.x, c.n, options, ztest_against_aggregate)
    rest_x, rest_n = c.x - x, c.n - n
    return ComparatorTest(
        difference_points=points(x, n, rest_x, rest_n),
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        significant=bool(res.significant),
        versus=(
            f"the other providers' {_pct_text(round(100 * rest_x / rest_n, 1))} (the "
            f"comparator's {_pct_text(c.pct)} less this provider)"
        ),
        method=res.method,
        notes=notes,
    )


def _comparator_sizes(smallest: int, exact: bool) -> IntArray:
    """Comparator n to try: every n for 5,000 from the smallest, then a geometric grid to 10^7.

    An exact test costs a millisecond a table, so with small counts the grid is coarser: the
    20 smallest n, then 60 geometric steps.
    """
    parts = (
        [np.arange(smallest, smallest + 20), np.geomspace(smallest + 20, 1e7, 60)]
        if exact
        else [np.arange(smallest, smallest + 5000), np.geomspace(smallest + 5000, 1e7, 400)]
    )
    sizes: IntArray = np.unique(np.concatenate(parts).astype(np.int64))
    return sizes


def _rest_pvalues(x: int, n: int, c: Comparator, options: RoundOptions) -> FloatArray:
    """P-values of the provider against the rest at each comparator n its share allows."""
    smallest = math.ceil(n / options.max_provider_share - 1e-9)
    coarse = bool(_small_two_sample(x, n, np.array([smallest - n]), np.array([smallest - n]))[0])
    sizes = _comparator_sizes(smallest, exact=coarse or n * min(c.pct, 100 - c.pct) < 500)
    decimals = next(d for d in range(4) if abs(c.pct * 10**d - round(c.pct * 10**d)) < 1e-9)
    totals = nearest_counts(c.pct, sizes, decimals=decimals)
    rest_x, rest_n = totals - x, sizes - n
    ok = (totals >= 0) & (rest_x >= 0) & (rest_x <= rest_n)
    rest_x, rest_n = rest_x[ok], rest_n[ok]
    if not rest_x.size:
        return np.array([], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        pvalues = np.atleast_1d(
            np.asarray(ztest(x, n, rest_x, rest_n, **z_options(options)).pvalue)
        )
    small = _small_two_sample(x, n, rest_x, rest_n)
    if small.any():  # the exact test makes the call where counts are small
        exact = ztest(
            x, n, rest_x[small], rest_n[small], alpha=options.alpha,
            alternative=options.alternative, pooled=options.pooled, exact=SMALL_COUNT_TEST,
        )  # fmt: skip
        pvalues[small] = exact.pvalue
    return pvalues


def _bounds(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """A comparator that includes this provider, n unknown: the p-values at both ends.

    The provider is compared with the rest of the comparator (``ztest_against_aggregate``) at
    every comparator n from ``n / max_provider_share`` up (the rest's count is the one the
    published percentage implies), and in the limit of a comparator so large that it is a fixed
    rate (``ztest_one_sample``). The call holds when both ends agree; otherwise it depends on
    the unpublished n. Where counts are small, the exact tests make the calls (Fisher's against
    the rest, the binomial test against the fixed rate).
    """
    limit = _fixed_rate(x, n, c, options)
    if not 0 < c.pct < 100:
        return limit
    rest = _rest_pvalues(x, n, c, options)
    pvalues = [limit.pvalue, *([float(rest.min()), float(rest.max())] if rest.size else [])]
    low, high = min(pvalues), max(pvalues)
    calls = {low < options.alpha, high < options.alpha}
    share = f"{100 * options.max_provider_share:g}%"
    method = (
        "two-sample test against the comparator less this provider, at every comparator n "
        f"with this provider up to {share} of it, and one-sample test against its rate as "
        "the limit; the comparator's n is not known"
    )
    return ComparatorTest(
        difference_points=limit.difference_points,
        statistic=limit.statistic,
        pvalue=high,
        significant=calls.pop() if len(calls) == 1 else None,
        versus=limit.versus,
        method=method,
        notes=limit.notes,
        pvalue_range=(low, high),
        depends_on="the comparator's unpublished n",
        range_note=f"with this provider up to {share} of its cases",
    )


ComparatorFunction = Callable[[int, int, Comparator, RoundOptions], ComparatorTest]

# (comparator n known, comparator includes the provider) -> the comparator test.
COMPARATOR_TESTS: Mapping[tuple[bool, bool], ComparatorFunction] = MappingProxyType(
    {
        (False, False): _fixed_rate,
        (False, True): _bounds,
        (True, False): _independent,
        (True, True): _rest,
    }
)


def comparator_test(
    x: int, n: int, c: Comparator, options: RoundOptions, *, includes_provider: bool
) -> ComparatorTest | None:
    """The comparator test that fits what is known, or None when the row has no comparator."""
    if math.isnan(c.pct):
        return None
    return COMPARATOR_TESTS[(c.n is not None, includes_provider)](x, n, c, options)
