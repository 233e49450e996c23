"""One result shape: proportions everywhere, exact differences, intervals on request, frames."""

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from significance import (
    SmallCountWarning,
    minimum_detectable_difference,
    sample_size_per_group,
    ztest,
    ztest_from_percentages,
    ztest_one_sample,
)


def test_differences_are_exact_proportions() -> None:
    # (x1 n2 - x2 n1) / (n1 n2), rounded once: 0.09, where 0.74 - 0.65 is 0.08999999999999997
    assert ztest(74, 100, 65, 100).difference == 0.09
    assert ztest(47, 62, 18, 38).difference == (47 * 38 - 18 * 62) / (62 * 38)
    r = ztest(np.arange(0, 101), 100, 50, 100)
    np.testing.assert_array_equal(r.difference, (np.arange(0, 101) - 50) / 100)
    one = ztest_one_sample(65, 100, 0.71)
    assert one.difference == pytest.approx(-0.06, abs=1e-15)
    assert "-6.0 points" in str(one) and "+9.0 points" in str(ztest(74, 100, 65, 100))
    assert minimum_detectable_difference(100, 100, 0.65).difference == pytest.approx(0.1557, 1e-3)


def test_confidence_interval_is_a_method_at_any_level() -> None:
    r = ztest(74, 100, 65, 100)
    assert r.confidence_interval() == r.confidence_interval(0.9)  # the level matching alpha
    for level in (0.8, 0.95, 0.99):
        # statsmodels confint_proportions_2indep(74, 100, 65, 100, method="newcomb", alpha=...)
        low, high = confint_proportions_2indep(74, 100, 65, 100, method="newcomb", alpha=1 - level)
        got = r.confidence_interval(level)
        assert got.low == pytest.approx(low, abs=1e-12) and got.high == pytest.approx(
            high, abs=1e-12
        )
    with pytest.raises(ValueError, match="confidence_level must be between 0 and 1"):
        r.confidence_interval(95)
    assert ztest_one_sample(65, 100, 0.71).confidence_interval(0.95).high < 0.05


def test_to_dict_is_the_fields() -> None:
    r = ztest(74, 100, 65, 100)
    names = [f.name for f in dataclasses.fields(r) if f.repr]
    assert list(r.to_dict()) == names and "index" not in names
    assert json.loads(json.dumps(r.to_dict()))["difference"] == 0.09
    g = sample_size_per_group(0.74, 0.65)
    assert list(g.to_dict()) == [f.name for f in dataclasses.fields(g) if f.repr]


def test_to_frame_keeps_a_pandas_index() -> None:
    table = pd.DataFrame(
        {"x1": [74, 81, 13], "n1": [100, 100, 14], "x2": [65, 79, 11], "n2": [100, 100, 14]},
        index=pd.Index(["2.1 engaging", "2.1 desistance", "4.2 resettlement"], name="question"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        r = ztest(table["x1"], table["n1"], table["x2"], table["n2"])
    frame = r.to_frame()
    assert list(frame.index) == list(table.index) and frame.index.name == "question"
    assert frame.loc["2.1 engaging", "difference"] == 0.09
    assert frame["test"].tolist() == ["z", "z", "fisher"]
    assert (frame["alpha"] == 0.1).all() and list(frame.columns) == list(r.to_dict())
    # numpy input: numbered rows; scalar results give one row
    assert list(ztest(np.array([74, 90]), 100, 65, 100).to_frame().index) == [0, 1]
    assert len(ztest(74, 100, 65, 100).to_frame()) == 1
    mdd = minimum_detectable_difference(pd.Series([50, 100], index=["a", "b"]), 100, 0.65)
    assert list(mdd.to_frame().index) == ["a", "b"]
    sizes = sample_size_per_group(pd.Series([0.74, 0.8], index=["x", "y"]), 0.65).to_frame()
    assert sizes.loc["x", "n_per_group"] == 323
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pct = ztest_from_percentages(np.array([31, 74]), np.array([150, 100]), 23, 150)
    frame = pct.to_frame()
    assert frame["depends_on_count"].tolist() == [True, False]
    assert frame["pvalue_range_low"].iloc[0] < 0.1 < frame["pvalue_range_high"].iloc[0]


def test_test_field_built_when_read_is_the_same_everywhere() -> None:
    """``test`` names Fisher where an expected count is below 5; it is built on first read."""
    import pickle

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        # 1/10 vs 0/12: expected min(1/22, 21/22) * 10 = 0.45, below 5 (Fisher's test)
        r = ztest(np.array([1, 74, 0]), np.array([10, 100, 100]), np.array([0, 65, 100]), 100)
    names = ["fisher", "z", "z"]
    assert pickle.loads(pickle.dumps(r)).test.tolist() == names  # before the first read
    assert r.to_dict()["test"] == names
    assert r.test.dtype == object and r.test.tolist() == names
    assert r.test is r.test  # built once
    assert dataclasses.replace(r, alpha=0.05).test.tolist() == names
    assert r.to_frame()["test"].tolist() == names
