"""Invariants of the z-test, intervals and power (Hypothesis), and seeded error-rate simulations."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from significance import (
    SmallCountWarning,
    minimum_detectable_difference,
    power,
    sample_size_per_group,
    ztest,
    ztest_one_sample,
)
from tests.strategies import alphas, alternatives, count_pairs, proportions

SWAP = {"two-sided": "two-sided", "greater": "less", "less": "greater"}


@pytest.fixture(autouse=True)
def _quiet_small_counts() -> None:
    warnings.simplefilter("ignore", SmallCountWarning)


@given(count_pairs(), st.booleans(), st.booleans(), alternatives)
def test_swapping_groups_negates_z_and_keeps_p(
    pair: tuple[int, int, int, int], pooled: bool, continuity: bool, alternative: str
) -> None:
    x1, n1, x2, n2 = pair
    a = ztest(x1, n1, x2, n2, pooled=pooled, continuity=continuity, alternative=alternative)
    b = ztest(x2, n2, x1, n1, pooled=pooled, continuity=continuity, alternative=SWAP[alternative])
    assert b.statistic == pytest.approx(-a.statistic, rel=1e-12, abs=1e-12)
    assert b.pvalue == pytest.approx(a.pvalue, rel=1e-9, abs=1e-15)
    assert b.difference == -a.difference  # exact fractions: antisymmetric to the bit
    high = a.confidence_interval().high
    assert b.confidence_interval().low == pytest.approx(-high, abs=1e-11)


def _near_boundary(z: float, alpha: float, alternative: str) -> bool:
    crit = stats.norm.ppf(1 - alpha / 2 if alternative == "two-sided" else 1 - alpha)
    return abs(abs(z) - crit) < 1e-9


@given(count_pairs(), alphas, alternatives, st.booleans())
def test_wald_interval_excludes_zero_iff_unpooled_test_rejects(
    pair: tuple[int, int, int, int], alpha: float, alternative: str, continuity: bool
) -> None:
    x1, n1, x2, n2 = pair
    r = ztest(
        x1,
        n1,
        x2,
        n2,
        alpha=alpha,
        alternative=alternative,
        pooled=False,
        interval="wald",
        continuity=continuity,
        small_count_test=None,  # the property is about the z-test itself
    )
    assume(np.isfinite(r.statistic) and not _near_boundary(r.statistic, alpha, alternative))
    assume(0 < x1 < n1 or 0 < x2 < n2)  # a zero-width interval and z = +/-inf are ties
    low, high = r.confidence_interval()
    excludes = low > 0 or high < 0
    assert excludes == r.significant


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    proportions,
    alphas,
    alternatives,
    st.sampled_from([None, 600, 2000]),
)
def test_wilson_interval_excludes_reference_iff_score_test_rejects(
    xn: tuple[int, int], p0: float, alpha: float, alternative: str, population: int | None
) -> None:
    x, n = xn
    r = ztest_one_sample(
        x, n, p0, alpha=alpha, alternative=alternative, population_size=population,
        small_count_test=None,  # the property is about the z-test itself
    )  # fmt: skip
    assume(np.isfinite(r.statistic) and not _near_boundary(r.statistic, alpha, alternative))
    low, high = r.confidence_interval()  # from the reference
    assert (low > 0 or high < 0) == r.significant


@given(count_pairs(), alphas)
def test_newcombe_contains_the_estimate(pair: tuple[int, int, int, int], alpha: float) -> None:
    r = ztest(*pair, alpha=alpha)
    low, high = r.confidence_interval()
    assert -1 <= low <= r.difference + 1e-11 and r.difference - 1e-11 <= high <= 1


@given(
    st.integers(min_value=5, max_value=2000),
    st.integers(min_value=1, max_value=500),
    proportions,
    proportions,
    st.sampled_from(["pooled", "arcsine"]),
)
def test_power_rises_with_n(n: int, extra: int, p1: float, p2: float, method: str) -> None:
    assume(abs(p1 - p2) > 1e-3)
    assert power(n + extra, n + extra, p1, p2, method=method) >= power(n, n, p1, p2, method=method)


@given(proportions, proportions, st.sampled_from([0.7, 0.8, 0.9]))
def test_sample_size_is_the_smallest_that_reaches_power(
    p1: float, p2: float, target: float
) -> None:
    assume(abs(p1 - p2) > 0.02)
    r = sample_size_per_group(p1, p2, power=target)
    assume(r.n_per_group > 1)
    n = r.n_per_group
    assert power(n, n, p1, p2) >= target - 1e-12
    assert power(n - 1, n - 1, p1, p2) < target


@given(st.integers(min_value=20, max_value=1000), st.floats(min_value=0.05, max_value=0.8))
def test_detectable_rate_has_the_target_power(n: int, baseline: float) -> None:
    r = minimum_detectable_difference(n, n, baseline)
    assume(np.isfinite(r.detectable_rate))
    assert power(n, n, r.detectable_rate, baseline) == pytest.approx(0.8, abs=1e-8)


def _exact_size(n: int, p: float, alpha: float) -> float:
    """Exact rejection rate of the pooled two-sided test when both groups have rate p."""
    xs = np.arange(n + 1)
    x1, x2 = np.meshgrid(xs, xs, indexing="ij")
    reject = ztest(x1, n, x2, n, alpha=alpha).significant
    pmf = stats.binom.pmf(xs, n, p)
    return float(np.sum(np.outer(pmf, pmf) * reject))


def test_rejection_rate_under_no_change_is_close_to_alpha() -> None:
    # 100 cases a round, true rate 65% in both rounds: seeded simulation of 40,000 pairs
    rng = np.random.default_rng(20190601)
    reps, n, p, alpha = 40_000, 100, 0.65, 0.1
    x1, x2 = rng.binomial(n, p, reps), rng.binomial(n, p, reps)
    rate = float(np.mean(ztest(x1, n, x2, n, alpha=alpha).significant))
    exact = _exact_size(n, p, alpha)  # exact enumeration of all 101 x 101 outcomes
    se = np.sqrt(exact * (1 - exact) / reps)
    assert abs(rate - exact) < 4 * se
    assert abs(exact - alpha) < 0.01
    assert abs(rate - alpha) < 0.012


def test_finite_population_correction_keeps_alpha_without_replacement() -> None:
    # Both rounds: 100 cases drawn without replacement from 250 eligible, 65% meeting the standard.
    rng = np.random.default_rng(7)
    reps, n, big, good = 40_000, 100, 250, 162
    x1 = rng.hypergeometric(good, big - good, n, reps)
    x2 = rng.hypergeometric(good, big - good, n, reps)
    corrected = ztest(x1, n, x2, n, population_size1=big, population_size2=big).significant.mean()
    plain = ztest(x1, n, x2, n).significant.mean()
    assert abs(corrected - 0.1) < 0.012  # the corrected test keeps its level
    assert plain < 0.05  # the uncorrected test is far too cautious here
