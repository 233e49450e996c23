"""Edge cases of the z-tests: groups all one way, a census, zero variance, infinite z in JSON."""

import warnings

import numpy as np
import pytest
from scipy import stats

from significance import SmallCountWarning, ztest


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
