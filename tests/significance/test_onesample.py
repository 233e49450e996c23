"""One provider against a fixed reference: the continuity-corrected interval at the boundary."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from significance import SmallCountWarning, ztest_one_sample
from tests.strategies import alphas, alternatives, proportions


@pytest.fixture(autouse=True)
def _quiet_small_counts() -> None:
    warnings.simplefilter("ignore", SmallCountWarning)


def test_corrected_interval_is_the_tests_acceptance_region_not_rs() -> None:
    # R 4.2.2 ("R version 4.2.2 Patched (2022-11-10 r83330)"):
    # prop.test(8, 18, p = 0.5, conf.level = 0.9)$conf.int  -> 0.249011371412790 0.656349101940731
    # prop.test(8, 18, p = 0.3, conf.level = 0.9)$conf.int  -> 0.249011371412790 0.656349101940731
    # prop.test(8, 18, p = 0.449, conf.level = 0.9)$conf.int -> 0.268142670688524 0.635584697684057
    # R shrinks the interval's correction to |x - n p| when that is below 0.5, so its interval
    # moves with the reference tested; ours is the set of references the corrected test accepts,
    # the same for every reference, and equal to R's whenever |x - n p0| >= 0.5.
    r_wide = (0.249011371412790, 0.656349101940731)
    for p0 in (0.5, 0.3, 0.449):
        r = ztest_one_sample(8, 18, p0, continuity=True)
        low, high = r.confidence_interval()
        assert (low + p0, high + p0) == pytest.approx(r_wide, abs=1e-12)
    # at p = 0.449, |8 - 18 * 0.449| = 0.082: R's statistic is 0 and p = 1, as ours
    r = ztest_one_sample(8, 18, 0.449, continuity=True)
    assert r.statistic == 0.0 and r.pvalue == 1.0


@pytest.mark.parametrize("p0", [7.5 / 18, 8.5 / 18, 7.4 / 18, 8.6 / 18])
def test_corrected_statistic_at_half_a_case_from_the_reference(p0: float) -> None:
    # |x - n p0| = 0.5 exactly (7.5 and 8.5 of 18): the corrected statistic is 0, p = 1 (R's
    # YATES = min(0.5, |x - n p|) gives 0 too); just past it, the correction is the full 0.5
    r = ztest_one_sample(8, 18, p0, continuity=True)
    gap = abs(8 - 18 * p0)
    expected = max(gap - 0.5, 0.0) / np.sqrt(18 * p0 * (1 - p0))
    assert abs(r.statistic) == pytest.approx(expected, abs=1e-12)
    assert r.pvalue == pytest.approx(2 * stats.norm.sf(expected), abs=1e-12)


@given(
    st.integers(min_value=1, max_value=300).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    proportions,
    alphas,
    alternatives,
)
def test_corrected_interval_excludes_reference_iff_corrected_test_rejects(
    xn: tuple[int, int], p0: float, alpha: float, alternative: str
) -> None:
    x, n = xn
    r = ztest_one_sample(
        x, n, p0, alpha=alpha, alternative=alternative, continuity=True, small_count_test=None
    )  # the property is about the z-test itself
    crit = stats.norm.ppf(1 - alpha / 2 if alternative == "two-sided" else 1 - alpha)
    assume(abs(abs(r.statistic) - crit) > 1e-9)
    low, high = r.confidence_interval()  # from the reference
    assert (low > 0 or high < 0) == r.significant


def test_small_expected_count_warns_and_the_exact_binomial_makes_the_call() -> None:
    # Through the Gate, 13 of 14 against the aggregate's 69%: n (1 - p0) = 4.3. R 4.2.2:
    # prop.test(13, 14, p = 0.69, correct = FALSE) warns "Chi-squared approximation may be
    # incorrect", p = 0.0535959647274624; binom.test(13, 14, 0.69)$p.value = 0.0785401171371073
    with pytest.warns(SmallCountWarning, match="exact binomial test gives the p-value"):
        r = ztest_one_sample(13, 14, 0.69)
    assert r.test == "binomial" and r.pvalue == pytest.approx(0.0785401171371073, rel=1e-12)
    assert r.statistic**2 == pytest.approx(stats.chi2.isf(0.0535959647274624, 1), rel=1e-9)
    assert "exact binomial p = 0.07854" in str(r) and "exact binomial test" in r.method
    # binom.test(13, 14, 0.69, alternative = "greater")$p.value = 0.0404209172629832
    greater = ztest_one_sample(13, 14, 0.69, alternative="greater")
    assert greater.pvalue == pytest.approx(0.0404209172629832, rel=1e-12)
    # binom.test(14, 14, 0.69)$p.value = 0.00774492453688941
    assert ztest_one_sample(14, 14, 0.69).pvalue == pytest.approx(0.00774492453688941, rel=1e-12)
    # the normal approximation on request, still with the warning
    with pytest.warns(SmallCountWarning, match=r"z-test's p-value stands"):
        plain = ztest_one_sample(13, 14, 0.69, small_count_test=None)
    assert plain.test == "z" and plain.pvalue == pytest.approx(0.0535959647274624, rel=1e-12)


def test_exact_binomial_on_request_and_arrays() -> None:
    # binom.test(11, 14, 0.62)$p.value = 0.274378053753387 (R 4.2.2)
    r = ztest_one_sample(np.array([11, 65]), np.array([14, 100]), 0.62, exact="binomial")
    assert list(r.test) == ["binomial", "binomial"]
    assert r.pvalue[0] == pytest.approx(0.274378053753387, rel=1e-12)
    assert r.pvalue[1] == pytest.approx(stats.binomtest(65, 100, 0.62).pvalue, rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ztest_one_sample(65, 100, 0.71).test == "z"  # healthy counts: no warning
    with pytest.raises(ValueError, match="exact 'binomial' cannot be combined with population"):
        ztest_one_sample(13, 14, 0.69, exact="binomial", population_size=20)
    with pytest.warns(SmallCountWarning, match="no exact test takes the finite population"):
        assert ztest_one_sample(13, 14, 0.69, population_size=20).test == "z"
