"""The deterministic roundings: controlled rounding, largest remainder, minimum, equal.

``controlled`` is the release-0.1 default, kept as a named option: every cell the floor or
ceiling of its quota, the total n, each variable's margin on its own largest-remainder target,
and among such allocations the one closest to the quotas, then the earliest cells. It is solved
in stages, each a sparse integer program with a time limit (``scipy.optimize.milp``, HiGHS):

1. meet the targets, maximising the total remainder of the cells rounded up (closeness);
2. with closeness held at its optimum, minimise the sum of the rounded-up cells' positions.

When the targets cannot be met, tied levels may take any largest-remainder target and slack
variables measure the misses: stage 0 minimises the total miss, then stages 1 and 2 run with it
held. If a stage runs out of time, the best point it found is kept (and said); if none is found,
the fallback is a deterministic flight phase (:func:`sampling._rounding_unbiased.flight`), which
makes all but a few cells whole while keeping every margin at its fractional quota, and a small
integer program over the few left that keeps every margin within its floor and ceiling, or
reports the least miss.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._rounding_problem import TIME_LIMIT, rounding_problem, solve_milp

__all__ = [
    "controlled",
    "equal",
    "largest_remainder",
    "margin_targets",
    "proportional_with_minimum",
    "target_ranges",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def largest_remainder(
    numerators: IntArray, denominator: int, total: int, population: IntArray
) -> IntArray:
    """Round quotas ``numerators / denominator`` to whole numbers that sum to ``total``.

    Each quota is rounded down, then the cases left over go one each to the largest remainders.
    Ties go to the larger population, then to the earlier position (a fixed, documented order).

    Examples
    --------
    Quotas 2.5, 2.5 and 5.0 (20 cases over populations 10, 12, 20, n = 10 of 40 ... scaled):

    >>> largest_remainder(np.array([25, 25, 50]), 10, 10, np.array([10, 12, 20])).tolist()
    [2, 3, 5]
    """
    floor = numerators // denominator
    remainder = numerators % denominator
    extra = int(total - floor.sum())
    order = np.lexsort((np.arange(len(floor)), -population, -remainder))
    out = floor.copy()
    out[order[:extra]] += 1
    return out.astype(np.int64)


def margin_targets(
    n: int, population: IntArray, cell_codes: IntArray, n_levels: tuple[int, ...]
) -> list[IntArray]:
    """Each variable's largest-remainder target per level."""
    total = int(population.sum())
    out = []
    for j, k in enumerate(n_levels):
        counts = np.bincount(cell_codes[:, j], weights=population, minlength=k).astype(np.int64)
        out.append(largest_remainder(n * counts, total, n, counts))
    return out


def target_ranges(
    n: int, population: IntArray, cell_codes: IntArray, n_levels: tuple[int, ...]
) -> list[tuple[IntArray, IntArray]]:
    """Each variable's lowest and highest largest-remainder target per level, over all tie-breaks.

    The two differ only for levels tied on the cut-off remainder: any of them may take the last
    cases, and each choice is a largest-remainder rounding of the variable's quotas.

    Examples
    --------
    Two levels with quotas 0.5 and 0.5 (n = 1): either may get the case.

    >>> low, high = target_ranges(1, np.array([1, 1]), np.array([[0], [1]]), (2,))[0]
    >>> low.tolist(), high.tolist()
    ([0, 0], [1, 1])
    """
    total = int(population.sum())
    out = []
    for j, k in enumerate(n_levels):
        counts = np.bincount(cell_codes[:, j], weights=population, minlength=k).astype(np.int64)
        floor, remainder = (n * counts) // total, (n * counts) % total
        low, high = floor.copy(), floor.copy()
        extra = int(n - floor.sum())
        if extra > 0:
            cut = np.sort(remainder)[::-1][extra - 1]  # > 0: the remainders sum to extra * total
            above, tied = remainder > cut, remainder == cut
            low[above] += 1
            high[above | tied] += 1
            if extra - int(above.sum()) == int(tied.sum()):  # every tied level is needed
                low[tied] += 1
        out.append((low, high))
    return out


def _rows(
    n: int,
    population: IntArray,
    cell_codes: IntArray,
    n_levels: tuple[int, ...],
    floor: IntArray,
    free: IntArray,
) -> tuple[Any, FloatArray, FloatArray, FloatArray]:
    """Sparse rows over the free cells: the total, then each level; exact and range bounds."""
    from scipy.sparse import coo_array

    targets = margin_targets(n, population, cell_codes, n_levels)
    ranges = target_ranges(n, population, cell_codes, n_levels)
    r_idx: list[IntArray] = [np.zeros(len(free), dtype=np.int64)]
    c_idx: list[IntArray] = [np.arange(len(free), dtype=np.int64)]
    exact = [float(n - floor.sum())]
    low_b, high_b = list(exact), list(exact)
    row = 1
    for j, k in enumerate(n_levels):
        lo, hi = ranges[j]
        base = np.bincount(cell_codes[:, j], weights=floor, minlength=k)
        has = np.bincount(cell_codes[:, j], minlength=k) > 0
        codes_free = cell_codes[free, j]
        for level in np.flatnonzero(has):
            members = np.flatnonzero(codes_free == level)
            r_idx.append(np.full(len(members), row, dtype=np.int64))
            c_idx.append(members.astype(np.int64))
            exact.append(float(targets[j][level] - base[level]))
            low_b.append(float(lo[level] - base[level]))
            high_b.append(float(hi[level] - base[level]))
            row += 1
    rr, cc = np.concatenate(r_idx), np.concatenate(c_idx)
    a = coo_array((np.ones(len(rr)), (rr, cc)), shape=(row, len(free))).tocsr()
    return a, np.asarray(exact), np.asarray(low_b), np.asarray(high_b)


def controlled(
    n: int,
    population: IntArray,
    cell_codes: IntArray,
    n_levels: tuple[int, ...],
    *,
    time_limit: float = TIME_LIMIT,
) -> tuple[IntArray, str]:
    """Deterministic controlled rounding (module notes); returns the counts and the solver note.

    The note is ``"optimal"``, ``"time limit"`` (a stage stopped early; its best point kept) or
    ``"fallback"`` (no stage found a point in time; flight phase and small landing used).
    """
    from scipy.sparse import csr_array, hstack, vstack

    total = int(population.sum())
    numer = n * population
    floor, remainder = numer // total, numer % total
    free = np.flatnonzero(remainder > 0)
    if len(free) == 0:
        return floor.astype(np.int64), "optimal"
    a, exact, low_b, high_b = _rows(n, population, cell_codes, n_levels, floor, free)
    cells = len(free)
    closeness = -remainder[free].astype(np.float64)  # minimise: the largest remainders first
    position = free.astype(np.float64)  # tie-break: earlier cells (their place in cell order)
    upper = np.ones(cells)
    notes: list[str] = []

    def stages(
        a_: Any, lo: FloatArray, hi: FloatArray, up: FloatArray, width: int
    ) -> FloatArray | None:
        c1 = np.zeros(width)
        c1[:cells] = closeness
        first = solve_milp(c1, a_, lo, hi, up, time_limit=time_limit)
        notes.append(first.status)
        if first.x is None:
            return None
        best = float(c1 @ first.x)
        c2 = np.zeros(width)
        c2[:cells] = position
        x = first.x.copy()
        keep = _free_after_fixing(c1, a_, lo, hi, up, best, x, time_limit)
        if keep is None:  # no reduction: the whole problem
            keep = np.ones(width, dtype=bool)
        fixed = np.asarray(a_[:, ~keep] @ x[~keep]).ravel()
        a2 = vstack([a_[:, keep], csr_array(c1[keep].reshape(1, -1))], format="csr")
        second = solve_milp(c2[keep], a2, np.append(lo - fixed, -np.inf),
                            np.append(hi - fixed, best - float(c1[~keep] @ x[~keep])), up[keep],
                            time_limit=time_limit)  # fmt: skip
        notes.append(second.status)
        if second.x is not None:
            x[keep] = second.x
        return x

    x = stages(a, exact, exact, upper, cells)
    if x is None and notes[-1] == "infeasible":
        m = a.shape[0] - 1  # margin rows (the total row stays exact)
        notes.clear()
        eye = csr_array(np.eye(m + 1)[:, 1:])
        a_s = hstack([a, eye, -eye], format="csr")
        up_s = np.concatenate([upper, np.full(2 * m, float(n))])
        c_s = np.concatenate([np.zeros(cells), np.ones(2 * m)])
        least = solve_milp(c_s, a_s, low_b, high_b, up_s, time_limit=time_limit)
        notes.append(least.status)
        if least.x is not None:
            a_m = vstack([a_s, csr_array(c_s.reshape(1, -1))], format="csr")
            x = stages(a_m, np.append(low_b, -np.inf), np.append(high_b, float(c_s @ least.x)),
                       up_s, cells + 2 * m)  # fmt: skip
    if x is None:
        return _fallback(n, population, cell_codes, n_levels, time_limit), "fallback"
    out = floor.copy()
    out[free] += np.round(x[:cells]).astype(np.int64)
    return out.astype(np.int64), "time limit" if "time limit" in notes else "optimal"


def _free_after_fixing(
    c: FloatArray,
    a: Any,
    lo: FloatArray,
    hi: FloatArray,
    up: FloatArray,
    best: float,
    found: FloatArray,
    time_limit: float,
) -> npt.NDArray[np.bool_] | None:
    """Variables not fixed by reduced costs at the optimum ``best`` of ``min c.x`` (True = free).

    With ``z`` the linear relaxation's optimum and ``d_j`` a variable's reduced cost there, any
    feasible x has ``c.x >= z + sum_j |d_j| |x_j - x*_j|``; so where ``|d_j| > best - z`` every
    integer optimum has ``x_j = x*_j`` (reduced-cost fixing, exact). The tie-break stage then
    solves only over the rest, with the same set of optima. None when the relaxation fails or
    disagrees with the integer optimum ``found`` on a variable it would fix (tolerances).
    """
    from scipy.optimize import linprog
    from scipy.sparse import vstack

    eq = np.isfinite(lo) & np.isfinite(hi) & (lo == hi)
    upper_rows = ~eq & np.isfinite(hi)
    lower_rows = ~eq & np.isfinite(lo)
    blocks = [a[upper_rows], -a[lower_rows]]
    rhs = np.concatenate([hi[upper_rows], -lo[lower_rows]])
    lp = linprog(
        c,
        A_ub=vstack(blocks, format="csr") if len(rhs) else None,
        b_ub=rhs if len(rhs) else None,
        A_eq=a[eq] if eq.any() else None,
        b_eq=lo[eq] if eq.any() else None,
        bounds=[(0.0, float(u)) for u in up],
        method="highs",
        options={"time_limit": float(time_limit)},
    )
    if lp.status != 0 or lp.x is None or lp.fun is None:
        return None
    reduced = np.asarray(lp.lower.marginals, dtype=np.float64) + np.asarray(
        lp.upper.marginals, dtype=np.float64
    )
    x_lp = np.asarray(lp.x, dtype=np.float64)
    at_bound = (np.abs(x_lp) < 1e-9) | (np.abs(x_lp - up) < 1e-9)
    gap = max(best - float(lp.fun), 0.0)
    margin = 1e-6 * (1.0 + abs(best))  # the solvers' tolerances, with room to spare
    fixed = at_bound & (np.abs(reduced) > gap + margin)
    if np.any(np.round(x_lp[fixed]) != found[fixed]):
        return None
    return np.asarray(~fixed, dtype=bool)


def _fallback(
    n: int,
    population: IntArray,
    cell_codes: IntArray,
    n_levels: tuple[int, ...],
    time_limit: float,
) -> IntArray:
    """Deterministic flight phase, then a small integer program over the cells left fractional.

    Every margin keeps its fractional quota through the flight phase; the landing keeps each
    within its floor and ceiling where possible, else has the least total miss.
    """
    from ._rounding_unbiased import _flight_rows, decompose, flight

    problem = rounding_problem(population, cell_codes, n_levels, n)
    pi, _ = flight(problem.fraction, _flight_rows(problem), None)
    landing = np.flatnonzero((pi > 0) & (pi < 1))
    b = np.where(pi >= 1, 1.0, 0.0)
    if len(landing):
        a = problem.incidence()
        fixed = np.asarray(a @ b).ravel()
        dec = decompose(
            pi[landing],
            a[:, landing],
            problem.low - fixed,
            problem.high - fixed,
            round(float(pi[landing].sum())),
            time_limit=max(time_limit, TIME_LIMIT),  # a few cells: quick, so never cut short
            max_iterations=1,
        )
        b[landing] = dec.columns[int(np.argmax(dec.weights))]
    out = problem.floor.copy()
    out[problem.fractional] += np.round(b).astype(np.int64)
    return out.astype(np.int64)


def proportional_with_minimum(n: int, population: IntArray, minimum: int) -> IntArray:
    """Proportional quotas, but each cell at least ``min(minimum, N_h)``; then largest remainder."""
    floor_h = np.minimum(minimum, population)
    if n < floor_h.sum():
        raise ValueError(
            f"n must be at least {int(floor_h.sum())} to give each of the {len(population)} cells "
            f"at least {minimum} case{'s' if minimum > 1 else ''} (or all its cases); got {n}"
        )
    fixed = np.zeros(len(population), dtype=bool)
    while True:  # cells whose proportional share falls below their minimum get the minimum
        rest_n = n - int(floor_h[fixed].sum())
        rest_pop = int(population[~fixed].sum())
        below = ~fixed & (rest_n * population < floor_h * rest_pop)
        if not below.any():
            break
        fixed |= below
    out = floor_h.copy()
    free = ~fixed
    if free.any():
        out[free] = largest_remainder(rest_n * population[free], rest_pop, rest_n, population[free])
    return out.astype(np.int64)


def equal(n: int, population: IntArray) -> IntArray:
    """The same number in every cell, capped at the cell's population (surplus shared out)."""
    capped = np.zeros(len(population), dtype=bool)
    while True:
        rest_n = n - int(population[capped].sum())
        free = int((~capped).sum())
        over = ~capped & (population * free < rest_n)
        if not over.any():
            break
        capped |= over
    out = population.copy()
    idx = np.flatnonzero(~capped)
    out[idx] = largest_remainder(
        np.full(idx.size, rest_n, dtype=np.int64), idx.size, rest_n, population[idx]
    )
    return out.astype(np.int64)
