"""Power, cases per round and minimum detectable difference against R power.prop.test's formula."""

import math

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from significance import GroupSize, minimum_detectable_difference, power, sample_size_per_group


# A transcription of R's code, kept for now: tests/test_r_references.py checks the same
# functions against R's own outputs (tests/r/references.csv, written by
# tests/r/make_references.R).
def r_power_prop_test(
    n: float,
    p1: float,
    p2: float,
    sig_level: float,
    *,
    one_sided: bool = False,
    strict: bool = False,
) -> float:
    """R 4.x power.prop.test's p.body, transcribed from R's stats/R/power.R."""
    tside = 1 if one_sided else 2
    qu = stats.norm.ppf(1 - sig_level / tside)
    if strict and tside == 2:
        d = abs(p1 - p2)
        q1, q2 = 1 - p1, 1 - p2
        v1, v2 = p1 * q1, p2 * q2
        pooled = math.sqrt((p1 + p2) * (q1 + q2) / 2)
        return float(
            stats.norm.cdf((math.sqrt(n * d**2) - qu * pooled) / math.sqrt(v1 + v2))
            + stats.norm.sf((math.sqrt(n * d**2) + qu * pooled) / math.sqrt(v1 + v2))
        )
    return float(
        stats.norm.cdf(
            (math.sqrt(n) * abs(p1 - p2) - qu * math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2)))
            / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
        )
    )


def test_r_help_page_examples() -> None:
    # R ?power.prop.test examples (alpha 0.05): power.prop.test(n = 50, p1 = .50, p2 = .75)
    # prints power = 0.7401659; power.prop.test(p1 = .50, p2 = .75, power = .90) "=> n = 76.7";
    # power.prop.test(n = 50, p1 = .5, power = .90) "=> p2 = 0.8026"
    assert power(50, 50, 0.5, 0.75, alpha=0.05) == pytest.approx(0.7401659, abs=1e-7)
    assert round(sample_size_per_group(0.5, 0.75, power=0.9, alpha=0.05).n_unrounded, 1) == 76.7
    mdd = minimum_detectable_difference(50, 50, 0.5, power=0.9, alpha=0.05)
    assert round(mdd.detectable_rate, 4) == 0.8026


@pytest.mark.parametrize("n", [14, 35, 79, 100, 250])
@pytest.mark.parametrize(("p1", "p2"), [(0.74, 0.65), (0.5, 0.75), (0.2, 0.1), (0.9, 0.82)])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_power_matches_r_formula(n: int, p1: float, p2: float, alpha: float) -> None:
    assert power(n, n, p1, p2, alpha=alpha) == pytest.approx(
        r_power_prop_test(n, p1, p2, alpha), abs=1e-10
    )
    assert power(n, n, p1, p2, alpha=alpha, strict=True) == pytest.approx(
        r_power_prop_test(n, p1, p2, alpha, strict=True), abs=1e-10
    )
    side = "greater" if p1 > p2 else "less"
    assert power(n, n, p1, p2, alpha=alpha, alternative=side) == pytest.approx(
        r_power_prop_test(n, p1, p2, alpha, one_sided=True), abs=1e-10
    )


@pytest.mark.parametrize(
    ("p1", "p2", "target"), [(0.74, 0.65, 0.8), (0.5, 0.75, 0.9), (0.8, 0.65, 0.8)]
)
def test_sample_size_matches_r_uniroot(p1: float, p2: float, target: float) -> None:
    # R: power.prop.test(p1 = p1, p2 = p2, power = target, sig.level = 0.1)$n solves p.body = power
    n_r = optimize.brentq(lambda n: r_power_prop_test(n, p1, p2, 0.1) - target, 2, 1e7, xtol=1e-12)
    result = sample_size_per_group(p1, p2, power=target)
    assert isinstance(result, GroupSize)
    assert result.n_unrounded == pytest.approx(n_r, abs=1e-4)
    assert result.n_per_group == math.ceil(n_r)
    assert result.achieved_power >= target
    assert power(result.n_per_group - 1, result.n_per_group - 1, p1, p2) < target
    strict = sample_size_per_group(p1, p2, power=target, strict=True)
    n_strict = optimize.brentq(
        lambda n: r_power_prop_test(n, p1, p2, 0.1, strict=True) - target, 2, 1e7, xtol=1e-12
    )
    assert strict.n_unrounded == pytest.approx(n_strict, abs=1e-4)


def test_worked_figure() -> None:
    # docs/published-method.md: 100 a round, baseline 65%, alpha 0.1 two-sided, power 0.8
    # -> about 80.6%
    result = minimum_detectable_difference(100, 100, 0.65)
    assert round(result.detectable_rate, 3) == 0.806
    assert result.difference == pytest.approx(result.detectable_rate - 0.65, abs=1e-15)
    assert r_power_prop_test(100, result.detectable_rate, 0.65, 0.1) == pytest.approx(0.8, abs=1e-9)
    down = minimum_detectable_difference(100, 100, 0.65, direction="decrease")
    assert down.difference < 0 and abs(down.difference) > result.difference
    assert r_power_prop_test(100, down.detectable_rate, 0.65, 0.1) == pytest.approx(0.8, abs=1e-9)
    assert "80.6%" in str(result)


def test_arcsine_matches_statsmodels_normal_ind_power() -> None:
    # statsmodels NormalIndPower counts both tails, so compare with strict=True
    for n1, n2, p1, p2 in [(100, 100, 0.74, 0.65), (62, 38, 0.82, 0.61), (35, 80, 0.5, 0.3)]:
        h = proportion_effectsize(p1, p2)
        expected = NormalIndPower().power(h, n1, alpha=0.1, ratio=n2 / n1)
        got = power(n1, n2, p1, p2, method="arcsine", strict=True)
        assert got == pytest.approx(expected, abs=1e-10)
    h = proportion_effectsize(0.74, 0.65)
    n_sm = NormalIndPower().solve_power(h, alpha=0.1, power=0.8, ratio=1)
    arc = sample_size_per_group(0.74, 0.65, method="arcsine", strict=True)
    assert arc.n_unrounded == pytest.approx(n_sm, abs=1e-4)
    assert "Cohen's h" in arc.method


def test_finite_population_correction() -> None:
    # variances times (N - n) / (N - 1) in R's formula, by hand
    n, big, p1, p2 = 100, 250, 0.74, 0.65
    f = (big - n) / (big - 1)
    pbar = (p1 + p2) / 2
    s0 = math.sqrt(pbar * (1 - pbar) * 2 * f / n)
    s1 = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) * f / n)
    expected = stats.norm.cdf((p1 - p2 - stats.norm.ppf(0.95) * s0) / s1)
    assert power(n, n, p1, p2, population_size1=big, population_size2=big) == pytest.approx(
        expected
    )
    # sample size: Cochran's transform of the infinite-population solution
    plain = sample_size_per_group(p1, p2)
    fpc = sample_size_per_group(p1, p2, population_size=400)
    assert fpc.n_unrounded == pytest.approx(plain.n0 * 400 / (plain.n0 + 400 - 1))
    assert fpc.n_per_group == 179 and fpc.population_size == 400
    assert fpc.achieved_power >= 0.8
    # detectable change shrinks with the correction; a census detects any change
    small = minimum_detectable_difference(
        100, 100, 0.65, population_size1=250, population_size2=250
    )
    assert small.difference < minimum_detectable_difference(100, 100, 0.65).difference
    assert power(100, 100, 0.66, 0.65, population_size1=100, population_size2=100) == 1.0


def test_arrays_and_types() -> None:
    ns = np.array([50, 100, 200])
    out = power(ns, ns, 0.74, 0.65)
    assert isinstance(out, np.ndarray) and np.all(np.diff(out) > 0)
    assert isinstance(power(100, 100, 0.74, 0.65), float)
    sizes = sample_size_per_group(np.array([0.74, 0.8]), 0.65)
    assert sizes.n_per_group.dtype == np.int64 and sizes.n_per_group.tolist() == [323, 109]
    mdd = minimum_detectable_difference(ns, ns, 0.65)
    assert mdd.detectable_rate.shape == (3,) and np.all(np.diff(mdd.difference) < 0)
    assert "Detectable changes for 3 settings" in str(mdd)


def test_undetectable_gives_nan() -> None:
    r = minimum_detectable_difference(10, 10, 0.97)
    assert math.isnan(r.difference) and "No increase" in str(r)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: power(100, 100, 74, 0.65),
            "p1 must be between 0 and 1 (exclusive); got 74. Did you mean 0.74?",
        ),
        (lambda: power(0, 100, 0.7, 0.65), "n1 must be a whole number of at least 1; got 0"),
        (lambda: power(100, 100, 0.7, 0.65, alpha=1.5), "alpha must be between 0 and 1"),
        (lambda: power(100, 100, 0.7, 0.65, method="cohen"), "Did you mean 'arcsine'?"),
        (lambda: sample_size_per_group(0.7, 0.7), "p1 and p2 must differ"),
        (lambda: sample_size_per_group(0.6, 0.7, alternative="greater"), "other direction"),
        (
            lambda: sample_size_per_group(0.74, 0.65, power=80),
            "power must be between 0 and 1 (exclusive); got 80. Did you mean 0.80?",
        ),
        (
            lambda: minimum_detectable_difference(
                100, 100, 0.65, alternative="greater", direction="decrease"
            ),
            "direction 'decrease' cannot be detected by alternative 'greater'",
        ),
        (
            lambda: minimum_detectable_difference(100, 100, 0.65, direction="sideways"),
            "direction must be one of",
        ),
    ],
)
def test_bad_input(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=__import__("re").escape(message)):
        call()  # type: ignore[operator]


@pytest.mark.parametrize("at_least_one", [True, False])
@pytest.mark.filterwarnings("ignore:invalid value encountered in subtract:RuntimeWarning")
def test_blocked_rounding_guard_is_ceil_guarded_to_the_bit(at_least_one: bool) -> None:
    """The group size's in-block rounding (a first pass that only rounds up, the guard's steps
    only where some x is within 3e-10 x above a whole number) against ``ceil_guarded``."""
    from inspection_core.normal import ROUND_TOL, ceil_guarded
    from significance._group_size import _ceil_guarded_into, _Scratch

    whole = np.array([1.0, 2.0, 7.0, 323.0, 1e4, 123456.0, 2.0**40, 1e12])
    rel = np.array([0.0, 1e-16, 5e-11, 0.99e-10, 1e-10, 1.01e-10, 2e-10, 2.99e-10, 3e-10, 1e-9])
    above = (whole[:, None] * (1 + rel[None, :])).ravel()
    below = (whole[:, None] * (1 - rel[None, :])).ravel()
    ulps = np.concatenate([np.nextafter(whole, np.inf), np.nextafter(whole, 0.0)])
    edges = whole[:, None] + (ROUND_TOL * whole)[:, None] * np.array([1.0, -1.0])[None, :]
    x = np.concatenate([above, below, ulps, edges.ravel(), [np.nan, np.inf, 1.5, 2.5, 99.36]])
    x = np.concatenate([x, np.nextafter(edges.ravel(), np.inf), np.nextafter(edges.ravel(), 0)])
    if not at_least_one:
        x = np.concatenate([x, [0.3, 1e-11, 0.0, 1 - 1e-11, 0.9999999999999999]])
    x = x[(x >= 1) | np.isnan(x)] if at_least_one else x
    want = ceil_guarded(x)
    got = _ceil_guarded_into(x, _Scratch(x.size), at_least_one=at_least_one).copy()
    assert got.tobytes() == want.tobytes()
    assert (got != np.ceil(x))[np.isfinite(x)].sum() > 10  # the guard rounded some down
    one = _Scratch(1)  # each alone: no neighbour sends its block through the guard's steps
    alone = [_ceil_guarded_into(x[i : i + 1], one, at_least_one=at_least_one)[0] for i in
             range(x.size)]  # fmt: skip
    assert np.array(alone).tobytes() == want.tobytes()
    # and blocks where nothing is near a whole number (the first pass alone)
    plain = np.linspace(1.25, 900.75, 5000)
    fast = _ceil_guarded_into(plain, _Scratch(plain.size), at_least_one=at_least_one)
    assert fast.tobytes() == ceil_guarded(plain).tobytes()


def test_fields_built_when_read_are_those_of_the_call() -> None:
    """achieved_power and n_unrounded are built on first read from the result's own arrays:
    those arrays are read-only copies, so the values cannot change between call and read."""
    p1, p2 = np.array([0.74, 0.8, 0.9]), np.array([0.65, 0.7, 0.85])
    population = np.array([254.0, 1000.0, 5000.0])
    eager = sample_size_per_group(p1, p2, population_size=population, strict=True)
    result = sample_size_per_group(p1, p2, population_size=population)
    for name in ("p1", "p2", "n0", "population_size"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(result, name)[0] = 0.5
    population[0] = 10.0  # the caller's array stays the caller's, writable
    p1[0] = 0.5
    # strict=True computes achieved_power at once (a bisection to the exact n): compare the
    # lazily built field with the closed form's own power at the same n, from a fresh call.
    fresh = sample_size_per_group(
        np.array([0.74, 0.8, 0.9]), p2, population_size=np.array([254.0, 1000.0, 5000.0])
    )
    np.testing.assert_array_equal(result.achieved_power, fresh.achieved_power)
    np.testing.assert_array_equal(result.n_unrounded, fresh.n_unrounded)
    assert np.all(eager.achieved_power >= 0.8)
