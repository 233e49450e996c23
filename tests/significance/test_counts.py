"""Counts from published percentages, and adjusted p-values for a family of tests."""

import warnings

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control
from statsmodels.stats.multitest import multipletests

from significance import (
    AmbiguousPercentageWarning,
    adjust_pvalues,
    counts_from_percentage,
    ztest,
    ztest_from_percentages,
)


def half_up(x: int, n: int) -> int:
    """Whole percentage rounded half up, with Python's exact fractions."""
    from fractions import Fraction

    value = Fraction(100 * x, n)
    return int(value + Fraction(1, 2)) if value >= 0 else 0


def test_domain_examples() -> None:
    # docs/published-method.md: 61% of 79 is 48; 79% of 44 is impossible
    assert counts_from_percentage(61, 79).count == 48
    assert counts_from_percentage(61, 79).candidates == (48,)
    with pytest.raises(
        ValueError, match="no count out of n = 44 rounds to 79%: 34 gives 77% and 35 gives 80%"
    ):
        counts_from_percentage(79, 44)
    # the harm sub-sample and whole-sample figures: 74% and 65% of 100
    assert counts_from_percentage(74, 100).count == 74


def test_halves_round_up() -> None:
    # 1 of 8 is 12.5% -> 13%; 1 of 200 is 0.5% -> 1%
    assert counts_from_percentage(13, 8).candidates == (1,)
    with pytest.warns(AmbiguousPercentageWarning):  # 0.5% and 1.0% round to 1%; 1.5% to 2%
        assert counts_from_percentage(1, 200).candidates == (1, 2)


def test_several_candidates_warn() -> None:
    with pytest.warns(AmbiguousPercentageWarning, match="149, 150, 151"):
        result = counts_from_percentage(50, 300)
    assert result.candidates == (149, 150, 151) and result.count == 150
    assert "could be 149, 150, 151" in str(result)


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=100))
def test_candidates_are_exactly_the_counts_that_round(n: int, pct: int) -> None:
    expected = tuple(x for x in range(n + 1) if half_up(x, n) == pct)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPercentageWarning)
        if not expected:
            event("no count rounds to the percentage")
            with pytest.raises(ValueError, match="no count out of"):
                counts_from_percentage(pct, n)
        else:
            result = counts_from_percentage(pct, n)
            assert result.candidates == expected
            assert result.count in expected


def rounded(x: int, n: int, rule: str) -> int:
    """Whole percentage of x out of n under a rounding rule, with Python's exact fractions."""
    import math
    from fractions import Fraction

    value = Fraction(100 * x, n)
    if rule == "truncate":
        return math.floor(value)
    if rule == "half-up":
        return math.floor(value + Fraction(1, 2))
    return round(value)  # Fraction.__round__ rounds half to even


@given(
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=0, max_value=100),
    st.sampled_from(["half-up", "half-even", "truncate"]),
)
def test_candidates_under_each_rounding_rule(n: int, pct: int, rule: str) -> None:
    expected = tuple(x for x in range(n + 1) if rounded(x, n, rule) == pct)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPercentageWarning)
        if not expected:
            with pytest.raises(ValueError, match="no count out of"):
                counts_from_percentage(pct, n, rounding=rule)
            return
        result = counts_from_percentage(pct, n, rounding=rule)
    assert result.candidates == expected and result.rounding == rule


def test_rounding_rules_differ_on_halves_and_truncation() -> None:
    # 1 of 8 is 12.5%: 13% half up, 12% half even or truncated; 3 of 8 is 37.5%: 38% half up,
    # 38% half even (37 is odd), 37% truncated
    assert counts_from_percentage(13, 8).candidates == (1,)
    assert counts_from_percentage(12, 8, rounding="half-even").candidates == (1,)
    assert counts_from_percentage(12, 8, rounding="truncate").candidates == (1,)
    assert counts_from_percentage(38, 8, rounding="half-even").candidates == (3,)
    assert counts_from_percentage(37, 8, rounding="truncate").candidates == (3,)
    with pytest.raises(ValueError, match="no count out of n = 8 rounds to 12%"):
        counts_from_percentage(12, 8)  # impossible half up, possible under the other two
    with pytest.raises(ValueError, match="Did you mean 'half-even'"):
        counts_from_percentage(12, 8, rounding="half_even")


def test_pvalue_range_over_the_possible_counts() -> None:
    # 31% vs 23% of 150: 46 or 47 against 34 or 35. statsmodels proportions_ztest on the four
    # pairs gives p from 0.0909 (47 vs 34) to 0.1526 (46 vs 35); the nearest counts (46, 34)
    # give 0.1172, "not significant", but the call at 0.1 depends on the unpublished count
    from statsmodels.stats.proportion import proportions_ztest

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPercentageWarning)
        r = ztest_from_percentages(31, 150, 23, 150)
    pairs = [(a, b) for a in (46, 47) for b in (34, 35)]
    sm = [proportions_ztest([a, b], [150, 150])[1] for a, b in pairs]
    assert r.pvalue_range.low == pytest.approx(min(sm), rel=1e-12)
    assert r.pvalue_range.high == pytest.approx(max(sm), rel=1e-12)
    assert r.pvalue == pytest.approx(proportions_ztest([46, 34], [150, 150])[1], rel=1e-12)
    assert r.depends_on_count and not r.significant
    assert "depends on the unpublished count" in str(r)
    # one count each: the range is the p-value itself
    single = ztest_from_percentages(74, 100, 65, 100)
    assert single.pvalue_range == (single.pvalue, single.pvalue) and not single.depends_on_count
    # arrays: one range per comparison
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPercentageWarning)
        arr = ztest_from_percentages(np.array([31, 74]), np.array([150, 100]), 23, 150)
    assert arr.depends_on_count.tolist() == [True, False]
    assert arr.pvalue_range.low[0] == pytest.approx(min(sm), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    n1=st.integers(min_value=101, max_value=2500),
    n2=st.integers(min_value=101, max_value=2500),
    pct1=st.integers(min_value=0, max_value=100),
    pct2=st.integers(min_value=0, max_value=100),
    alternative=st.sampled_from(["two-sided", "greater", "less"]),
    continuity=st.booleans(),
)
def test_pvalue_range_from_rows_and_columns_equals_every_pair(
    n1: int, n2: int, pct1: int, pct2: int, alternative: str, continuity: bool
) -> None:
    # Beyond MAX_PAIRS the pooled test's range comes from each row's and column's ends and the
    # counts either side of equal proportions; here it is checked against every pair
    from significance._percentages import _pvalue_range

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPercentageWarning)
        pair = (counts_from_percentage(pct1, n1), counts_from_percentage(pct2, n2))
    event(f"pairs above 100: {len(pair[0].candidates) * len(pair[1].candidates) > 100}")
    opts = {"alternative": alternative, "continuity": continuity}
    every = _pvalue_range([pair], 0.1, opts, ())
    reduced = _pvalue_range([pair], 0.1, opts, (), max_pairs=0)
    assert [float(v[0]) for v in reduced] == [float(v[0]) for v in every]


def test_pvalue_range_of_many_cases() -> None:
    # 61% vs 57% of 10 million each: 100,000 possible counts a side (10**10 pairs) are not
    # tested one by one; the pooled test's range is exact from its rows and columns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousPercentageWarning)
        big = ztest_from_percentages(61, 10**7, 57, 10**7)
        assert big.pvalue_range == (0.0, 0.0) and big.significant
        with pytest.raises(ValueError, match="pooled z-test"):
            ztest_from_percentages(61, 10**7, 57, 10**7, pooled=False)


def test_decimals() -> None:
    assert counts_from_percentage(60.8, 79, decimals=1).candidates == (48,)
    with pytest.raises(ValueError, match=r"percentage must be a whole number; got 60\.8"):
        counts_from_percentage(60.8, 79)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((120, 100), ValueError, "percentage must be between 0 and 100; got 120"),
        ((0.61, 79), ValueError, "percentage must be a whole number; got 0.61. Did you mean 61?"),
        ((61, 0), ValueError, "n must be a whole number of at least 1; got 0"),
        (("61%", 79), TypeError, "percentage must be a single number"),
    ],
)
def test_bad_percentages(args: tuple[object, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=__import__("re").escape(message)):
        counts_from_percentage(*args)


def test_ztest_from_percentages() -> None:
    r = ztest_from_percentages(61, 79, 74, 100)
    direct = ztest(48, 79, 74, 100)
    assert (r.x1, r.x2) == (48, 74) and r.pvalue == direct.pvalue
    assert "published percentages" in r.method
    arr = ztest_from_percentages(np.array([61, 74]), np.array([79, 100]), 65, 100)
    assert arr.x1.tolist() == [48, 74]
    with pytest.raises(ValueError, match="79%"):
        ztest_from_percentages(79, 44, 65, 100)


# --- multiple comparisons ---------------------------------------------------------------------


@settings(max_examples=40)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_adjustments_match_statsmodels(pvalues: list[float]) -> None:
    p = np.array(pvalues)
    np.testing.assert_allclose(adjust_pvalues(p), multipletests(p, method="holm")[1], atol=1e-12)
    np.testing.assert_allclose(
        adjust_pvalues(p, method="bh"), multipletests(p, method="fdr_bh")[1], atol=1e-12
    )
    np.testing.assert_allclose(
        adjust_pvalues(p, method="hochberg"),
        multipletests(p, method="simes-hochberg")[1],
        atol=1e-12,
    )


def test_hochberg_is_rs_hochberg_not_bh() -> None:
    # R 4.2.2: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.5, 0.012), "hochberg")
    #   0.06 0.08 0.08 0.08 0.50 0.06   ("holm": 0.06 0.08 0.09 0.09 0.50 0.06;
    #                                    "BH":   0.036 0.040 0.045 0.048 0.500 0.036)
    q = [0.01, 0.02, 0.03, 0.04, 0.5, 0.012]
    np.testing.assert_allclose(
        adjust_pvalues(q, method="hochberg"), [0.06, 0.08, 0.08, 0.08, 0.50, 0.06], atol=1e-15
    )
    np.testing.assert_allclose(adjust_pvalues(q), [0.06, 0.08, 0.09, 0.09, 0.50, 0.06], atol=1e-15)
    np.testing.assert_allclose(
        adjust_pvalues(q, method="bh"), [0.036, 0.040, 0.045, 0.048, 0.500, 0.036], atol=1e-15
    )
    # p.adjust(c(0.01, 0.04, 0.03, 0.20), "hochberg") = 0.04 0.08 0.08 0.20
    np.testing.assert_allclose(
        adjust_pvalues([0.01, 0.04, 0.03, 0.20], method="hochberg"), [0.04, 0.08, 0.08, 0.20]
    )


def test_bh_matches_scipy_and_published_example() -> None:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.20), "holm") = 0.04 0.09 0.09 0.20 (hand-checked:
    # sorted 0.01*4, 0.03*3, 0.04*2 -> max-accumulated 0.09, 0.20*1)
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.04, 0.03, 0.20]), [0.04, 0.09, 0.09, 0.20])
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    np.testing.assert_allclose(
        adjust_pvalues(p, method="bh"), false_discovery_control(p), atol=1e-12
    )


def test_adjust_errors() -> None:
    with pytest.raises(ValueError, match=r"between 0 and 1; got 1\.5"):
        adjust_pvalues([0.2, 1.5])
    with pytest.raises(ValueError, match="Did you mean 'bh'"):
        adjust_pvalues([0.2], method="fdr_bh")
    with pytest.raises(ValueError, match=r"one of 'holm', 'hochberg', 'bh'; got 'hommel'$"):
        adjust_pvalues([0.2], method="hommel")  # no hint: a different procedure
    with pytest.raises(ValueError, match="must not be empty"):
        adjust_pvalues([])
    with pytest.raises(TypeError, match="array of numbers"):
        adjust_pvalues("0.1")
