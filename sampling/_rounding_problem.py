"""The rounding problem shared by every controlled rounding: cells, floors, remainders, margins.

With ``N_h`` cases in cell h, N in all and a sample of n, the quota is ``q_h = n N_h / N``. In
integers: ``floor_h = n N_h // N`` and ``remainder_h = n N_h % N``, so ``q_h = floor_h +
remainder_h / N`` exactly. A rounding adds ``b_h`` in {0, 1} to each floor, ``b_h = 0`` where the
quota is whole, and the ``b_h`` sum to ``extra = n - sum(floor)``. A variable's level l has quota
``Q_l = sum of q_h over its cells``; its count is within its floor and ceiling exactly when the
``b_h`` of its fractional cells sum to between ``floor(R_l)`` and ``ceil(R_l)``, ``R_l`` the sum of
their remainders over N. Every bound is computed in integers, so no float noise decides one.

Also here: the one wrapper through which every integer program is solved (sparse constraints, a
time limit on each call, the outcome reported rather than assumed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["MilpOutcome", "RoundingProblem", "rounding_problem", "solve_milp"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

TIME_LIMIT = 20.0
"""Seconds allowed for any one solver call (``scipy.optimize.milp`` or ``linprog``)."""


@dataclass(frozen=True, eq=False)
class RoundingProblem:
    """Integer data of one rounding problem (internal).

    Attributes
    ----------
    n, total : int
        Sample size and population size N.
    population, floor, remainder : ndarray of int
        Per cell: ``N_h``, ``n N_h // N`` and ``n N_h % N``.
    extra : int
        Cases to add to the floors: ``n - sum(floor)``.
    fractional : ndarray of int
        Cells whose quota is not whole (``remainder > 0``), in cell order.
    level_cells : list of ndarray of int
        For each level row, positions into ``fractional`` of its fractional cells.
    level_names : list of tuple of int
        ``(variable, level)`` of each row.
    low, high : ndarray of int
        Bounds on the sum of ``b`` over each row's fractional cells (floor and ceiling of
        ``R_l``).
    """

    n: int
    total: int
    population: IntArray
    floor: IntArray
    remainder: IntArray
    extra: int
    fractional: IntArray
    level_cells: list[IntArray]
    level_names: list[tuple[int, int]]
    low: IntArray
    high: IntArray

    @property
    def fraction(self) -> FloatArray:
        """The fractional parts ``remainder / N`` of the fractional cells."""
        return np.asarray(self.remainder[self.fractional] / self.total, dtype=np.float64)

    @property
    def quota(self) -> FloatArray:
        """Every cell's quota ``n N_h / N`` as a float."""
        return np.asarray(self.n * self.population / self.total, dtype=np.float64)

    def incidence(self) -> Any:
        """The level rows over the fractional cells as a sparse 0/1 matrix (CSR)."""
        from scipy.sparse import csr_array

        sizes = [len(c) for c in self.level_cells]
        rows = np.repeat(np.arange(len(sizes)), sizes)
        cols = np.concatenate(self.level_cells) if sizes else np.zeros(0, dtype=np.int64)
        return csr_array(
            (np.ones(len(cols)), (rows, cols)), shape=(len(sizes), len(self.fractional))
        )

    def margins(self, b: IntArray) -> IntArray:
        """Each row's sum of ``b`` (b over the fractional cells)."""
        return np.array([int(b[c].sum()) for c in self.level_cells], dtype=np.int64)

    def miss(self, b: IntArray) -> IntArray:
        """Each row's count outside its bounds (negative below, positive above, else 0)."""
        m = self.margins(b)
        return np.where(m < self.low, m - self.low, np.where(m > self.high, m - self.high, 0))


def rounding_problem(
    population: IntArray, cell_codes: IntArray, n_levels: tuple[int, ...], n: int
) -> RoundingProblem:
    """The integer data of rounding the quotas of n cases over the cells (see module notes).

    Examples
    --------
    Four cells of a 2 x 2 table, n = 2 of N = 5: quotas 0.8, 0.4, 0.4, 0.4.

    >>> p = rounding_problem(np.array([2, 1, 1, 1]), np.array([[0, 0], [0, 1], [1, 0], [1, 1]]),
    ...                      (2, 2), 2)
    >>> p.extra, p.remainder.tolist(), p.low.tolist(), p.high.tolist()
    (2, [4, 2, 2, 2], [1, 0, 1, 0], [2, 1, 2, 1])
    """
    population = np.asarray(population, dtype=np.int64)
    codes = np.asarray(cell_codes, dtype=np.int64)
    total = int(population.sum())
    numer = n * population
    floor, remainder = numer // total, numer % total
    fractional = np.flatnonzero(remainder > 0).astype(np.int64)
    frac_codes = codes[fractional]
    frac_rem = remainder[fractional]
    level_cells: list[IntArray] = []
    names: list[tuple[int, int]] = []
    low: list[int] = []
    high: list[int] = []
    for j, k in enumerate(n_levels):
        for level in range(k):
            member = np.flatnonzero(frac_codes[:, j] == level).astype(np.int64)
            if member.size == 0:
                continue
            s = int(frac_rem[member].sum())
            level_cells.append(member)
            names.append((j, level))
            low.append(s // total)
            high.append(-(-s // total))
    return RoundingProblem(
        n=n,
        total=total,
        population=population,
        floor=floor.astype(np.int64),
        remainder=remainder.astype(np.int64),
        extra=int(n - floor.sum()),
        fractional=fractional,
        level_cells=level_cells,
        level_names=names,
        low=np.asarray(low, dtype=np.int64),
        high=np.asarray(high, dtype=np.int64),
    )


@dataclass(frozen=True)
class MilpOutcome:
    """What one ``milp`` call returned: ``x`` (rounded; None when none found) and its status."""

    x: FloatArray | None
    status: str  # "optimal", "infeasible", "time limit" (x may still be a feasible point)
    objective: float


def solve_milp(
    c: FloatArray,
    a: Any,
    low: FloatArray,
    high: FloatArray,
    upper: FloatArray,
    *,
    integrality: npt.NDArray[np.int64] | None = None,
    time_limit: float = TIME_LIMIT,
) -> MilpOutcome:
    """``min c.x`` subject to ``low <= a x <= high``, ``0 <= x <= upper``, integers (HiGHS).

    Every call has a time limit; the outcome says whether the optimum was proven.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    res = milp(
        c,
        constraints=LinearConstraint(a, low, high),
        integrality=np.ones(len(c), dtype=np.int64) if integrality is None else integrality,
        bounds=Bounds(np.zeros(len(c)), upper),
        options={"mip_rel_gap": 0.0, "presolve": True, "time_limit": float(time_limit)},
    )
    x = None if res.x is None else np.asarray(np.round(res.x), dtype=np.float64)
    if res.status == 0:
        return MilpOutcome(x, "optimal", float(res.fun))
    if res.status == 2:
        return MilpOutcome(None, "infeasible", float("nan"))
    if res.status == 1:  # iteration or time limit: keep a feasible point if there is one
        return MilpOutcome(x, "time limit", float("nan") if x is None else float(c @ x))
    raise RuntimeError(f"the allocation solver stopped: {res.message}")
