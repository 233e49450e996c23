"""The local flight phase (tables with many margin rows): a martingale that keeps the margins.

Provenance: the quotas and their floors and ceilings are exact integer arithmetic on the cell
counts (``n * N_h // N``), recomputed here per level with ``numpy.bincount``; the martingale
property is checked by a seeded simulation (mean end point against the start, within 4.5
standard errors per cell, the seeds fixed so the test is deterministic).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import _rounding_flight as rf
from sampling import allocate
from sampling._prn import allocation_stream
from sampling._rounding_problem import rounding_problem
from sampling._rounding_unbiased import DIRECT_LIMIT, unbiased


def offices(count: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """``count`` offices, each with 2 or 3 of the 8 gender x risk cells, 1 to 59 cases a cell."""
    rng = np.random.default_rng(seed)
    codes, pop = [], []
    for office in range(count):
        for c in rng.choice(8, size=int(rng.integers(2, 4)), replace=False):
            codes.append((int(c) // 4, int(c) % 4, office))
            pop.append(int(rng.integers(1, 60)))
    order = np.lexsort(np.array(codes).T[::-1])
    return np.array(pop)[order], np.array(codes)[order], (2, 4, count)


def assert_margins_in_range(pop: np.ndarray, codes: np.ndarray, n_levels: tuple[int, ...],
                            n: int, allocated: np.ndarray) -> None:  # fmt: skip
    total = int(pop.sum())
    assert int(allocated.sum()) == n
    assert np.all(allocated <= pop)
    cell_floor = n * pop // total
    assert np.all((allocated >= cell_floor) & (allocated <= -(-n * pop // total)))
    for j, k in enumerate(n_levels):
        got = np.bincount(codes[:, j], weights=allocated, minlength=k).astype(np.int64)
        level_pop = np.bincount(codes[:, j], weights=pop, minlength=k).astype(np.int64)
        assert np.all(got >= n * level_pop // total)
        assert np.all(got <= -(-n * level_pop // total))


def test_two_thousand_offices_take_the_local_flight() -> None:
    # The case of the performance issue: about 5,000 cells in 2,000 offices of 2-3 cells each,
    # 2,000 margin rows. The windowed flight would factorise a 2,000-row matrix at each of
    # ~5,000 steps (hours); the local one finishes with every margin in range, the office
    # margins included, and the expectation exact.
    pop, codes, n_levels = offices(2000)
    p = rounding_problem(pop, codes, n_levels, 1000)
    assert rf.use_local_flight(len(p.fractional), len(p.level_cells))
    drawn = unbiased(p, allocation_stream(5, len(p.fractional) + 1))
    assert drawn.route == "local flight and landing"
    assert drawn.landing_cells <= DIRECT_LIMIT
    assert np.abs(drawn.decomposition.residual).max() < 1e-9
    assert_margins_in_range(pop, codes, n_levels, 1000, drawn.allocated)


def test_the_local_flight_is_a_martingale_that_keeps_every_active_row() -> None:
    # 25 offices (about 60 cells): over 400 seeds the mean end point is the start; in every
    # flight the total and every row keep their sums while they have two or more fractional
    # cells, and every level ends within the floor and ceiling of its fractional sum.
    pop, codes, n_levels = offices(25, seed=11)
    p = rounding_problem(pop, codes, n_levels, 131)
    r = p.fraction
    ends = []
    for seed in range(400):
        end, steps = rf.local_flight(p, allocation_stream(seed, len(r) + 1)[1:])
        assert np.all((end >= 0) & (end <= 1)) and steps <= len(r)
        assert abs(end.sum() - r.sum()) < 1e-9
        for cells, lo, hi in zip(p.level_cells, p.low, p.high, strict=True):
            assert lo - 1e-9 <= end[cells].sum() <= hi + 1e-9
        ends.append(end)
    ends_a = np.array(ends)
    se = np.sqrt(r * (1 - r) / len(ends_a))
    assert np.all(np.abs(ends_a.mean(axis=0) - r) < 4.5 * se)


def test_the_windowed_flight_is_kept_where_it_is_quick() -> None:
    # The benchmark tables (up to 5,900 cells and 73 rows) keep the windowed flight, and so the
    # samples their manifests recorded.
    assert not rf.use_local_flight(5_900, 73)
    assert not rf.use_local_flight(1_000, 35)
    assert rf.use_local_flight(5_000, 2_004)


@st.composite
def wide_tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], int]:
    variables = draw(st.integers(2, 3))
    n_levels = tuple(draw(st.integers(2, 9)) for _ in range(variables))
    codes = np.array(list(itertools.product(*(range(k) for k in n_levels))))
    pop = np.array(draw(st.lists(st.integers(0, 40), min_size=len(codes), max_size=len(codes))))
    keep = pop > 0
    if keep.sum() < 2:
        pop[:2] = 1
        keep = pop > 0
    n = draw(st.integers(1, int(pop[keep].sum())))
    return pop[keep], codes[keep], n_levels, n


@settings(max_examples=60, deadline=None)
@given(wide_tables(), st.integers(0, 10**6))
def test_local_route_allocations_keep_every_margin(
    table: tuple[np.ndarray, np.ndarray, tuple[int, ...], int], seed: int
) -> None:
    # Every table above 40 fractional cells forced onto the local flight: total n, every cell
    # and level on the floor or ceiling of its quota, whenever the landing finds such a rounding
    # (with three variables none may exist; then the miss is reported, as for any route).
    pop, codes, n_levels, n = table
    p = rounding_problem(pop, codes, n_levels, n)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rf, "FLIGHT_WORK", 0.0)
        drawn = unbiased(p, allocation_stream(seed, len(p.fractional) + 1))
    assert int(drawn.allocated.sum()) == n
    if drawn.decomposition.miss == 0:
        assert_margins_in_range(pop, codes, n_levels, n, drawn.allocated)
    if len(n_levels) == 2 and drawn.route == "local flight and landing":
        assert np.abs(drawn.decomposition.residual).max() < 1e-9  # two variables: exact


def test_allocate_reports_the_local_route() -> None:
    pop, codes, _ = offices(300, seed=2)
    index = pd.MultiIndex.from_arrays(
        [np.array(["female", "male"])[codes[:, 0]],
         np.array(["low", "medium", "high", "very high"])[codes[:, 1]],
         [f"office {c:04d}" for c in codes[:, 2]]],
        names=["gender", "risk", "office"],
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rf, "FLIGHT_WORK", 0.0)
        result = allocate(pd.Series(pop, index=index), 400, seed=9)
    assert result.rounding.route == "local flight and landing"
    assert result.missed.empty and result.rounding.exact
    assert "local flight and landing" in result.rounding.summary()
