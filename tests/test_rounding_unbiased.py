"""Unbiased controlled rounding: the decomposition's expectation, its roundings, the flight phase.

Provenance of the expected values: exact rational arithmetic (``fractions.Fraction``) for the
quotas, brute-force enumeration of every rounding for the hull, and ``scipy.optimize.linprog``
over those enumerated roundings for the least possible residual (an independent program from the
library's column generation, which never enumerates).
"""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from scipy.optimize import linprog

from sampling import BiasWarning, MarginWarning, allocate, read_cases
from sampling._allocation import allocate_cells
from sampling._frame import prepare_cases
from sampling._prn import allocation_stream, id_hashes
from sampling._rounding_problem import RoundingProblem, rounding_problem
from sampling._rounding_unbiased import (
    DIRECT_LIMIT,
    Decomposition,
    _flight_rows,
    decompose,
    decompose_all,
    enumerate_roundings,
    flight,
    unbiased,
)
from sampling._selection import rank_by_hash
from tests.strategies import cell_tables

EXAMPLE = "sampling/data/example_population.csv"
STRATA = ("gender", "disposal", "risk")


def example_problem(n: int = 100) -> tuple[RoundingProblem, np.ndarray, tuple[int, ...]]:
    table = prepare_cases(read_cases(EXAMPLE), id_column=None, strata=STRATA)
    n_levels = tuple(len(lv) for lv in table.levels)
    return (
        rounding_problem(table.population, table.cell_codes, n_levels, n),
        table.cell_codes,
        n_levels,
    )


def direct(p: RoundingProblem) -> Decomposition:
    """The library's decomposition of small problems: every rounding enumerated, one LP."""
    return decompose_all(
        p.fraction, p.incidence(), p.low.astype(float), p.high.astype(float), p.extra
    )


def by_column_generation(p: RoundingProblem) -> Decomposition:
    """The same by column generation (linprog master, milp pricing): used for larger landings."""
    return decompose(p.fraction, p.incidence(), p.low.astype(float), p.high.astype(float), p.extra)


def brute_force_roundings(p: RoundingProblem) -> tuple[np.ndarray, int]:
    """Every rounding with the least total margin miss (0 when some keep every margin in range)."""
    cells = len(p.fractional)
    found: list[np.ndarray] = []
    least = None
    for combo in itertools.combinations(range(cells), p.extra):
        b = np.zeros(cells, dtype=np.int64)
        b[list(combo)] = 1
        miss = int(np.abs(p.miss(b)).sum())
        if least is None or miss < least:
            least, found = miss, [b]
        elif miss == least:
            found.append(b)
    return np.array(found), int(least or 0)


def least_residual(roundings: np.ndarray, target: np.ndarray) -> float:
    """min sum |E[b] - target| over distributions on the given roundings (linprog)."""
    k, cells = roundings.shape
    cost = np.concatenate([np.zeros(k), np.ones(2 * cells)])
    a = np.vstack([
        np.hstack([roundings.T, np.eye(cells), -np.eye(cells)]),
        np.concatenate([np.ones(k), np.zeros(2 * cells)]),
    ])  # fmt: skip
    res = linprog(cost, A_eq=a, b_eq=np.append(target, 1.0), bounds=(0, None), method="highs")
    assert res.status == 0 and res.fun is not None
    return float(res.fun)


def check_support(p: RoundingProblem, dec: Decomposition) -> None:
    """Every rounding in the decomposition: sum extra, 0/1, margins within range (or least miss)."""
    assert dec.columns.shape[1] == len(p.fractional)
    assert np.all(dec.weights > 0) and abs(dec.weights.sum() - 1) < 1e-12
    for b in dec.columns.astype(np.int64):
        assert int(b.sum()) == p.extra
        assert int(np.abs(p.miss(b)).sum()) == dec.miss
    keys = {b.tobytes() for b in dec.columns}
    assert len(keys) == len(dec.columns)  # no rounding listed twice
    assert [tuple(b) for b in dec.columns] == sorted(tuple(b) for b in dec.columns)


def test_example_decomposition_expectation_is_the_quotas() -> None:
    p, _, _ = example_problem()
    dec = direct(p)
    check_support(p, dec)
    assert dec.miss == 0 and dec.converged
    generated = by_column_generation(p)  # column generation reaches the same optimum
    check_support(p, generated)
    assert np.abs(generated.residual).sum() < 1e-9 and generated.converged
    expectation = p.floor.astype(float)
    expectation[p.fractional] += dec.mean
    exact = [Fraction(100 * int(nh), 250) for nh in p.population]  # q_h = n N_h / N
    assert np.abs(expectation - np.array([float(q) for q in exact])).max() < 1e-9
    assert len(p.fractional) <= DIRECT_LIMIT  # the example is decomposed directly
    result = allocate(read_cases(EXAMPLE), "auto", seed=2026)
    assert result.rounding.route == "decomposition"
    assert result.rounding.roundings == len(dec.weights)
    assert result.rounding.exact and result.rounding.residual < 1e-9
    assert (result.cells["inclusion_probability"] == 0.4).all()  # n/N = 100/250, exactly
    assert (result.cells["design_weight"] == 2.5).all()
    assert result.unselectable.empty and result.cases_without_chance == 0


def test_the_seed_picks_a_rounding_with_its_probability() -> None:
    # P(rounding k) = w_k: the allocation number u picks the first rounding whose cumulative
    # weight exceeds u, so over 4,000 seeds each rounding's frequency is within binomial bounds.
    p, codes, n_levels = example_problem()
    dec = direct(p)
    seeds = range(4000)
    picks = np.array([dec.choose(float(allocation_stream(s, 1)[0])) for s in seeds])
    counts = np.bincount(picks, minlength=len(dec.weights))
    sd = np.sqrt(len(seeds) * dec.weights * (1 - dec.weights))
    assert np.all(np.abs(counts - len(seeds) * dec.weights) < 4.5 * sd + 1)
    # the library's draws over those seeds are exactly these roundings
    for s in range(20):
        got = allocate_cells(p.population, codes, n_levels, 100, method="unbiased", seed=s)
        k = dec.choose(float(allocation_stream(s, 1)[0]))
        want = p.floor.copy()
        want[p.fractional] += dec.columns[k]
        assert got.tolist() == want.tolist()


@settings(max_examples=60, deadline=None)
@given(cell_tables(max_variables=3, max_levels=3, max_count=12))
def test_decomposition_against_brute_force(
    table: tuple[np.ndarray, np.ndarray, tuple[int, ...], int],
) -> None:
    pop, codes, n_levels, n = table
    p = rounding_problem(pop, codes, n_levels, n)
    if len(p.fractional) == 0 or len(p.fractional) > 12:
        return
    roundings, least_miss = brute_force_roundings(p)
    best = least_residual(roundings, p.fraction)
    listed, miss = enumerate_roundings(p.incidence(), p.low.astype(float), p.high.astype(float),
                                       p.extra)  # fmt: skip
    assert miss == least_miss
    assert sorted(map(tuple, listed.astype(int))) == sorted(map(tuple, roundings))
    for dec in (direct(p), by_column_generation(p)):
        check_support(p, dec)
        assert dec.miss == least_miss  # margins in range whenever some rounding is
        residual = float(np.abs(dec.residual).sum())
        assert residual == pytest.approx(best, abs=1e-7)  # the least possible: the true residual
    if len([k for k in n_levels if k > 1]) <= 2 and least_miss == 0:
        # one or two variables: the constraint matrix is totally unimodular, q is in the hull
        assert residual < 1e-9


def test_impossible_three_variable_case_reports_the_true_residual() -> None:
    # Checked by hand. The even-parity cells of a 2 x 2 x 2 table, 1, 1, 1 and 2 cases, n = 2 of
    # N = 5: quotas 0.4, 0.4, 0.4, 0.8. Level quotas: a0 0.8, a1 1.2, b0 0.8, b1 1.2, c0 1.2,
    # c1 0.8, so each margin may be 0-1 or 1-2. Of the six pairs of cells only the three with
    # cell (1, 1, 0) keep every margin in range, so E[X_110] = 1 whatever the design (bias
    # +0.2) and the other three share one case (expectations summing to 1, not 1.2). The least
    # total residual is therefore 0.2 + 0.2 = 0.4.
    index = pd.MultiIndex.from_tuples(
        [("a0", "b0", "c0"), ("a0", "b1", "c1"), ("a1", "b0", "c1"), ("a1", "b1", "c0")],
        names=["a", "b", "c"],
    )
    with pytest.warns(BiasWarning, match="outside the feasible roundings' hull"):
        result = allocate(pd.Series([1, 1, 1, 2], index=index), 2, seed=3)
    r = result.rounding
    assert r.roundings == 3 and not r.exact and r.margin_miss == 0
    assert r.residual == pytest.approx(0.4, abs=1e-9)
    bias = result.cells["bias"].to_numpy()
    assert bias[3] == pytest.approx(0.2, abs=1e-9)
    assert bias[:3].sum() == pytest.approx(-0.2, abs=1e-9) and np.all(bias[:3] <= 1e-12)
    assert result.cells["expected"].iloc[3] == pytest.approx(1.0)
    # the design weights correct it: the two cases of cell 110 each have probability 1/2
    assert result.cells["inclusion_probability"].iloc[3] == pytest.approx(0.5)
    assert result.cells["design_weight"].iloc[3] == pytest.approx(2.0)
    assert "no design meets every margin with these expectations" in r.summary()
    assert result.missed.empty  # every margin is still within its floor and ceiling


def test_no_rounding_in_range_gives_the_least_miss_and_stays_unbiased() -> None:
    # Checked by hand. The same four cells with one case each, n = 2 of 4: every quota 0.5 and
    # every level quota exactly 1, so each margin must be 1; every pair of cells puts 2 in one
    # level of some variable and 0 in the other (miss 2). All six pairs tie, and the
    # decomposition over them (each pair once in three: weight 1/6 each) is exact.
    index = pd.MultiIndex.from_tuples(
        [("a0", "b0", "c0"), ("a0", "b1", "c1"), ("a1", "b0", "c1"), ("a1", "b1", "c0")],
        names=["a", "b", "c"],
    )
    with pytest.warns(MarginWarning, match="no allocation keeps every margin in range"):
        result = allocate(pd.Series([1, 1, 1, 1], index=index), 2, seed=1)
    assert result.rounding.margin_miss == 2 and result.rounding.exact
    assert (result.cells["inclusion_probability"] == 0.5).all()
    assert int(result.missed["deviation"].abs().sum()) == 2


def test_flight_phase_is_a_martingale_that_keeps_every_margin() -> None:
    # 2 x 4 x 5 table, 40 fractional cells (more than DIRECT_LIMIT): each flight ends with few
    # fractional cells, every margin's fractional sum unchanged, and over 1,000 seeds the mean
    # end point is the start (within 4.5 standard errors, cell by cell).
    rng = np.random.default_rng(7)
    n_levels = (2, 4, 5)
    codes = np.array(list(itertools.product(*(range(k) for k in n_levels))))
    pop = rng.integers(3, 40, len(codes))
    p = rounding_problem(pop, codes, n_levels, 97)
    rows = _flight_rows(p)
    r = p.fraction
    assert len(r) > DIRECT_LIMIT
    ends = []
    for seed in range(1000):
        end, steps = flight(r, rows, allocation_stream(seed, len(r) + 1)[1:])
        assert np.abs(rows @ end - rows @ r).max() < 1e-9
        assert np.all((end >= 0) & (end <= 1))
        assert int(((end > 0) & (end < 1)).sum()) <= rows.shape[0]
        assert steps <= len(r)
        ends.append(end)
    ends_a = np.array(ends)
    # a value in [0, 1] with mean r has variance at most r (1 - r): a bound on the standard error
    se = np.sqrt(r * (1 - r) / len(ends_a))
    assert np.all(np.abs(ends_a.mean(axis=0) - r) < 4.5 * se)


def test_flight_route_on_two_variables_is_exact_and_in_range() -> None:
    # 8 x 9 cells (two variables): flight phase, then the landing decomposition, which is exact
    # because two variables' constraints are totally unimodular.
    rng = np.random.default_rng(3)
    n_levels = (8, 9)
    codes = np.array(list(itertools.product(*(range(k) for k in n_levels))))
    pop = rng.integers(1, 60, len(codes))
    p = rounding_problem(pop, codes, n_levels, 400)
    drawn = unbiased(p, allocation_stream(11, len(p.fractional) + 1))
    assert drawn.route == "flight and landing" and drawn.flight_steps > 0
    assert drawn.landing_cells <= DIRECT_LIMIT
    assert np.abs(drawn.decomposition.residual).max() < 1e-9
    check_support_landing = drawn.allocated - p.floor
    assert set(np.unique(check_support_landing)) <= {0, 1}
    assert int(drawn.allocated.sum()) == 400
    for j, k in enumerate(n_levels):
        got = np.bincount(codes[:, j], weights=drawn.allocated, minlength=k)
        quota = np.bincount(codes[:, j], weights=400 * pop, minlength=k) / pop.sum()
        assert np.all((got >= np.floor(quota - 1e-9)) & (got <= np.ceil(quota + 1e-9)))


def test_levels_of_one_cell_need_no_flight_row() -> None:
    # 600 offices of one cell each (gender and risk follow the office's parity, as in the
    # robustness table's 10,000 one-case offices): a row per office would freeze every cell and
    # make each flight step factorise a 600-row matrix. Their rows are implied by the cells'
    # own 0/1 bounds, so the flight keeps three rows (total, one gender, one risk), and every
    # margin, the offices' included, still ends on its floor or ceiling.
    offices = 600
    codes = np.array([(i % 2, i, i % 2) for i in range(offices)])
    n_levels = (2, offices, 2)
    pop = 1 + np.arange(offices) % 3
    n = 97
    p = rounding_problem(pop, codes, n_levels, n)
    assert _flight_rows(p).shape[0] == 3
    drawn = unbiased(p, allocation_stream(5, len(p.fractional) + 1))
    assert drawn.route == "flight and landing"
    assert int(drawn.allocated.sum()) == n
    for j, k in enumerate(n_levels):
        got = np.bincount(codes[:, j], weights=drawn.allocated, minlength=k)
        quota = np.bincount(codes[:, j], weights=n * pop, minlength=k) / pop.sum()
        assert np.all((got >= np.floor(quota - 1e-9)) & (got <= np.ceil(quota + 1e-9)))


def test_seeded_simulation_of_the_whole_design() -> None:
    # The example population, 4,000 seeds (0-3,999): allocation and selection as the library
    # does them. Every case's selection frequency is within 4.5 binomial standard errors of
    # n/N = 0.4 (a correct design fails this for some case with probability about 2e-3 over
    # 250 cases; the seeds are fixed, so the test is deterministic), no case is never
    # selected, and every draw has n cases and every margin within its floor and ceiling.
    cases = read_cases(EXAMPLE)
    table = prepare_cases(cases, id_column="case_id", strata=STRATA)
    n_levels = tuple(len(lv) for lv in table.levels)
    population = table.population
    assert table.ids is not None
    quota_levels = [
        np.bincount(table.cell_codes[:, j], weights=100 * population, minlength=k) / 250
        for j, k in enumerate(n_levels)
    ]
    counts = np.zeros(len(cases))
    seeds = 4000
    for seed in range(seeds):
        alloc = allocate_cells(population, table.cell_codes, n_levels, 100, method="unbiased",
                               seed=seed)  # fmt: skip
        assert int(alloc.sum()) == 100
        for j, k in enumerate(n_levels):
            got = np.bincount(table.cell_codes[:, j], weights=alloc, minlength=k)
            q = quota_levels[j]
            assert np.all((got >= np.floor(q - 1e-9)) & (got <= np.ceil(q + 1e-9)))
        rows, _, _ = rank_by_hash(table.cell, id_hashes(table.ids, seed), alloc)
        counts[rows] += 1
    p = 0.4
    z = (counts - seeds * p) / np.sqrt(seeds * p * (1 - p))
    assert np.abs(z).max() < 4.5
    assert counts.min() > 0
    assert counts.sum() == seeds * 100


def test_deterministic_rounding_leaves_cases_without_chance() -> None:
    # Release 0.1's rounding over the same seeds: the cells it rounds down are never sampled.
    cases = read_cases(EXAMPLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fixed = allocate(cases, "auto", method="controlled")
    assert fixed.cases_without_chance == 4
    assert set(fixed.cells["inclusion_probability"].round(3)) >= {0.0, 1.0}
    assert "4 of 250 cases cannot be selected" in fixed.summary()
