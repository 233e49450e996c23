"""Small counts drive the call: where an expected count is below 5 an exact test decides."""

import warnings
from typing import Any

import numpy as np
import pytest
from scipy import stats

from significance import SmallCountWarning, ztest


def test_exact_test_makes_the_call_and_is_named() -> None:
    # 13 of 14 (Through the Gate) against 77 of 100: pooled p = 90/114, expected 14 * 24/114 = 2.9
    # R 4.2.2: fisher.test(matrix(c(13, 1, 77, 23), 2))$p.value -> 0.29440049278372
    fisher = stats.fisher_exact(np.array([[13, 77], [1, 23]])).pvalue
    assert fisher == pytest.approx(0.29440049278372, rel=1e-12)
    with pytest.warns(
        SmallCountWarning, match="Fisher's exact test gives the p-value and the call"
    ):
        r = ztest(13, 14, 77, 100)
    assert r.test == "fisher" and r.pvalue == pytest.approx(fisher, rel=1e-12)
    assert r.significant == (fisher < 0.1)
    assert "p-value from Fisher's exact test (an expected count below 5)" in r.method
    assert "Fisher's exact test p = " in str(r)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        z_only = ztest(13, 14, 77, 100, small_count_test=None)
    assert z_only.test == "z" and z_only.pvalue != pytest.approx(fisher, rel=1e-3)


def test_a_call_that_flips() -> None:
    # 9 of 10 against 4 of 10 at alpha 0.05, R 4.2.2:
    # prop.test(c(9, 4), c(10, 10), correct = FALSE)$p.value -> 0.0190763221017784 (significant)
    # fisher.test(matrix(c(9, 1, 4, 6), 2))$p.value            -> 0.0572755417956657 (not)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        z_only = ztest(9, 10, 4, 10, alpha=0.05, small_count_test=None)
        r = ztest(9, 10, 4, 10, alpha=0.05)
    fisher = stats.fisher_exact(np.array([[9, 4], [1, 6]])).pvalue
    assert z_only.significant and z_only.pvalue == pytest.approx(0.0190763221017784, rel=1e-12)
    assert r.pvalue == pytest.approx(fisher, rel=1e-12) and not r.significant
    assert fisher == pytest.approx(0.0572755417956657, rel=1e-12)


def test_only_the_small_comparisons_change_in_an_array() -> None:
    x1, n1 = np.array([3, 74, 13]), np.array([10, 100, 14])
    x2, n2 = np.array([1, 65, 77]), np.array([10, 100, 100])
    with pytest.warns(SmallCountWarning, match="in 2 of 3 comparisons"):
        r = ztest(x1, n1, x2, n2)
    assert list(r.test) == ["fisher", "z", "fisher"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        plain = ztest(x1, n1, x2, n2, small_count_test=None)
    assert r.pvalue[1] == plain.pvalue[1]
    for i in (0, 2):
        table = np.array([[x1[i], x2[i]], [n1[i] - x1[i], n2[i] - x2[i]]])
        assert r.pvalue[i] == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-12)
    assert "in 2 of 3 comparisons" in r.method


@pytest.mark.parametrize("test", ["boschloo", "barnard"])
def test_another_exact_test_can_make_the_call(test: str) -> None:
    with pytest.warns(SmallCountWarning, match=test.capitalize()):
        r = ztest(7, 10, 2, 10, small_count_test=test, alternative="greater")
    table = np.array([[7, 2], [3, 8]])
    # scipy 1.17 boschloo_exact / barnard_exact (no ties on this table, so scipy is right)
    if test == "boschloo":
        expected = stats.boschloo_exact(table, alternative="greater").pvalue
    else:
        expected = stats.barnard_exact(table, alternative="greater").pvalue
    assert r.test == test
    assert r.pvalue == pytest.approx(expected, rel=1e-9)


def test_finite_population_keeps_the_z_test_and_says_why() -> None:
    with pytest.warns(SmallCountWarning, match="no exact test takes the finite population"):
        r = ztest(3, 10, 1, 10, population_size1=20, population_size2=20)
    assert r.test == "z"


def test_healthy_counts_are_untouched() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ztest(74, 100, 65, 100)
    assert r.test == "z"
    with pytest.raises(ValueError, match="small_count_test must be one of 'fisher'"):
        ztest(3, 10, 1, 10, small_count_test="chisq")


def test_vectorised_fisher_equals_scipy_and_r() -> None:
    # Every table with up to 12 a group and 3,000 random larger ones with small counts: R's
    # algorithm (support enumerated, ties within 1 + 1e-7) vectorised, against scipy's
    # fisher_exact table by table, for all three alternatives
    from significance._exact import exact_pvalues

    rng = np.random.default_rng(11)
    rows = [
        (a, m, b, n)
        for m in range(1, 13)
        for n in range(1, 13)
        for a in range(m + 1)
        for b in range(n + 1)
    ]
    for _ in range(3000):
        m, n = int(rng.integers(1, 400)), int(rng.integers(1, 3000))
        rows.append((int(rng.integers(0, m + 1)), m, int(rng.integers(0, min(n, 30) + 1)), n))
    x1, n1, x2, n2 = (np.array(c) for c in zip(*rows, strict=True))
    for alternative in ("two-sided", "less", "greater"):
        ours = exact_pvalues("fisher", x1, n1, x2, n2, alternative)
        side: Any = alternative
        theirs = np.array(
            [stats.fisher_exact(np.array([[a, b], [m - a, n - b]]), alternative=side).pvalue
             for a, m, b, n in rows]
        )  # fmt: skip
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-300)  # subnormals aside
    # R 4.2.2: fisher.test(matrix(c(3, 7, 1, 9), 2))$p.value -> 0.582043343653251
    #          fisher.test(matrix(c(13, 1, 77, 23), 2))$p.value -> 0.29440049278372
    got = exact_pvalues("fisher", np.array([3, 13]), np.array([10, 14]), np.array([1, 77]),
                        np.array([10, 100]), "two-sided")  # fmt: skip
    np.testing.assert_allclose(got, [0.582043343653251, 0.29440049278372], rtol=1e-13)
