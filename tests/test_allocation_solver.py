"""The allocation's solver calls: sparse, time-limited, staged, with a fallback that keeps margins.

Nothing here is timed (timings are in benchmarks/bench_allocation.py); a time limit is only
made so short that the solver must stop, to exercise what happens then.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from scipy import sparse

from sampling import allocate, read_cases
from sampling._frame import prepare_cases
from sampling._rounding_controlled import _rows, controlled
from sampling._rounding_problem import rounding_problem, solve_milp

EXAMPLE = "sampling/data/example_population.csv"


def table(levels: tuple[int, ...], seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    codes = np.array(list(itertools.product(*(range(k) for k in levels))), dtype=np.int64)
    pop = np.random.default_rng(seed).integers(1, 60, len(codes)).astype(np.int64)
    return pop, codes


def in_range(alloc: np.ndarray, pop: np.ndarray, codes: np.ndarray, levels: tuple[int, ...],
             n: int) -> bool:  # fmt: skip
    quota = n * pop / pop.sum()
    ok = bool(np.all((alloc >= np.floor(quota)) & (alloc <= np.ceil(quota))))
    for j, k in enumerate(levels):
        got = np.bincount(codes[:, j], weights=alloc, minlength=k)
        q = np.bincount(codes[:, j], weights=n * pop, minlength=k) / pop.sum()
        ok = ok and bool(np.all((got >= np.floor(q - 1e-9)) & (got <= np.ceil(q + 1e-9))))
    return ok and int(alloc.sum()) == n


def test_constraints_are_sparse() -> None:
    pop, codes = table((2, 10, 10))
    n = 150
    floor = n * pop // pop.sum()
    free = np.flatnonzero((n * pop) % pop.sum() > 0)
    a, *_ = _rows(n, pop, codes, (2, 10, 10), floor, free)
    assert isinstance(a, sparse.csr_array)
    assert a.nnz == 4 * len(free)  # the total and one level of each variable
    assert sparse.issparse(rounding_problem(pop, codes, (2, 10, 10), n).incidence())


def test_every_solver_call_has_a_time_limit() -> None:
    # A limit too short to finish: the outcome says so instead of hanging or guessing.
    pop, codes = table((2, 6, 6, 5))
    problem = rounding_problem(pop, codes, (2, 6, 6, 5), 200)
    out = solve_milp(-problem.fraction, problem.incidence(), problem.low.astype(float),
                     problem.high.astype(float), np.ones(len(problem.fractional)),
                     time_limit=1e-9)  # fmt: skip
    assert out.status in ("time limit", "optimal")


def test_fallback_keeps_every_margin_on_its_floor_or_ceiling() -> None:
    # No stage can finish in the time given: the deterministic flight phase and a small landing
    # still give every cell and every margin its floor or ceiling (two variables: always
    # possible), and the note says it was the fallback.
    levels = (12, 15)
    pop, codes = table(levels, seed=4)
    alloc, note = controlled(300, pop, codes, levels, time_limit=1e-9)
    assert note in ("fallback", "time limit")
    assert in_range(alloc, pop, codes, levels, 300)


def test_staged_solve_is_the_documented_optimum_on_the_example() -> None:
    # Release 0.1's allocation (the methods page's table, tests/fixtures/v1_draw), from stages.
    cases = read_cases(EXAMPLE)
    t = prepare_cases(cases, id_column=None, strata=("gender", "disposal", "risk"))
    alloc, note = controlled(100, t.population, t.cell_codes, tuple(len(lv) for lv in t.levels))
    assert note == "optimal"
    assert alloc.tolist() == [3, 4, 2, 0, 1, 3, 0, 2, 1, 20, 10, 2, 9, 8, 1, 5, 13, 6, 0, 2, 7, 1]


@pytest.mark.parametrize("method", ["unbiased", "controlled"])
def test_many_cells_and_five_variables(method: str) -> None:
    # 2 x 2 x 4 x 5 x 5 = 400 cells (the benchmark runs 5,000 and 5,900): every cell and
    # margin on its floor or ceiling, the total n; the unbiased route says how it went.
    levels = (2, 2, 4, 5, 5)
    pop, codes = table(levels, seed=9)
    import pandas as pd

    index = pd.MultiIndex.from_arrays(
        [[f"v{j}l{c}" for c in codes[:, j]] for j in range(len(levels))],
        names=[f"v{j}" for j in range(len(levels))],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = allocate(pd.Series(pop, index=index), 500, method=method, seed=5)
    alloc = result.cells["allocated"].to_numpy()
    order = np.lexsort(codes.T[::-1])  # allocate sorts the cells by their codes
    assert in_range(alloc, pop[order], codes[order], levels, 500)
    if method == "unbiased":
        assert result.rounding.route == "flight and landing"
        assert result.rounding.converged
        assert result.rounding.exact == (result.rounding.residual <= 1e-9)
