"""The tests a report can make: the change between two rounds, chosen by name from a table.

A *round test* takes one key question's counts, ``x1`` of ``n1`` this round and ``x2`` of ``n2``
last time, and returns a :class:`RoundTest` row: the statistic, the p-value, the call at alpha
and the test's name in words. :data:`ROUND_TESTS` maps each name to its function, so
:func:`~significance.compare_rounds` chooses by name (``test="ztest"``, the published method, is
the default) and a paired or another exact test is one more entry. The command line builds the
help of ``--test`` from the same table.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from inspection_core.errors import ParameterError

from .._onesample import ztest_against_aggregate, ztest_one_sample
from .._warnings import SmallCountWarning
from .._ztest import ZTestResult, ztest

__all__ = [
    "COMPARATOR_TESTS",
    "ROUND_TESTS",
    "ComparatorTest",
    "RoundOptions",
    "RoundTest",
    "RoundTestFunction",
    "comparator_test",
    "points",
    "round_test",
    "small_count_notes",
]


@dataclass(frozen=True)
class RoundOptions:
    """The options every round test receives (the report's own)."""

    alpha: float
    alternative: str = "two-sided"
    pooled: bool = True
    continuity: bool = False


@dataclass(frozen=True)
class RoundTest:
    """One key question's change, as a round test reports it.

    Attributes
    ----------
    statistic : float
        The z-score of the change (signed like current minus previous).
    pvalue : float
        The p-value of the test that made the call.
    significant : bool
        ``pvalue < alpha``.
    test : str
        The test that made the call, in words (``"two-sample z-test"``, ``"Fisher's exact
        test"``).
    method : str
        The test with its options in words.
    notes : tuple of str
        Caveats for the row (a small expected count, with the exact p-value).
    """

    statistic: float
    pvalue: float
    significant: bool
    test: str
    method: str
    notes: tuple[str, ...] = ()


# The one signature of a round test: counts (current x1 of n1, previous x2 of n2) and the
# report's options in, one row out.
RoundTestFunction = Callable[[int, int, int, int, RoundOptions], RoundTest]


def small_count_notes(caught: list[warnings.WarningMessage], what: str) -> tuple[str, ...]:
    """The small-count warnings among ``caught`` as row notes, without their advice."""
    return tuple(
        f"{what}: {str(w.message).split('. Consider')[0]}"
        for w in caught
        if issubclass(w.category, SmallCountWarning)
    )


def _row(result: ZTestResult, test: str, notes: tuple[str, ...] = ()) -> RoundTest:
    return RoundTest(
        statistic=float(result.statistic),
        pvalue=float(result.pvalue),
        significant=bool(result.significant),
        test=test,
        method=result.method,
        notes=notes,
    )


def _z(x1: int, n1: int, x2: int, n2: int, options: RoundOptions) -> RoundTest:
    """The published method: the two-sample z-test (:func:`~significance.ztest`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ztest(
            x1, n1, x2, n2, alpha=options.alpha, alternative=options.alternative,
            pooled=options.pooled, continuity=options.continuity,
        )  # fmt: skip
    return _row(result, "two-sample z-test", small_count_notes(caught, "change"))


def _exact(name: str) -> Callable[[int, int, int, int, RoundOptions], RoundTest]:
    def run(x1: int, n1: int, x2: int, n2: int, options: RoundOptions) -> RoundTest:
        result = ztest(
            x1, n1, x2, n2, alpha=options.alpha, alternative=options.alternative,
            pooled=options.pooled, continuity=options.continuity, exact=name,
        )  # fmt: skip
        return _row(result, EXACT_NAMES[name])

    run.__doc__ = f"{EXACT_NAMES[name]} (scipy), with the z-score beside its p-value."
    return run


EXACT_NAMES = {"fisher": "Fisher's exact test", "boschloo": "Boschloo's exact test"}

# Name -> round test. The first is the default; the help of ``--test`` lists them in this order.
ROUND_TESTS: Mapping[str, RoundTestFunction] = MappingProxyType(
    {
        "ztest": _z,
        "fisher": _exact("fisher"),
        "boschloo": _exact("boschloo"),
    }
)
"""Name -> round test: ``ztest`` (the published method, the default), ``fisher``, ``boschloo``.

Every entry has the one signature ``(x1, n1, x2, n2, options) -> RoundTest``; a paired or
another exact test is one more entry.
"""


def round_test(name: object) -> RoundTestFunction:
    """The round test called ``name`` in :data:`ROUND_TESTS`.

    Examples
    --------
    >>> round_test("ztest")(74, 100, 65, 100, RoundOptions(alpha=0.1)).pvalue
    0.1668963289819...
    >>> round_test("paired")
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: test must be one of 'ztest', 'fisher', 'boschloo'; got 'paired'
    """  # noqa: E501 - a doctest line cannot wrap
    if not isinstance(name, str) or name not in ROUND_TESTS:
        listed = ", ".join(map(repr, ROUND_TESTS))
        raise ParameterError("test", f"must be one of {listed}; got {name!r}")
    return ROUND_TESTS[name]


# ---------------------------------------------------------------- against the comparator


def points(x1: int, n1: int, x2: int | Fraction, n2: int = 1) -> float:
    """``100 (x1 / n1 - x2 / n2)`` in exact arithmetic: a change in points with no float noise.

    The report's one source of differences (it reads no result's ``difference`` field).

    Examples
    --------
    >>> points(55, 79, 68, 100), points(74, 100, 65, 100)
    (1.620253164556962, 9.0)
    """
    return float(100 * (Fraction(x1, n1) - Fraction(x2) / n2))


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
        ``pvalue < alpha``; None when the row could not be tested (``notes`` says why).
    versus : str
        What the current round was tested against, in words (for the sentence).
    method : str
        The test in words.
    notes : tuple of str
        Caveats for the row.
    """

    difference_points: float
    statistic: float
    pvalue: float
    significant: bool | None
    versus: str
    method: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparator:
    """One row's comparator: its published percentage and, when known, its counts."""

    pct: float
    x: int | None
    n: int | None


def _z_options(options: RoundOptions) -> dict[str, Any]:
    return {
        "alpha": options.alpha,
        "alternative": options.alternative,
        "pooled": options.pooled,
        "continuity": options.continuity,
    }


def _pct_text(value: float) -> str:
    return f"{value:g}%"


def _fixed_rate(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """No comparator n: the current round against the comparator's rate as a fixed reference."""
    if not 0 < c.pct < 100:
        note = f"comparator {_pct_text(c.pct)} with no n cannot be tested as a fixed rate"
        nan = math.nan
        return ComparatorTest(nan, nan, nan, None, "", "", (note,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ztest_one_sample(
            x, n, c.pct / 100, alpha=options.alpha, alternative=options.alternative,
            continuity=options.continuity,
        )  # fmt: skip
    return ComparatorTest(
        difference_points=points(x, n, Fraction(str(c.pct)), 100),
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        significant=bool(res.significant),
        versus=f"the comparator's {_pct_text(c.pct)}",
        method=res.method,
        notes=small_count_notes(caught, "against the comparator"),
    )


def _independent(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """A comparator of other providers, with its n: the two-sample test."""
    assert c.x is not None  # the table below routes only rows with counts here
    assert c.n is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ztest(x, n, c.x, c.n, **_z_options(options))
    return ComparatorTest(
        difference_points=points(x, n, c.x, c.n),
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        significant=bool(res.significant),
        versus=f"the comparator's {_pct_text(c.pct)}",
        method=res.method + "; group 2 is the comparator",
        notes=small_count_notes(caught, "against the comparator"),
    )


def _rest(x: int, n: int, c: Comparator, options: RoundOptions) -> ComparatorTest:
    """A comparator that includes this provider, with its n: the provider against the rest."""
    assert c.x is not None  # the table below routes only rows with counts here
    assert c.n is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ztest_against_aggregate(x, n, c.x, c.n, **_z_options(options))
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
        notes=small_count_notes(caught, "against the comparator"),
    )


ComparatorFunction = Callable[[int, int, Comparator, RoundOptions], ComparatorTest]

# (comparator n known, comparator includes the provider) -> the comparator test.
COMPARATOR_TESTS: Mapping[tuple[bool, bool], ComparatorFunction] = MappingProxyType(
    {
        (False, False): _fixed_rate,
        (False, True): _fixed_rate,
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
