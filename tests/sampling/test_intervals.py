"""Wilson and exact sizing against statsmodels and exact enumeration."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import hypergeom
from statsmodels.stats.proportion import proportion_confint

from sampling import NormalApproximationWarning, margin_of_error, sample_size
from sampling._intervals import exact_half_width, half_width, hypergeometric_bounds


def sm_half_width(count: float, n: int, method: str, alpha: float = 0.2) -> float:
    low, high = proportion_confint(count, n, alpha=alpha, method=method)
    return float(high - low) / 2


@pytest.mark.parametrize("n", [5, 14, 33, 100, 163, 250])
def test_wilson_half_width_matches_statsmodels(n: int) -> None:
    # statsmodels proportion_confint(method="wilson"), worst of the counts floor(n/2), ceil(n/2)
    ours = margin_of_error(n, method="wilson")
    expected = max(sm_half_width(n // 2, n, "wilson"), sm_half_width(-(-n // 2), n, "wilson"))
    assert ours == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n", [5, 14, 33, 100, 183])
def test_exact_infinite_is_clopper_pearson(n: int) -> None:
    # statsmodels proportion_confint(method="beta") is Clopper-Pearson; worst of floor/ceil(n/2)
    expected = max(sm_half_width(n // 2, n, "beta"), sm_half_width(-(-n // 2), n, "beta"))
    assert margin_of_error(n, method="exact") == pytest.approx(expected, rel=1e-10)


def test_infinite_population_sizes() -> None:
    # Wilson at p = 0.5 has half-width z / (2 sqrt(n + z^2)) <= e  <=>  n >= n0 - z^2 = 162.6
    assert sample_size(method="wilson").n == 163
    assert sm_half_width(163 / 2, 163, "wilson") <= 0.05 < sm_half_width(162 / 2, 162, "wilson")
    # Clopper-Pearson (statsmodels "beta"): 183 is the first n from which every n meets 0.05
    n = sample_size(method="exact").n
    assert n == 183
    assert all(
        max(sm_half_width(m // 2, m, "beta"), sm_half_width(-(-m // 2), m, "beta")) <= 0.05
        for m in range(183, 260)
    )
    assert max(sm_half_width(91, 182, "beta"), sm_half_width(91, 182, "beta")) > 0.05


@pytest.mark.parametrize(("big_n", "n"), [(30, 10), (20, 7), (50, 25)])
def test_hypergeometric_interval_covers_at_least_the_level(big_n: int, n: int) -> None:
    # For every true M, P(M in interval(X)) >= 0.80, summing hypergeometric probabilities exactly.
    xs = np.arange(n + 1)
    lower, upper = hypergeometric_bounds(xs, np.full_like(xs, n), big_n, alpha=0.2)
    for m in range(big_n + 1):
        pmf = hypergeom.pmf(xs, big_n, m, n)
        covered = (lower <= m) & (m <= upper)
        assert pmf[covered].sum() >= 0.80 - 1e-12


def test_hypergeometric_approaches_clopper_pearson() -> None:
    x, n = np.array([50]), np.array([100])
    finite = exact_half_width(x, n, 0.8, 2_000_000)[0]
    infinite = exact_half_width(x, n, 0.8, np.inf)[0]
    assert finite == pytest.approx(infinite, abs=1e-5)


@pytest.mark.parametrize(("big_n", "n"), [(30, 11), (60, 30), (200, 51)])
def test_middle_count_is_the_worst_case(big_n: int, n: int) -> None:
    xs = np.arange(n + 1)
    widths = exact_half_width(xs, np.full_like(xs, n), 0.8, big_n)
    ours = half_width(
        "exact", np.array([n]), confidence_level=0.8, proportion=0.5, population_size=big_n
    )[0]
    assert ours == pytest.approx(widths.max())


@pytest.mark.parametrize("method", ["wilson", "exact"])
@pytest.mark.parametrize("big_n", [14, 25, 35, 46, 50, 120, 254])
def test_small_population_sizes_meet_margin(method: str, big_n: int) -> None:
    r = sample_size(big_n, method=method)
    assert 1 <= r.n <= big_n
    assert r.achieved_margin <= 0.05 + 1e-12
    # every larger n keeps the guarantee, the one below breaks it (unless n is 1)
    for m in range(r.n, big_n + 1):
        assert margin_of_error(m, big_n, method=method) <= 0.05 + 1e-12
    if r.n > 1:
        assert margin_of_error(r.n - 1, big_n, method=method) > 0.05


def test_methods_differ_as_documented() -> None:
    # Figures quoted in docs/methods.md
    pops = [14, 25, 35, 46, 50, 100, 254, 500, 1000, None]
    got = {m: sample_size(pops, method=m).n for m in ("normal", "wilson", "exact")}
    np.testing.assert_array_equal(got["normal"], [13, 22, 29, 37, 39, 63, 100, 124, 142, 165])
    np.testing.assert_array_equal(got["wilson"], [13, 22, 29, 37, 39, 63, 100, 123, 140, 163])
    np.testing.assert_array_equal(got["exact"], [13, 23, 30, 38, 39, 62, 107, 130, 152, 183])


def test_design_effect_only_for_normal() -> None:
    with pytest.raises(ValueError, match="design_effect applies to method='normal' only"):
        sample_size(100, method="exact", design_effect=2)


def test_sub_sample_margins_quoted_in_methods_page() -> None:
    cases = [(14, 46), (25, 100), (35, 200), (100, 254)]
    expected = {
        "normal": [14.44, 11.15, 9.86, 5.00],
        "wilson": [13.87, 10.88, 9.67, 4.97],
        "exact": [15.22, 12.00, 10.75, 5.12],
    }
    for method, values in expected.items():
        got = [round(100 * margin_of_error(n, big_n, method=method), 2) for n, big_n in cases]
        assert got == values


def _reference_bounds(x: int, n: int, big_n: int, half: Fraction) -> tuple[int, int]:
    """Smallest M with P(X >= x | M) > half and largest with P(X <= x | M) > half, in Fractions."""

    def tail(m: int, upper: bool) -> Fraction:
        ks = range(x, min(n, m) + 1) if upper else range(max(0, n - (big_n - m)), x + 1)
        total = sum(math.comb(m, k) * math.comb(big_n - m, n - k) for k in ks)
        return Fraction(total, math.comb(big_n, n))

    feasible = range(x, big_n - n + x + 1)
    return (
        min(m for m in feasible if tail(m, True) > half),
        max(m for m in feasible if tail(m, False) > half),
    )


def test_tail_equal_to_half_alpha_is_outside() -> None:
    # One case of 1 from 250 at 80%: P(X >= 1 | M) = M / 250 is exactly 0.1 at M = 25, which is
    # not above alpha / 2, so M_L = 26 and the half-width is (250 - 26) / 500 = 0.448. In floats
    # 1 - 0.8 is 0.19999999999999996 and the tail at M = 25 counted as inside (0.45).
    assert margin_of_error(1, 250, method="exact") == 0.448
    assert _reference_bounds(1, 1, 250, Fraction(1, 10)) == (26, 250)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.5])
@pytest.mark.parametrize("big_n", [10, 20, 40, 250])
def test_hypergeometric_bounds_equal_exact_reference(confidence: float, big_n: int) -> None:
    # Every (x, n) with n up to 6 (and 40 for small N): the bounds equal a pure-Fraction search
    half = (1 - Fraction(str(confidence))) / 2
    for n in [*range(1, min(big_n, 6) + 1), *([big_n // 2] if big_n <= 40 else [])]:
        xs = np.arange(n + 1)
        lower, upper = hypergeometric_bounds(xs, np.full_like(xs, n), big_n, 2 * half)
        for x in range(n + 1):
            assert (int(lower[x]), int(upper[x])) == _reference_bounds(x, n, big_n, half)


def test_quantile_is_correctly_rounded_and_normaldist_is_two_ulps_off() -> None:
    # Phi^-1(0.9) = 1.28155156554460047 (50-digit decimal Newton iteration on the erf series);
    # scipy's ndtri rounds it correctly; statistics.NormalDist and R 4.2.2 qnorm(0.9) both give
    # 1.2815515655446008, two units in the last place above (docs/methods.md says so)
    from statistics import NormalDist

    from inspection_core.normal import z_value

    z = float(z_value(0.8))
    assert z == 1.2815515655446004
    assert (NormalDist().inv_cdf(0.9) - z) / math.ulp(z) == 2.0


def test_normal_sizing_outside_its_range_warns_and_names_the_methods() -> None:
    # proportion 0.01 from 250: the normal rule gives n = 7 (n p = 0.07), whose Wald interval
    # claims +/-4.76 points; the Wilson and exact rules need 27 and 33 cases
    with pytest.warns(NormalApproximationWarning, match=r"method='wilson' or method='exact'"):
        r = sample_size(250, proportion=0.01)
    assert r.n == 7 and round(100 * r.achieved_margin, 2) == 4.76
    assert sample_size(250, proportion=0.01, method="wilson").n == 27
    assert sample_size(250, proportion=0.01, method="exact").n == 33
    # the Wilson half-width at n = 27 (worst of the counts floor/ceil(27 * 0.01)) is within 5 points
    # and at 26 it is not
    assert margin_of_error(27, 250, proportion=0.01, method="wilson") <= 0.05
    assert margin_of_error(26, 250, proportion=0.01, method="wilson") > 0.05
    with warnings.catch_warnings():
        warnings.simplefilter("error", NormalApproximationWarning)
        assert sample_size(250).n == 100  # the published rule is well inside its range
        assert sample_size(8).n == 8  # a census has no sampling error to approximate


@pytest.mark.parametrize("margin", [0.5, 0.75, [0.05, 0.5]])
def test_margins_no_proportion_can_have_are_refused(margin: object) -> None:
    with pytest.raises(ValueError, match=r"margin_of_error must be below 0\.5"):
        sample_size(margin_of_error=margin)
    with pytest.raises(ValueError, match=r"Did you mean 0\.05\?"):
        sample_size(margin_of_error=5)
