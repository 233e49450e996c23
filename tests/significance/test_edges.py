"""Edge cases of the z-tests: groups all one way, a census, zero variance, infinite z in JSON."""

import json
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from significance import SmallCountWarning, ZeroVarianceWarning, ztest


@pytest.fixture(autouse=True)
def _quiet_small_counts() -> None:
    warnings.simplefilter("ignore", SmallCountWarning)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
@pytest.mark.parametrize("pooled", [True, False])
@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(0, 10, 0, 12), (10, 10, 12, 12), (0, 1, 0, 1)])
def test_groups_all_one_way_give_p_one(
    x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool
) -> None:
    # scipy fisher_exact([[x1, x2], [n1 - x1, n2 - x2]], alternative) is 1 for all three
    # alternatives; a one-sided normal p-value would be Phi(0) = 0.5 (it was)
    side = alternative
    table = np.array([[x1, x2], [n1 - x1, n2 - x2]])
    assert stats.fisher_exact(table, alternative=side).pvalue == 1.0  # type: ignore[arg-type]
    r = ztest(x1, n1, x2, n2, alternative=alternative, pooled=pooled)
    assert r.statistic == 0.0 and r.pvalue == 1.0 and not r.significant
    arr = ztest(np.array([x1, 5]), np.array([n1, 10]), x2, n2, alternative=alternative)
    assert arr.pvalue[0] == 1.0


def test_unpooled_zero_variance_uses_the_pooled_standard_error() -> None:
    # 0/1 vs 1/1: each group all one way, unpooled se = 0. It used to give z = -inf, p = 0,
    # "significant", beside a Newcombe interval containing 0. Now the pooled se, sqrt(0.5):
    # z = -1/sqrt(0.5) = -1.4142135623730951, p = 2 Phi(-1.414...) = 0.157299207050285 (R 4.2.2
    # 2 * pnorm(-sqrt(2))), not significant, and the interval contains 0.
    with pytest.warns(ZeroVarianceWarning, match="unpooled standard error is 0"):
        r = ztest(0, 1, 1, 1, pooled=False, small_count_test=None)
    assert r.statistic == pytest.approx(-math.sqrt(2), rel=1e-15)
    assert r.pvalue == pytest.approx(0.157299207050285, rel=1e-12) and not r.significant
    low, high = r.confidence_interval()
    assert low < 0 < high and "where the unpooled one is 0" in r.method
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroVarianceWarning)
        wald = ztest(0, 1, 1, 1, pooled=False, small_count_test=None, interval="wald")
        assert wald.confidence_interval().low < 0 < wald.confidence_interval().high
        # with large groups the difference stays overwhelming: 0/100 vs 100/100, z = -14.14
        big = ztest(0, 100, 100, 100, pooled=False)
    assert big.statistic == pytest.approx(-math.sqrt(200), rel=1e-12) and big.significant
    # the default small-count rule lets Fisher's test decide 0/1 vs 1/1 anyway: p = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroVarianceWarning)
        assert ztest(0, 1, 1, 1, pooled=False).pvalue == 1.0


def test_json_keeps_the_sign_of_an_infinite_statistic() -> None:
    # a census of both rounds with the finite population correction: no sampling error, z is
    # +inf for a rise and -inf for a fall; JSON has no infinity, so they are the strings
    up = ztest(74, 100, 65, 100, population_size1=100, population_size2=100)
    down = ztest(65, 100, 74, 100, population_size1=100, population_size2=100)
    assert json.loads(json.dumps(up.to_dict()))["statistic"] == "inf"
    assert json.loads(json.dumps(down.to_dict()))["statistic"] == "-inf"
    assert up.to_dict()["pvalue"] == 0.0
