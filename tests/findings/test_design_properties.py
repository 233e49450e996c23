"""Properties of the design-based estimate (Hypothesis), beside the R references."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from significance.findings import design_proportion


@st.composite
def designs(draw: st.DrawFn) -> tuple[list[int], list[int], list[float], list[bool]]:
    strata = draw(st.integers(1, 5))
    yes: list[int] = []
    labels: list[int] = []
    sizes: list[float] = []
    domain: list[bool] = []
    for h in range(strata):
        n_h = draw(st.integers(1, 8))
        big_n = draw(st.integers(n_h, 60))
        yes += draw(st.lists(st.integers(0, 1), min_size=n_h, max_size=n_h))
        domain += draw(st.lists(st.booleans(), min_size=n_h, max_size=n_h))
        labels += [h] * n_h
        sizes += [float(big_n)] * n_h
    return yes, labels, sizes, domain


@given(designs())
def test_estimate_is_a_weighted_mean_and_order_free(
    design: tuple[list[int], list[int], list[float], list[bool]],
) -> None:
    yes, labels, sizes, domain = design
    result = design_proportion(yes, strata=labels, stratum_sizes=sizes, domain=domain)
    d = np.array(domain)
    if not d.any():
        assert result.n == 0 and math.isnan(result.estimate)
        return
    assert 0.0 <= result.estimate <= 1.0 and result.standard_error >= 0.0
    counts = np.bincount(labels)
    w = np.array(sizes) / counts[labels]
    y = np.array(yes, dtype=float)
    assert math.isclose(result.estimate, float(np.dot(w[d], y[d]) / w[d].sum()), rel_tol=1e-12)
    assert math.isclose(result.population_estimate, float(w[d].sum()), rel_tol=1e-12)
    order = np.random.default_rng(len(yes)).permutation(len(yes))
    shuffled = design_proportion(
        y[order], strata=np.array(labels)[order], stratum_sizes=np.array(sizes)[order],
        domain=d[order],
    )  # fmt: skip
    assert math.isclose(shuffled.estimate, result.estimate, rel_tol=1e-12)
    assert math.isclose(shuffled.standard_error, result.standard_error, rel_tol=1e-9, abs_tol=1e-15)


@given(designs())
def test_equal_weights_give_the_plain_proportion(
    design: tuple[list[int], list[int], list[float], list[bool]],
) -> None:
    yes, labels, sizes, domain = design
    weights = [2.5] * len(yes)
    result = design_proportion(
        yes, strata=labels, stratum_sizes=[max(s, 40.0) for s in sizes], weights=weights,
        domain=domain,
    )  # fmt: skip
    d = np.array(domain)
    if d.any():
        plain = float(np.array(yes)[d].mean())
        assert math.isclose(result.estimate, plain, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(result.estimate, result.unweighted, rel_tol=1e-12, abs_tol=1e-15)


@given(designs())
def test_a_census_has_no_sampling_error(
    design: tuple[list[int], list[int], list[float], list[bool]],
) -> None:
    yes, labels, _, domain = design
    census = np.bincount(labels)[labels].astype(float)  # every case of every stratum sampled
    result = design_proportion(yes, strata=labels, stratum_sizes=census, domain=domain)
    if any(domain):
        assert result.standard_error == 0.0
