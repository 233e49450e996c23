"""Two-sample and one-sample z-tests against R's documented formulas, statsmodels and scipy."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.proportion import test_proportions_2indep as sm_test_2indep

from significance import (
    SmallCountWarning,
    ZTestResult,
    ztest,
    ztest_against_aggregate,
    ztest_one_sample,
)
from significance._intervals import newcombe, wilson


# A transcription of R's code, kept for now: tests/test_r_references.py checks the same
# functions against R's own outputs (tests/r/references.csv, written by
# tests/r/make_references.R).
def r_prop_test(
    x: tuple[int, int],
    n: tuple[int, int],
    *,
    correct: bool,
    alternative: str = "two.sided",
    conf_level: float = 0.95,
) -> tuple[float, float, tuple[float, float]]:
    """R 4.x prop.test for two groups, reimplemented line by line from R's stats/R/prop.test.R.

    Returns (X-squared, p-value, conf.int).
    """
    xa, na = np.array(x, float), np.array(n, float)
    estimate = xa / na
    delta = estimate[0] - estimate[1]
    yates = min(0.5 if correct else 0.0, abs(delta) / np.sum(1 / na))
    z = stats.norm.ppf((1 + conf_level) / 2 if alternative == "two.sided" else conf_level)
    width = z * math.sqrt(np.sum(estimate * (1 - estimate) / na)) + yates * np.sum(1 / na)
    if alternative == "two.sided":
        cint = (max(delta - width, -1), min(delta + width, 1))
    elif alternative == "greater":
        cint = (max(delta - width, -1), 1.0)
    else:
        cint = (-1.0, min(delta + width, 1))
    p = xa.sum() / na.sum()
    table = np.column_stack([xa, na - xa])
    expected = np.column_stack([na * p, na * (1 - p)])
    statistic = float(np.sum((np.abs(table - expected) - yates) ** 2 / expected))
    if alternative == "two.sided":
        pval = float(stats.chi2.sf(statistic, 1))
    else:
        zz = math.copysign(math.sqrt(statistic), delta)
        pval = float(stats.norm.cdf(zz) if alternative == "less" else stats.norm.sf(zz))
    return statistic, pval, cint


PAIRS = [
    (74, 100, 65, 100),
    (51, 62, 23, 38),
    (47, 62, 18, 38),
    (48, 79, 55, 80),
    (12, 98, 14, 100),
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), PAIRS)
def test_default_matches_statsmodels_and_r(x1: int, n1: int, x2: int, n2: int) -> None:
    result = ztest(x1, n1, x2, n2)
    # statsmodels 0.14 proportions_ztest (pooled, two-sided)
    z_sm, p_sm = proportions_ztest([x1, x2], [n1, n2])
    assert result.statistic == pytest.approx(z_sm, abs=1e-10)
    assert result.pvalue == pytest.approx(p_sm, abs=1e-10)
    # R prop.test(c(x1, x2), c(n1, n2), correct = FALSE): X-squared = z^2, same p-value
    chi2, p_r, _ = r_prop_test((x1, x2), (n1, n2), correct=False)
    assert result.statistic**2 == pytest.approx(chi2, abs=1e-10)
    assert result.pvalue == pytest.approx(p_r, abs=1e-10)
    assert result.alpha == 0.1 and result.alternative == "two-sided"
    assert result.significant == (result.pvalue < 0.1)


def test_published_cross_check_pairs() -> None:
    # docs/published-method.md: 47/62 vs 18/38 (76% vs 47%), 51/62 vs 23/38 (82% vs 61%)
    r = ztest(47, 62, 18, 38)
    assert (round(100 * r.p1), round(100 * r.p2)) == (76, 47)
    assert round(100 * r.difference, 1) == 28.4 and r.significant  # 29 points between the rounded
    # statsmodels proportions_ztest([74, 65], [100, 100]):
    # (1.3822455156044657, 0.16689632898196016)
    r = ztest(74, 100, 65, 100)
    assert r.statistic == pytest.approx(1.3822455156044657, abs=1e-12)
    assert r.pvalue == pytest.approx(0.16689632898196016, abs=1e-12)
    assert r.difference == 0.09  # exactly: (74 * 100 - 65 * 100) / (100 * 100), rounded once
    assert 74 / 100 - 65 / 100 == 0.08999999999999997  # what p1 - p2 gives
    assert not r.significant


@pytest.mark.parametrize("alternative", ["greater", "less"])
@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), PAIRS)
def test_one_sided(alternative: str, x1: int, n1: int, x2: int, n2: int) -> None:
    result = ztest(x1, n1, x2, n2, alternative=alternative)
    sm_alt = {"greater": "larger", "less": "smaller"}[alternative]
    _, p_sm = proportions_ztest([x1, x2], [n1, n2], alternative=sm_alt)
    assert result.pvalue == pytest.approx(p_sm, abs=1e-10)
    _, p_r, _ = r_prop_test((x1, x2), (n1, n2), correct=False, alternative=alternative)
    assert result.pvalue == pytest.approx(p_r, abs=1e-10)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), PAIRS)
def test_continuity_and_wald_interval_match_r(
    alternative: str, x1: int, n1: int, x2: int, n2: int
) -> None:
    r_alt = "two.sided" if alternative == "two-sided" else alternative
    # R prop.test(c(x1, x2), c(n1, n2), correct = TRUE, conf.level = 0.9) (R's formula above)
    chi2, p_r, cint = r_prop_test(
        (x1, x2), (n1, n2), correct=True, alternative=r_alt, conf_level=0.9
    )
    result = ztest(x1, n1, x2, n2, continuity=True, interval="wald", alternative=alternative)
    assert result.statistic**2 == pytest.approx(chi2, abs=1e-10)
    assert result.pvalue == pytest.approx(p_r, abs=1e-10)
    assert result.confidence_interval().low == pytest.approx(cint[0], abs=1e-11)
    assert result.confidence_interval().high == pytest.approx(cint[1], abs=1e-11)
    # and without the correction (R correct = FALSE)
    _, _, cint = r_prop_test((x1, x2), (n1, n2), correct=False, alternative=r_alt, conf_level=0.9)
    plain = ztest(x1, n1, x2, n2, interval="wald", alternative=alternative)
    assert plain.confidence_interval().low == pytest.approx(cint[0], abs=1e-11)
    assert plain.confidence_interval().high == pytest.approx(cint[1], abs=1e-11)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), PAIRS)
def test_unpooled_matches_statsmodels_wald(x1: int, n1: int, x2: int, n2: int) -> None:
    result = ztest(x1, n1, x2, n2, pooled=False)
    # statsmodels test_proportions_2indep(method="wald", correction=False): unpooled z
    sm = sm_test_2indep(x1, n1, x2, n2, method="wald", correction=False)
    assert result.statistic == pytest.approx(sm.statistic, abs=1e-10)
    assert result.pvalue == pytest.approx(sm.pvalue, abs=1e-10)
    assert "unpooled" in result.method


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), PAIRS)
def test_newcombe_interval_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    result = ztest(x1, n1, x2, n2)
    # statsmodels confint_proportions_2indep(method="newcomb", alpha=0.1)
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", alpha=0.1)
    assert result.confidence_interval().low == pytest.approx(low, abs=1e-11)
    assert result.confidence_interval().high == pytest.approx(high, abs=1e-11)
    assert result.confidence_level == pytest.approx(0.9)
    assert "Newcombe" in result.method


def test_newcombe_published_values() -> None:
    # Newcombe (1998), Stat Med 17:873, Table II, example (a) 56/70 - 48/80:
    # method 10 (score) 0.0524 to 0.3339; method 11 (score, continuity corrected) 0.0428 to 0.3422
    x1, n1, x2, n2 = (np.array(float(v)) for v in (56, 70, 48, 80))
    z = float(stats.norm.ppf(0.975))
    low, high = newcombe(x1, n1, x2, n2, z)
    assert (round(float(low), 4), round(float(high), 4)) == (0.0524, 0.3339)
    low, high = newcombe(x1, n1, x2, n2, z, continuity=True)
    assert (round(float(low), 4), round(float(high), 4)) == (0.0428, 0.3422)


@pytest.mark.parametrize(
    ("x", "n", "plain", "corrected"),
    [
        # Newcombe (1998), Stat Med 17:857, Table II: methods 3 (Wilson) and 4 (Wilson, corrected)
        (81, 263, (0.2553, 0.3662), (0.2535, 0.3682)),
        (15, 148, (0.0624, 0.1605), (0.0598, 0.1644)),
        (0, 20, (0.0, 0.1611), (0.0, 0.2005)),
        (1, 29, (0.0061, 0.1718), (0.0018, 0.1963)),
    ],
)
def test_wilson_published_values(
    x: int, n: int, plain: tuple[float, float], corrected: tuple[float, float]
) -> None:
    z = stats.norm.ppf(0.975)
    low, high = wilson(np.array(float(x)), np.array(float(n)), z)
    assert (round(float(low), 4), round(float(high), 4)) == plain
    low, high = wilson(np.array(float(x)), np.array(float(n)), z, continuity=True)
    assert (round(float(low), 4), round(float(high), 4)) == corrected
    # statsmodels proportion_confint(method="wilson") for the uncorrected one
    sm_low, sm_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert float(wilson(np.array(float(x)), np.array(float(n)), z)[1]) == pytest.approx(sm_high)
    assert float(wilson(np.array(float(x)), np.array(float(n)), z)[0]) == pytest.approx(
        sm_low, abs=1e-12
    )


def test_finite_population_correction() -> None:
    # Each group's variance times (N - n) / (N - 1), by hand:
    x1, n1, x2, n2, big1, big2 = 74, 100, 65, 100, 250, 260
    p = (x1 + x2) / (n1 + n2)
    f1, f2 = (big1 - n1) / (big1 - 1), (big2 - n2) / (big2 - 1)
    z = (x1 / n1 - x2 / n2) / math.sqrt(p * (1 - p) * (f1 / n1 + f2 / n2))
    r = ztest(x1, n1, x2, n2, population_size1=big1, population_size2=big2)
    assert r.statistic == pytest.approx(z, rel=1e-12)
    assert r.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10)
    assert "finite population correction" in r.method
    assert (r.population_size1, r.population_size2) == (250, 260)
    # only one round corrected: the other's factor is 1
    one = ztest(x1, n1, x2, n2, population_size1=big1)
    z1 = (x1 / n1 - x2 / n2) / math.sqrt(p * (1 - p) * (f1 / n1 + 1 / n2))
    assert one.statistic == pytest.approx(z1, rel=1e-12)
    # a huge population is no correction; a census of both rounds has no sampling error
    assert ztest(x1, n1, x2, n2, population_size1=10**12, population_size2=10**12).statistic == (
        pytest.approx(ztest(x1, n1, x2, n2).statistic, rel=1e-9)
    )
    census = ztest(x1, n1, x2, n2, population_size1=100, population_size2=100)
    assert census.statistic == math.inf and census.pvalue == 0.0
    low, high = census.confidence_interval()
    assert low == pytest.approx(0.09) and high == pytest.approx(0.09)


def test_identical_all_success_groups() -> None:
    with pytest.warns(SmallCountWarning):
        r = ztest(10, 10, 20, 20)
    assert r.statistic == 0.0 and r.pvalue == 1.0 and not r.significant


def test_exact_tests_match_scipy_and_fisher_tea() -> None:
    # R fisher.test(matrix(c(3, 1, 1, 3), 2)): p = 0.4857 (Fisher's tea tasting), greater 0.2429
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        assert round(ztest(3, 4, 1, 4, exact="fisher").pvalue, 4) == 0.4857
        assert round(ztest(3, 4, 1, 4, exact="fisher", alternative="greater").pvalue, 4) == 0.2429
    table = [[7, 2], [3, 8]]
    for test, fn in (("barnard", stats.barnard_exact), ("boschloo", stats.boschloo_exact)):
        r = ztest(7, 10, 2, 10, exact=test, alternative="greater")
        assert r.pvalue == pytest.approx(fn(table, alternative="greater").pvalue, rel=1e-12)
        assert test.capitalize() in r.method
    r = ztest(7, 10, 2, 10, exact="barnard", pooled=False)
    assert r.pvalue == pytest.approx(stats.barnard_exact(table, pooled=False).pvalue)
    # statistic is still the z-score
    with pytest.warns(SmallCountWarning):
        unpooled = ztest(7, 10, 2, 10, pooled=False)
    assert r.statistic == pytest.approx(unpooled.statistic)


def test_exact_array_input() -> None:
    r = ztest(np.array([3, 7]), 10, np.array([1, 2]), 10, exact="fisher")
    expected = [
        stats.fisher_exact(np.array([[a, b], [10 - a, 10 - b]])).pvalue for a, b in ((3, 1), (7, 2))
    ]
    np.testing.assert_allclose(r.pvalue, expected, rtol=1e-12)


def test_small_expected_count_warns_with_exact_pvalue() -> None:
    # scipy fisher_exact([[3, 1], [7, 9]]): 0.5820433436532507 (R fisher.test: 0.582)
    fisher = stats.fisher_exact(np.array([[3, 1], [7, 9]])).pvalue
    with pytest.warns(SmallCountWarning, match=rf"Fisher's exact test p = {fisher:.4g}"):
        ztest(3, 10, 1, 10, small_count_test=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ztest(74, 100, 65, 100)  # no warning for healthy counts
        ztest(3, 10, 1, 10, exact="boschloo")  # the exact test is already in use
    with pytest.warns(SmallCountWarning, match="in 1 of 2 comparisons"):
        ztest(np.array([3, 74]), np.array([10, 100]), np.array([1, 65]), np.array([10, 100]))


def test_arrays_in_arrays_out() -> None:
    rng = np.random.default_rng(4)
    n1 = rng.integers(40, 150, 500)
    n2 = rng.integers(40, 150, 500)
    x1, x2 = rng.binomial(n1, 0.6), rng.binomial(n2, 0.6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        r = ztest(x1, n1, x2, n2)
    assert isinstance(r.pvalue, np.ndarray) and r.pvalue.shape == (500,)
    assert r.significant.dtype == bool and r.x1.dtype == np.int64
    sm = np.array(
        [proportions_ztest([a, b], [c, d]) for a, b, c, d in zip(x1, x2, n1, n2, strict=True)]
    )
    np.testing.assert_allclose(r.statistic, sm[:, 0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(r.pvalue, sm[:, 1], rtol=0, atol=1e-10)
    for i in (0, 17, 499):
        one = ztest(int(x1[i]), int(n1[i]), int(x2[i]), int(n2[i]))
        assert one.pvalue == pytest.approx(r.pvalue[i], abs=1e-14)
        assert one.confidence_interval().low == pytest.approx(r.confidence_interval().low[i])
    # broadcasting a scalar against arrays; lists work too
    b = ztest([74, 80], 100, 65, 100)
    assert b.statistic.shape == (2,) and "2 comparisons" in str(b)


def test_result_object() -> None:
    r = ztest(74, 100, 65, 100)
    assert isinstance(r, ZTestResult)
    assert isinstance(r.statistic, float) and isinstance(r.significant, bool)
    assert isinstance(r.x1, int)
    d = r.to_dict()
    for key in (
        "x1",
        "n1",
        "x2",
        "n2",
        "p1",
        "p2",
        "difference",
        "statistic",
        "pvalue",
        "alpha",
        "significant",
        "alternative",
        "method",
        "test",
        "question",
    ):
        assert key in d
    assert list(d) == [f.name for f in __import__("dataclasses").fields(r) if f.repr]
    assert d["difference"] == 0.09  # a proportion; the text shows points
    text = str(r)
    assert "+9.0 points" in text and "not significant" in text
    assert "<table>" in r._repr_html_() and "confidence_interval" in r._repr_html_()
    assert "+9 points" in r._repr_html_()
    with pytest.raises(AttributeError):
        r.alpha = 0.05  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"x1": 120}, ValueError, "x1 must be at most n1 (100); got 120"),
        ({"x1": -1}, ValueError, "x1 must be a whole number of at least 0; got -1"),
        ({"x1": 7.5}, ValueError, "x1 must be a whole number of at least 0; got 7.5"),
        ({"n2": 0}, ValueError, "n2 must be a whole number of at least 1; got 0"),
        (
            {"alpha": 5},
            ValueError,
            "alpha must be between 0 and 1 (exclusive); got 5. Did you mean 0.05?",
        ),
        ({"alpha": 0}, ValueError, "alpha must be between 0 and 1 (exclusive); got 0"),
        ({"alternative": "larger"}, ValueError, "Did you mean 'greater'?"),
        ({"alternative": "smaller"}, ValueError, "Did you mean 'less'?"),
        (
            {"alternative": "up"},
            ValueError,
            "alternative must be one of 'two-sided', 'greater', 'less'; got 'up'",
        ),
        ({"exact": "fischer"}, ValueError, "exact must be one of 'fisher', 'barnard', 'boschloo'"),
        ({"interval": "wilson"}, ValueError, "interval must be one of 'newcombe', 'wald'"),
        ({"pooled": "no"}, TypeError, "pooled must be True or False"),
        ({"x1": "74"}, TypeError, "x1 must be a number"),
        ({"population_size1": 80}, ValueError, "population_size1 must be at least n1 (100)"),
        ({"exact": "fisher", "population_size1": 300}, ValueError, "cannot be combined"),
    ],
)
def test_bad_input(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    args: dict[str, object] = {"x1": 74, "n1": 100, "x2": 65, "n2": 100} | kwargs
    with pytest.raises(error, match=__import__("re").escape(message)):
        ztest(**args)  # type: ignore[arg-type]


# --- one sample and aggregate ---------------------------------------------------------------


def r_prop_test_one(
    x: int, n: int, p0: float, *, correct: bool, conf_level: float
) -> tuple[float, float, float, float]:
    """R prop.test(x, n, p = p0, correct, conf.level) from R's source: X-squared, p, low, high."""
    yates = min(0.5 if correct else 0.0, abs(x - n * p0))
    z = stats.norm.ppf((1 + conf_level) / 2)
    z22n = z**2 / (2 * n)
    est = x / n
    pc = est + yates / n
    up = (
        1.0
        if pc >= 1
        else (pc + z22n + z * math.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    )
    pc = est - yates / n
    lo = (
        0.0
        if pc <= 0
        else (pc + z22n - z * math.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    )
    expected = np.array([n * p0, n * (1 - p0)])
    observed = np.array([x, n - x])
    statistic = float(np.sum((np.abs(observed - expected) - yates) ** 2 / expected))
    return statistic, float(stats.chi2.sf(statistic, 1)), lo, up


@pytest.mark.parametrize(
    ("x", "n", "p0"), [(65, 100, 0.71), (48, 79, 0.5), (30, 35, 0.8), (9, 14, 0.6)]
)
@pytest.mark.parametrize("correct", [False, True])
def test_one_sample_matches_r_and_statsmodels(x: int, n: int, p0: float, correct: bool) -> None:
    result = ztest_one_sample(x, n, p0, continuity=correct)
    chi2, p_r, low, high = r_prop_test_one(x, n, p0, correct=correct, conf_level=0.9)
    assert result.statistic**2 == pytest.approx(chi2, abs=1e-10)
    assert result.pvalue == pytest.approx(p_r, abs=1e-10)
    assert result.confidence_interval().low == pytest.approx(low - p0, abs=1e-11)
    assert result.confidence_interval().high == pytest.approx(high - p0, abs=1e-11)
    if not correct:
        # statsmodels proportions_ztest(x, n, value=p0, prop_var=p0): the score test
        z_sm, p_sm = proportions_ztest(x, n, value=p0, prop_var=p0)
        assert result.statistic == pytest.approx(z_sm, abs=1e-10)
        assert result.pvalue == pytest.approx(p_sm, abs=1e-10)


def test_one_sample_options_and_errors() -> None:
    r = ztest_one_sample(65, 100, 0.71, population_size=250, interval="wald")
    f = 150 / 249
    assert r.statistic == pytest.approx((0.65 - 0.71) / math.sqrt(0.71 * 0.29 * f / 100))
    assert "finite population correction" in r.method and r.population_size == 250
    assert "reference of 71.0%" in str(r)
    arr = ztest_one_sample(np.array([65, 80]), 100, 0.71, alternative="greater")
    assert arr.pvalue.shape == (2,)
    np.testing.assert_allclose(arr.confidence_interval().high, [0.29, 0.29])
    with pytest.raises(
        ValueError, match=r"reference must be between 0 and 1 .* Did you mean 0\.71"
    ):
        ztest_one_sample(65, 100, 71)


def test_against_aggregate_removes_the_provider() -> None:
    r = ztest_against_aggregate(65, 100, 710, 1000)
    assert (r.x2, r.n2) == (645, 900)
    assert r.pvalue == pytest.approx(proportions_ztest([65, 645], [100, 900])[1], abs=1e-12)
    assert "aggregate less this provider" in r.method
    same = ztest_against_aggregate(65, 100, 645, 900, includes_provider=False)
    assert same.pvalue == pytest.approx(r.pvalue) and "group 2 is the aggregate" in same.method
    with pytest.raises(ValueError, match="must include the provider"):
        ztest_against_aggregate(65, 100, 60, 100)
