"""Barnard's exact test against an exact-arithmetic reference on every table with n <= 8 a group.

scipy's ``barnard_exact`` orders tables by a floating-point statistic, so tables whose statistic
ties with the observed one exactly can be dropped (scipy issue #18798): for 3/3 vs 1/3 the four
tables (3, 1), (2, 0), (1, 3), (0, 2) all have ``|z| = sqrt(3)``, scipy counts two and reports
0.155 where the definition gives 0.219. The reference below decides the ordering with
``fractions.Fraction`` (no floating point), sums exact integer weights ``C(n1, a) C(n2, b)`` per
total, and maximises the resulting polynomial over the nuisance rate on a 2,001-point grid
refined by golden-section search: a different route from the library's at every step.
"""

import itertools
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from significance import SmallCountWarning, ztest
from significance._barnard import barnard_pvalue


def exact_statistic(a: int, n1: int, b: int, n2: int, *, pooled: bool) -> tuple[int, Fraction]:
    """(sign, T**2) of the Wald statistic as an exact fraction (T**2 = -1 stands for infinity)."""
    d = Fraction(a, n1) - Fraction(b, n2)
    if d == 0:
        return 0, Fraction(0)
    if pooled:
        p = Fraction(a + b, n1 + n2)
        var = p * (1 - p) * (Fraction(1, n1) + Fraction(1, n2))
    else:
        p1, p2 = Fraction(a, n1), Fraction(b, n2)
        var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    sign = 1 if d > 0 else -1
    return sign, (Fraction(-1) if var == 0 else d * d / var)


def at_least(t: tuple[int, Fraction], obs: tuple[int, Fraction], alternative: str) -> bool:
    """Whether statistic t is at least as extreme as obs, by exact comparison of T itself."""

    def value(u: tuple[int, Fraction]) -> tuple[int, Fraction]:
        # order key for T: (sign, |T| ordered, infinity above every number)
        sign, sq = u
        big = Fraction(10**30) if sq == -1 else sq
        return sign, big

    (s_t, q_t), (s_o, q_o) = value(t), value(obs)
    if alternative == "two-sided":
        return q_t >= q_o
    if alternative == "less":
        s_t, s_o = -s_t, -s_o
    signed_t = s_t * q_t  # T**2 keeps the order of T within one sign
    signed_o = s_o * q_o
    return signed_t >= signed_o


def reference_pvalue(x1: int, n1: int, x2: int, n2: int, alternative: str, pooled: bool) -> float:
    big_n = n1 + n2
    obs = exact_statistic(x1, n1, x2, n2, pooled=pooled)
    weight = [0] * (big_n + 1)  # exact integers: sum of C(n1, a) C(n2, b) over tail tables
    for a, b in itertools.product(range(n1 + 1), range(n2 + 1)):
        if at_least(exact_statistic(a, n1, b, n2, pooled=pooled), obs, alternative):
            weight[a + b] += math.comb(n1, a) * math.comb(n2, b)
    s = np.arange(big_n + 1)
    w = np.array(weight, dtype=float)

    def f(pi: float) -> float:
        return float(np.sum(w * pi**s * (1.0 - pi) ** (big_n - s)))

    grid = np.linspace(0.0, 1.0, 2001)[:, None]
    values = (grid**s * (1.0 - grid) ** (big_n - s)) @ w
    grid = grid[:, 0]
    k = int(np.argmax(values))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, 2000)]
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        c, d = hi - golden * (hi - lo), lo + golden * (hi - lo)
        if f(c) >= f(d):
            hi = d
        else:
            lo = c
    return min(1.0, max(float(values[k]), f((lo + hi) / 2)))


TABLES = [
    (x1, n1, x2, n2)
    for n1, n2 in itertools.product(range(1, 9), repeat=2)
    for x1 in range(n1 + 1)
    for x2 in range(n2 + 1)
]  # 1,936 tables


@pytest.mark.parametrize("n1", range(1, 9))
def test_two_sided_pooled_equals_exact_reference_on_every_table(n1: int) -> None:
    for x1, m1, x2, n2 in TABLES:
        if m1 != n1:
            continue
        got = barnard_pvalue(x1, n1, x2, n2, "two-sided", pooled=True)
        want = reference_pvalue(x1, n1, x2, n2, "two-sided", True)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-14), (x1, n1, x2, n2)


@pytest.mark.parametrize("alternative", ["greater", "less"])
@pytest.mark.parametrize("pooled", [True, False])
def test_one_sided_and_unpooled_equal_exact_reference(alternative: str, pooled: bool) -> None:
    for x1, n1, x2, n2 in TABLES[::3]:
        got = barnard_pvalue(x1, n1, x2, n2, alternative, pooled=pooled)
        want = reference_pvalue(x1, n1, x2, n2, alternative, pooled)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-14), (x1, n1, x2, n2)


def test_two_sided_unpooled_equals_exact_reference() -> None:
    for x1, n1, x2, n2 in TABLES[1::3]:
        got = barnard_pvalue(x1, n1, x2, n2, "two-sided", pooled=False)
        want = reference_pvalue(x1, n1, x2, n2, "two-sided", False)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-14), (x1, n1, x2, n2)


def test_the_reported_tie_and_how_often_scipy_differs() -> None:
    # 3/3 vs 1/3: tables (3, 1), (2, 0), (1, 3), (0, 2) all have |z| = sqrt(3); with all four
    # the maximum over pi is at pi = 1/2: (1 + 3 + 3 + 1) / 2**6 + ... = 0.21875 exactly
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallCountWarning)
        r = ztest(3, 3, 1, 3, exact="barnard")
    assert r.pvalue == pytest.approx(0.21875, rel=1e-12)
    assert reference_pvalue(3, 3, 1, 3, "two-sided", True) == pytest.approx(0.21875, rel=1e-12)
    # scipy 1.17 barnard_exact([[3, 1], [0, 2]]): 0.15492108735668964 (two tied tables dropped)
    scipy_p = stats.barnard_exact([[3, 1], [0, 2]]).pvalue
    assert scipy_p == pytest.approx(0.1549, abs=1e-4)
    # Among the 1,936 tables, scipy's value is too small on some and never too large
    low = 0
    for x1, n1, x2, n2 in TABLES[::4]:
        ours = barnard_pvalue(x1, n1, x2, n2, "two-sided")
        theirs = stats.barnard_exact([[x1, x2], [n1 - x1, n2 - x2]]).pvalue
        assert theirs <= ours + 1e-7
        low += theirs < ours - 1e-7
    assert low > 0


def test_agrees_with_scipy_where_no_table_ties() -> None:
    # Larger tables where no statistic ties the observed one: scipy's value (its optimiser is
    # good to about 1e-9 here) and ours agree
    for x1, n1, x2, n2 in [(7, 10, 2, 10), (31, 50, 20, 50), (55, 79, 41, 80), (14, 40, 9, 35)]:
        for alternative in ("two-sided", "greater", "less"):
            table = [[x1, x2], [n1 - x1, n2 - x2]]
            scipy_p = stats.barnard_exact(table, alternative=alternative).pvalue
            assert barnard_pvalue(x1, n1, x2, n2, alternative) == pytest.approx(
                scipy_p, rel=1e-7, abs=1e-12
            )


def test_swapping_groups_swaps_the_alternative() -> None:
    swap = {"two-sided": "two-sided", "greater": "less", "less": "greater"}
    for x1, n1, x2, n2 in TABLES[::17]:
        for alternative, other in swap.items():
            assert barnard_pvalue(x1, n1, x2, n2, alternative) == pytest.approx(
                barnard_pvalue(x2, n2, x1, n1, other), rel=1e-12, abs=1e-15
            )


def test_slow_exact_tests_are_refused_with_advice() -> None:
    # Boschloo (scipy 1.17) takes about 0.85 s at 300 a group and 1.7 s at 400; Barnard's
    # about 0.9 s at 1,000 a group (timed once; not part of the test)
    with pytest.raises(ValueError, match=r"exact 'boschloo' takes more than a second .* 'fisher'"):
        ztest(200, 400, 150, 400, exact="boschloo")
    with pytest.raises(ValueError, match=r"exact 'barnard' takes more than a second"):
        ztest(500, 1500, 300, 1000, exact="barnard")
    assert ztest(200, 400, 150, 400, exact="fisher").pvalue == pytest.approx(
        stats.fisher_exact(np.array([[200, 150], [200, 250]])).pvalue, rel=1e-12
    )
