"""The test of each change between two rounds, chosen by name from a table.

A *round test* takes one key question's counts, ``x1`` of ``n1`` this round and ``x2`` of ``n2``
last time, and returns a :class:`RoundTest` row: the statistic, the p-value, the call at alpha
and the test's name in words. :data:`ROUND_TESTS` maps each name to its function, so
:func:`~significance.compare_rounds` chooses by name (``test="ztest"``, the published method, is
the default) and a paired or another exact test is one more entry. The command line builds the
help of ``--test`` from the same table.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from inspection_core.errors import ParameterError

from .._warnings import SmallCountWarning
from .._ztest import ZTestResult, ztest

__all__ = [
    "DEFAULT_TEST_NAME",
    "EXACT_NAMES",
    "ROUND_TESTS",
    "SMALL_COUNT_TEST",
    "RoundOptions",
    "RoundTest",
    "RoundTestFunction",
    "points",
    "round_test",
    "small_count_notes",
    "z_options",
]


@dataclass(frozen=True)
class RoundOptions:
    """The options every round test receives (the report's own).

    ``max_provider_share`` bounds this provider's share of a comparator that includes it when
    the comparator's n is unknown (see :mod:`significance.report.comparator`).
    """

    alpha: float
    alternative: str = "two-sided"
    pooled: bool = True
    continuity: bool = False
    max_provider_share: float = 0.5


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


def z_options(options: RoundOptions) -> dict[str, Any]:
    """The options as :func:`~significance.ztest` keywords.

    ``small_count_test=None``: the z-test's own p-value, which the report keeps beside the exact
    test's call where counts are small (the report makes that call itself, naming both p-values).
    """
    return {
        "alpha": options.alpha,
        "alternative": options.alternative,
        "pooled": options.pooled,
        "continuity": options.continuity,
        "small_count_test": None,
    }


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
    """The published method, the two-sample z-test (an exact test's call when counts are small).

    When :func:`~significance.ztest` warns that an expected count is below 5, the normal
    approximation is rough, so the call (p-value and significance) is Fisher's exact test's,
    named in ``test``; the z-score stays beside it and the row's note gives both p-values.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ztest(x1, n1, x2, n2, **z_options(options))
    if result.exact is not None:  # ztest took its p-value from an exact test already
        return _row(result, EXACT_NAMES.get(result.exact, str(result.exact)))
    if not small_count_notes(caught, "change"):
        return _row(result, DEFAULT_TEST_NAME)
    exact = ztest(
        x1, n1, x2, n2, alpha=options.alpha, alternative=options.alternative,
        pooled=options.pooled, exact=SMALL_COUNT_TEST,
    )  # fmt: skip
    name = EXACT_NAMES[SMALL_COUNT_TEST]
    note = (
        f"change: an expected count is below 5, so {name} makes the call "
        f"(p = {float(exact.pvalue):.4g}; the z-test's p = {float(result.pvalue):.4g})"
    )
    return _row(exact, f"{name} for small counts", (note,))


def _exact(name: str) -> Callable[[int, int, int, int, RoundOptions], RoundTest]:
    def run(x1: int, n1: int, x2: int, n2: int, options: RoundOptions) -> RoundTest:
        result = ztest(
            x1, n1, x2, n2, alpha=options.alpha, alternative=options.alternative,
            pooled=options.pooled, continuity=options.continuity, exact=name,
        )  # fmt: skip
        return _row(result, EXACT_NAMES[name])

    run.__doc__ = f"{EXACT_NAMES[name]} (scipy), with the z-score beside its p-value."
    return run


DEFAULT_TEST_NAME = "two-sample z-test"
EXACT_NAMES = {
    "fisher": "Fisher's exact test",
    "boschloo": "Boschloo's exact test",
    "barnard": "Barnard's exact test",
}
# The exact test that makes the call when the z-test's small-count warning fires (the one the
# warning quotes; R fisher.test gives the same p-value).
SMALL_COUNT_TEST = "fisher"

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


def points(x1: int, n1: int, x2: int | Fraction, n2: int = 1) -> float:
    """``100 (x1 / n1 - x2 / n2)`` in exact arithmetic: a change in points with no float noise.

    The report's one source of differences (it reads no result's ``difference`` field).

    Examples
    --------
    >>> points(55, 79, 68, 100), points(74, 100, 65, 100)
    (1.620253164556962, 9.0)
    """
    return float(100 * (Fraction(x1, n1) - Fraction(x2) / n2))
