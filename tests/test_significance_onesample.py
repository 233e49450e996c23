"""One provider against a fixed reference: the continuity-corrected interval at the boundary."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from significance import ztest_one_sample

from .strategies import alphas, alternatives, proportions


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
        low, high = r.confidence_interval
        assert (low / 100 + p0, high / 100 + p0) == pytest.approx(r_wide, abs=1e-12)
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
    r = ztest_one_sample(x, n, p0, alpha=alpha, alternative=alternative, continuity=True)
    crit = stats.norm.ppf(1 - alpha / 2 if alternative == "two-sided" else 1 - alpha)
    assume(abs(abs(r.statistic) - crit) > 1e-9)
    low, high = r.confidence_interval  # points from the reference
    assert (low > 0 or high < 0) == r.significant
