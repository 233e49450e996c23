"""Sample sizes, margins and implied populations against independent references."""

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm
from statsmodels.stats.proportion import samplesize_confint_proportion

from sampling import implied_population, margin_of_error, planning_table, sample_size
from tests.strategies import confidence_levels, margins, population_sizes, proportions

Z80 = 1.2815515655446004  # scipy.special.ndtri(0.9); the value docs/published-method.md fixes


def raosoft(population: int, margin_pct: float = 5, confidence: float = 0.80) -> int:
    """Raosoft's published form: x = Z^2 r (100 - r), n = N x / ((N - 1) E^2 + x), r = 50."""
    z = norm.ppf(1 - (1 - confidence) / 2)
    x = z**2 * 50 * (100 - 50)
    return math.ceil(population * x / ((population - 1) * margin_pct**2 + x) - 1e-9)


def test_z_is_the_exact_quantile() -> None:
    assert sample_size().z == Z80


def test_n0_matches_statsmodels() -> None:
    # statsmodels 0.14: samplesize_confint_proportion(0.5, 0.05, alpha=0.2) = 164.23744151498158
    assert sample_size().n0 == pytest.approx(
        samplesize_confint_proportion(0.5, 0.05, alpha=0.2), rel=1e-12
    )
    assert sample_size().n0 == pytest.approx(164.23744151498158, rel=1e-12)
    # 95%: statsmodels samplesize_confint_proportion(0.5, 0.05, alpha=0.05) = 384.14588206941266
    assert sample_size(confidence_level=0.95).n0 == pytest.approx(384.14588206941266, rel=1e-12)


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        # n from the calculators' formula (Raosoft form, r = 50%, E = 5%, 80% confidence),
        # evaluated independently by `raosoft` above; the issue fixes 100, 113, 124.
        (50, 39),
        (100, 63),
        (150, 79),
        (200, 91),
        (250, 100),
        (300, 107),
        (350, 113),
        (400, 117),
        (500, 124),
        (750, 135),
        (1000, 142),
        (5000, 160),
    ],
)
def test_sample_size_matches_calculator_formula(population: int, expected: int) -> None:
    assert raosoft(population) == expected
    assert sample_size(population).n == expected


def test_no_population_means_infinite() -> None:
    r = sample_size()
    assert (r.n, r.population_size) == (165, None)
    assert r.n_unrounded == r.n0


def test_array_input_gives_array_fields() -> None:
    r = sample_size([50, 250, 500, None], confidence_level=[0.8, 0.8, 0.9, 0.95])
    np.testing.assert_array_equal(r.n, [39, 100, 176, 385])
    assert r.n.dtype == np.int64
    assert isinstance(r.achieved_margin, np.ndarray)


def test_result_dict_and_text() -> None:
    r = sample_size(250)
    d = r.to_dict()
    assert d["n"] == 100 and d["population_size"] == 250 and d["method"] == "normal"
    assert "Inspect 100 cases" in str(r)
    assert "<table>" in r._repr_html_()
    assert sample_size().to_dict()["population_size"] is None


def test_float_noise_does_not_push_up() -> None:
    from inspection_core.normal import ceil_guarded

    assert ceil_guarded(np.array(100.00000000001)) == 100
    assert ceil_guarded(np.array(100.0000001)) == 101


def test_design_effect_inflates_before_correction() -> None:
    r = sample_size(250, design_effect=1.5)
    n0 = 1.5 * Z80**2 * 0.25 / 0.05**2
    assert r.n0 == pytest.approx(n0)
    assert r.n == math.ceil(n0 * 250 / (n0 + 249))
    assert r.achieved_margin == pytest.approx(math.sqrt(1.5) * margin_of_error(r.n, 250))


def test_achieved_margin_at_published_example() -> None:
    # docs/published-method.md: at N = 250, n = 100 the margin is 0.0497
    assert sample_size(250).achieved_margin == pytest.approx(0.0497, abs=5e-5)
    assert margin_of_error(100, 250) == pytest.approx(
        Z80 * math.sqrt(0.25 / 100 * 150 / 249), rel=1e-14
    )


def test_sub_sample_margin_women() -> None:
    # 13 women sampled from 33 eligible: z sqrt(p q / n (N - n) / (N - 1))
    assert margin_of_error(13, 33) == pytest.approx(Z80 * math.sqrt(0.25 / 13 * 20 / 32))
    assert margin_of_error(13, 33) == pytest.approx(0.1405, abs=5e-5)


def test_margin_at_other_confidence_and_infinite() -> None:
    # 95%: 1.959963984540054 * sqrt(0.25 / 100) = 0.0979981992270027
    assert margin_of_error(100, confidence_level=0.95) == pytest.approx(0.0979981992270027)
    assert margin_of_error(33, 33) == 0.0


def test_margin_arrays() -> None:
    out = margin_of_error(np.array([13, 100]), np.array([33, 250]))
    np.testing.assert_allclose(out, [margin_of_error(13, 33), margin_of_error(100, 250)])


@pytest.mark.parametrize(
    ("n", "about", "smallest", "largest"),
    [
        # docs/published-method.md: 100 implies about 254, 98 about 241, 120 about 443,
        # 129 about 597
        (100, 254, 248, 254),
        (98, 241, 236, 241),
        (120, 443, 430, 442),
        (129, 597, 577, 597),
    ],
)
def test_implied_population_of_published_samples(
    n: int, about: int, smallest: int, largest: int
) -> None:
    r = implied_population(n)
    assert abs(r.population_size - about) < 1
    assert (r.smallest, r.largest) == (smallest, largest)
    assert sample_size(smallest).n == n and sample_size(largest).n == n
    assert sample_size(smallest - 1).n == n - 1 and sample_size(largest + 1).n == n + 1


def test_implied_population_edges() -> None:
    r = implied_population(165)
    assert math.isinf(r.population_size) and r.largest is None
    assert sample_size(r.smallest).n == 165 and sample_size(r.smallest - 1).n == 164
    with pytest.raises(ValueError, match="n must be at most 165"):
        implied_population(166)
    assert implied_population(1).smallest == implied_population(1).largest == 1


def test_planning_table() -> None:
    t = planning_table([250, 500, None])
    assert [float(c) for c in t.columns] == [0.8, 0.9, 0.95]
    # 95% at 500: statsmodels n0 384.1459; 384.1459 * 500 / 883.1459 = 217.5 -> 218
    assert t[0.95][500.0] == 218
    assert t[0.8][np.inf] == 165


# The normal rule's arithmetic over every proportion; its NormalApproximationWarning for small
# n p is tested on its own (tests/sampling/test_intervals.py)
ROUGH_OK = pytest.mark.filterwarnings("ignore::sampling.NormalApproximationWarning")


@ROUGH_OK
@given(population_sizes, population_sizes, margins, confidence_levels, proportions)
def test_n_never_decreases_with_population(a: int, b: int, e: float, c: float, p: float) -> None:
    lo, hi = sorted((a, b))
    kw: dict[str, Any] = {"margin_of_error": e, "confidence_level": c, "proportion": p}
    assert sample_size(lo, **kw).n <= sample_size(hi, **kw).n


@ROUGH_OK
@given(population_sizes, margins, confidence_levels, proportions)
def test_n_bounded_by_population_and_n0(big_n: int, e: float, c: float, p: float) -> None:
    r = sample_size(big_n, margin_of_error=e, confidence_level=c, proportion=p)
    assert 1 <= r.n <= big_n
    assert r.n <= math.ceil(r.n0)


@ROUGH_OK
@given(population_sizes, margins, confidence_levels, proportions)
def test_n_is_the_smallest_meeting_the_margin(big_n: int, e: float, c: float, p: float) -> None:
    r = sample_size(big_n, margin_of_error=e, confidence_level=c, proportion=p)
    kw: dict[str, Any] = {"confidence_level": c, "proportion": p}
    assert margin_of_error(r.n, big_n, **kw) <= e * (1 + 1e-9)
    if r.n > 1:
        assert margin_of_error(r.n - 1, big_n, **kw) > e * (1 - 1e-9)


@given(st.integers(1, 165))
def test_implied_population_round_trips(n: int) -> None:
    r = implied_population(n)
    assert sample_size(r.smallest).n == n
    if r.largest is not None:
        assert sample_size(r.largest).n == n
