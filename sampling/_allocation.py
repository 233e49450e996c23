"""Allocation of a sample over the cross-classified cells (gender x disposal x risk, say).

The default is proportional allocation with controlled rounding, solved as a small integer
program with :func:`scipy.optimize.milp`: every cell gets the floor or the ceiling of its exact
quota, the counts sum to n, and each variable's margin equals its own largest-remainder target.
All quota arithmetic is in integers (``n * N_h`` divided by ``N`` with remainder), so no float
noise decides a rounding.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice, check_integer, format_value
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result, to_builtin

from ._frame import DEFAULT_STRATA, level_order, prepare_cases

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "Allocation", "MarginWarning", "allocate", "allocate_cells", "resolve_n"]

IntArray = npt.NDArray[np.int64]

METHODS = ("controlled", "largest-remainder", "minimum", "equal")
_HINTS = {"proportional": "controlled", "hamilton": "largest-remainder", "lr": "largest-remainder"}


class MarginWarning(UserWarning):
    """No allocation meets every margin target; the closest one was used."""


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


def _margin_targets(
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


def _solve(
    c: npt.NDArray[np.float64],
    a: Any,
    low: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64] | None:
    from scipy.optimize import Bounds, LinearConstraint, milp

    res = milp(
        c,
        constraints=LinearConstraint(a, low, high),
        integrality=np.ones(len(c), dtype=np.int64),
        bounds=Bounds(np.zeros(len(c)), upper),
        options={"mip_rel_gap": 0.0, "presolve": True},
    )
    if res.status == 2:  # infeasible
        return None
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"the allocation solver stopped: {res.message}")
    return np.asarray(np.round(res.x), dtype=np.float64)


MAX_NEAR_MISS_CELLS = 2000
"""Above this many cells, controlled rounding that cannot hit every margin is refused (the search
for the nearest miss is a mixed-integer program that took 30 s for 10,000 single-case cells)."""


def _controlled(
    n: int, population: IntArray, cell_codes: IntArray, n_levels: tuple[int, ...]
) -> IntArray:
    """Controlled rounding: cells floor/ceil of their quotas, margins on their targets if possible.

    The unknowns are ``b_h`` in {0, 1}: cell h gets ``floor(q_h) + b_h`` (cells with a whole quota
    have ``b_h = 0``). Constraints: the b's sum to ``n - sum(floor)``; for each variable and level,
    the cells of that level sum to the margin target. When the documented tie-break makes that
    impossible, tied levels may take either rounding (another largest-remainder target, see
    :func:`target_ranges`); when even that is impossible, slack variables measure the miss and the
    total slack is minimised first. Objective, among allocations that hit the margins equally well:
    round up the cells with the largest remainders (the allocation closest to the exact quotas in
    total absolute deviation); then, among those, prefer earlier cells (smaller sum of positions).
    """
    from scipy import sparse

    total = int(population.sum())
    numer = n * population
    floor, remainder = numer // total, numer % total
    cells = len(population)
    targets = _margin_targets(n, population, cell_codes, n_levels)
    ranges = target_ranges(n, population, cell_codes, n_levels)
    # Constraint rows as a sparse matrix: one nonzero per cell and variable, so thousands of
    # cells stay small (a dense matrix of 10,000 cells and levels is 800 MB).
    rows = [np.zeros(cells, dtype=np.int64)]
    columns = [np.arange(cells, dtype=np.int64)]
    rhs, row = [float(n - floor.sum())], 1
    rhs_low, rhs_high = list(rhs), list(rhs)
    for j, k in enumerate(n_levels):
        low, high = ranges[j]
        for level in range(k):
            member = np.flatnonzero(cell_codes[:, j] == level)
            if member.size:
                base = float(floor[member].sum())
                rows.append(np.full(member.size, row, dtype=np.int64))
                columns.append(member)
                rhs.append(float(targets[j][level]) - base)
                rhs_low.append(float(low[level]) - base)
                rhs_high.append(float(high[level]) - base)
                row += 1
    r, col = np.concatenate(rows), np.concatenate(columns)
    a = sparse.csr_array((np.ones(r.size), (r, col)), shape=(row, cells))
    b = np.asarray(rhs)
    upper = (remainder > 0).astype(float)
    # Combined integer objective: remainder first (scaled past any tie-break sum), position second.
    scale = cells * (cells + 1) // 2 + 1
    closeness = -(remainder.astype(np.float64) * scale + (cells - np.arange(cells)))
    x = _solve(closeness, a, b, b, upper)
    if x is None and cells > MAX_NEAR_MISS_CELLS:
        raise ParameterError(
            "method",
            f"'controlled' cannot meet every margin target of these {cells} cells exactly, and "
            f"choosing among the near misses of more than {MAX_NEAR_MISS_CELLS} cells can take "
            "minutes; use method 'largest-remainder', or stratify on fewer or coarser variables",
        )
    if x is None:
        # Let tied levels take any largest-remainder target; beyond that, measure misses by slack.
        low_b, high_b = np.asarray(rhs_low), np.asarray(rhs_high)
        m = len(b) - 1  # margin rows (the total row stays exact)
        eye = sparse.eye_array(len(b), format="csr")[:, 1:]
        a_slack = sparse.hstack([a, eye, -eye], format="csr")
        up_slack = np.concatenate([upper, np.full(2 * m, float(n))])
        c_slack = np.concatenate([np.zeros(cells), np.ones(2 * m)])
        y = _solve(c_slack, a_slack, low_b, high_b, up_slack)
        if y is None:  # cannot happen: the total row alone is always feasible
            raise RuntimeError("the allocation solver found no allocation")
        best = float(c_slack @ y)
        a2 = sparse.vstack([a_slack, sparse.csr_array(c_slack[None, :])], format="csr")
        c2 = np.concatenate([closeness, np.zeros(2 * m)])
        y = _solve(c2, a2, np.append(low_b, -np.inf), np.append(high_b, best), up_slack)
        if y is None:
            raise RuntimeError("the allocation solver found no allocation")
        x = y[:cells]
    return (floor + x.astype(np.int64)).astype(np.int64)


def _proportional_with_minimum(n: int, population: IntArray, minimum: int) -> IntArray:
    """Proportional quotas, but each cell at least ``min(minimum, N_h)``; then largest remainder."""
    floor_h = np.minimum(minimum, population)
    if n < floor_h.sum():
        raise ParameterError(
            "n",
            f"must be at least {int(floor_h.sum())} to give each of the {len(population)} cells "
            f"at least {minimum} case{'s' if minimum > 1 else ''} (or all its cases); got {n}",
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


def _equal(n: int, population: IntArray) -> IntArray:
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


def allocate_cells(
    population: IntArray,
    cell_codes: IntArray,
    n_levels: tuple[int, ...],
    n: int,
    *,
    method: str = "controlled",
    minimum: int = 1,
) -> IntArray:
    """Allocate n over cells given as populations and level codes (internal, arrays only)."""
    population = np.asarray(population, dtype=np.int64)
    if method == "controlled":
        return _controlled(n, population, np.asarray(cell_codes, dtype=np.int64), n_levels)
    if method == "largest-remainder":
        return largest_remainder(n * population, int(population.sum()), n, population)
    if method == "minimum":
        return _proportional_with_minimum(n, population, minimum)
    return _equal(n, population)


def resolve_n(n: Any, population_size: int) -> int:
    """``"auto"`` (the 80%/5 rule for the population) or a whole number from 1 to N."""
    from ._sizes import sample_size

    if isinstance(n, str):
        if n.strip().lower() == "auto":
            return int(sample_size(population_size).n)
        try:
            n = float(n)
        except ValueError:
            raise ParameterError("n", f"must be a whole number or 'auto'; got {n!r}") from None
    value = int(check_integer("n", n, minimum=1, what="a whole number of at least 1"))
    if value > population_size:
        raise ParameterError(
            "n",
            f"must be at most {population_size} (the number of eligible cases); "
            f"got {format_value(n)}",
        )
    return value


@dataclass(frozen=True, eq=False)
class Allocation(Result):
    """How many cases to draw from each cell, and how the margins come out.

    Attributes
    ----------
    n : int
        Cases in the sample.
    method : str
        ``"controlled"``, ``"largest-remainder"``, ``"minimum"`` or ``"equal"``.
    strata : tuple of str
        The stratification variables.
    population_size : int
        Eligible cases.
    minimum : int
        Smallest allocation per cell for ``method="minimum"`` (0 for the other methods).
    cells : pandas.DataFrame
        One row per non-empty cell: the strata values, ``population``, ``quota`` (exact
        proportional quota ``n N_h / N``) and ``allocated``.
    margins : pandas.DataFrame
        One row per variable and level: ``variable``, ``level``, ``population``, ``target`` (the
        level's own largest-remainder share of n), ``allocated`` and ``deviation``
        (allocated - target).
    """

    n: int
    method: str
    strata: tuple[str, ...]
    population_size: int
    minimum: int
    cells: pd.DataFrame
    margins: pd.DataFrame

    @property
    def missed(self) -> pd.DataFrame:
        """The margins whose allocation differs from the target (empty when all are hit)."""
        return self.margins[self.margins["deviation"] != 0]

    def summary(self) -> str:
        """Say what was allocated and whether every margin hit its target."""
        label = {
            "controlled": "proportional allocation with controlled rounding",
            "largest-remainder": "proportional allocation, largest remainder on the cells",
            "minimum": f"proportional allocation with at least {self.minimum} per cell",
            "equal": "equal allocation",
        }[self.method]
        head = (
            f"{self.n} of {self.population_size} cases over {len(self.cells)} cells "
            f"({' x '.join(self.strata)}), {label}"
        )
        missed = self.missed
        if missed.empty:
            return f"{head}; every margin equals its target."
        parts = [
            f"{v}={lv} {int(d):+d}"
            for v, lv, d in zip(
                missed["variable"].tolist(),
                missed["level"].tolist(),
                missed["deviation"].tolist(),
                strict=True,
            )
        ]
        return f"{head}; margins off target: {', '.join(parts)}."

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON: ``n``, ``cells`` and ``margins``.

        ``cells`` is a list of objects (strata values, ``population``, ``quota``,
        ``allocated``); ``margins`` is ``{variable: {level: {population, target, allocated}}}``.
        """
        cells = [
            {k: to_builtin(v) for k, v in row.items()}
            for row in self.cells.to_dict(orient="records")
        ]
        margins: dict[str, dict[str, dict[str, int]]] = {}
        for r in self.margins.to_dict(orient="records"):
            margins.setdefault(str(r["variable"]), {})[str(r["level"])] = {
                "population": int(r["population"]),
                "target": int(r["target"]),
                "allocated": int(r["allocated"]),
            }
        return {"n": self.n, "cells": cells, "margins": margins}

    def __str__(self) -> str:
        cells = self.cells.to_string(index=False, formatters={"quota": "{:.2f}".format})
        margins = self.margins.to_string(index=False)
        return f"{self.summary()}\n\n{cells}\n\n{margins}"

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>Allocation</strong>: {html.escape(self.summary())}"
            f"{self.cells.to_html(index=False, float_format='{:.2f}'.format)}"
            f"{self.margins.to_html(index=False)}</div>"
        )


def _from_counts(counts: pd.Series) -> tuple[IntArray, IntArray, tuple[tuple[str, ...], ...], Any]:
    """Cells from a Series of counts indexed by the strata (a MultiIndex for several)."""
    import pandas as pd

    names = [str(n) if n is not None else "" for n in counts.index.names]
    if any(not n for n in names):
        raise ParameterError(
            "population", "counts need an index named after the strata; got no name"
        )
    values = np.asarray(counts.to_numpy(), dtype=np.float64)
    if values.size == 0 or np.any(~np.isfinite(values) | (values < 0) | (values % 1 != 0)):
        raise ParameterError("population", "counts must be whole numbers of at least 0")
    frame = counts.index.to_frame(index=False).astype(str)
    frame["_count"] = values.astype(np.int64)
    frame = frame[frame["_count"] > 0].groupby(names, sort=False)["_count"].sum().reset_index()
    if frame.empty:
        raise ParameterError("population", "counts must include at least one case")
    levels = tuple(tuple(level_order(list(pd.unique(frame[nm])))) for nm in names)
    codes = np.stack(
        [
            frame[nm].map({v: i for i, v in enumerate(lv)}).to_numpy()
            for nm, lv in zip(names, levels, strict=True)
        ],
        axis=1,
    ).astype(np.int64)
    order = np.lexsort(codes.T[::-1])
    return frame["_count"].to_numpy()[order], codes[order], levels, tuple(names)


ALLOCATION_COLUMNS = ("population", "quota", "allocated")
"""Columns the allocation's cell table adds beside the strata (no stratum may have these names)."""


def build_allocation(
    population: IntArray,
    cell_codes: IntArray,
    levels: tuple[tuple[str, ...], ...],
    strata: tuple[str, ...],
    n: int,
    method: str,
    minimum: int,
) -> Allocation:
    """Allocate and wrap the result with its cell and margin tables (internal)."""
    import pandas as pd

    taken = [name for name in strata if name in ALLOCATION_COLUMNS]
    if taken:
        raise ParameterError(
            "strata",
            f"must not be named {', '.join(map(repr, taken))}: the allocation table uses "
            f"{', '.join(map(repr, ALLOCATION_COLUMNS))} for its counts. Rename that column "
            "in the case list",
        )

    n_levels = tuple(len(lv) for lv in levels)
    allocated = allocate_cells(population, cell_codes, n_levels, n, method=method, minimum=minimum)
    total = int(population.sum())
    cells = pd.DataFrame(
        {name: [levels[j][c] for c in cell_codes[:, j]] for j, name in enumerate(strata)}
    )
    cells["population"] = population
    cells["quota"] = n * population / total
    cells["allocated"] = allocated
    targets = _margin_targets(n, population, cell_codes, n_levels)
    ranges = target_ranges(n, population, cell_codes, n_levels)
    rows = []
    for j, name in enumerate(strata):
        pop_l = np.bincount(cell_codes[:, j], weights=population, minlength=n_levels[j])
        got_l = np.bincount(cell_codes[:, j], weights=allocated, minlength=n_levels[j])
        low, high = ranges[j]
        if method == "controlled" and np.all((low <= got_l) & (got_l <= high)):
            # Another tie-break among equal remainders: still this variable's largest-remainder
            # target, and the one the allocation uses.
            targets[j] = got_l.astype(np.int64)
        for k, level in enumerate(levels[j]):
            rows.append((name, level, int(pop_l[k]), int(targets[j][k]), int(got_l[k])))
    margins = pd.DataFrame(rows, columns=["variable", "level", "population", "target", "allocated"])
    margins["deviation"] = margins["allocated"] - margins["target"]
    result = Allocation(
        n=n,
        method=method,
        strata=strata,
        population_size=total,
        minimum=minimum if method == "minimum" else 0,
        cells=cells,
        margins=margins,
    )
    if method == "controlled" and not result.missed.empty:
        warnings.warn(
            f"no allocation gives every margin its target; the closest misses by "
            f"{int(result.missed['deviation'].abs().sum()) // 2} case(s): {result.summary()}",
            MarginWarning,
            stacklevel=3,
        )
    return result


def allocate(
    population: pd.DataFrame | pd.Series,
    n: int | str,
    *,
    strata: Any = None,
    method: str = "controlled",
    minimum: int = 1,
    blank_strata: str = "error",
) -> Allocation:
    """Allocate a sample of n cases over the cells of the eligible population.

    Parameters
    ----------
    population : pandas.DataFrame or pandas.Series
        The eligible cases (one row each), or cell counts: a Series indexed by the strata
        (a MultiIndex named after the variables).
    n : int or "auto"
        Cases to sample, from 1 to the number of eligible cases; ``"auto"`` applies the
        80%/5 rule (:func:`sampling.sample_size`) to the number of eligible cases.
    strata : sequence of str, optional
        Stratification columns of a case frame (default ``("gender", "disposal", "risk")``);
        fewer variables give a coarser allocation (unpaid work uses ``("gender", "risk")``).
        For counts, the index names are used.
    method : {"controlled", "largest-remainder", "minimum", "equal"}, default "controlled"
        ``"controlled"``: proportional, every cell the floor or ceiling of its quota, total n,
        each variable's margin on its own largest-remainder target (see Notes).
        ``"largest-remainder"``: proportional, largest remainder over the cells only (margins
        may miss by a case or two). ``"minimum"``: proportional, but every cell at least
        ``minimum`` cases (or all of them if fewer). ``"equal"``: the same number per cell,
        capped at each cell's population.
    minimum : int, default 1
        Smallest allocation per cell for ``method="minimum"``.
    blank_strata : {"error", "level"}, default "error"
        Blank strata values: refuse, or treat as a level of their own.

    Returns
    -------
    Allocation
        ``cells`` and ``margins`` tables, ``missed`` margins, ``summary()`` and ``to_dict()``.

    Raises
    ------
    ValueError
        n not a whole number from 1 to the number of eligible cases (or ``"auto"``), too small for
        the minimum per cell, an unknown method, or a case frame that fails the checks of
        :func:`sampling.read_cases`.

    Warns
    -----
    MarginWarning
        ``method="controlled"`` when no allocation meets every margin; the one with the smallest
        total miss is used, and ``missed`` says which margins miss and by how much.

    Notes
    -----
    With ``N_h`` cases in cell h and N in all, the exact quota is ``q_h = n N_h / N``. A level's
    target is the largest-remainder rounding of its own quota ``n N_l / N`` among the variable's
    levels (ties: larger population, then earlier level). If those targets cannot all be met
    but another tie-break among levels with equal remainders can, that one is used (it is still a
    largest-remainder target) and ``margins`` shows it. Controlled rounding is solved as an
    integer program (``scipy.optimize.milp``, HiGHS): unknowns ``b_h`` in {0, 1} with
    ``allocated_h = floor(q_h) + b_h``; constraints: the total and every margin target. Among
    feasible allocations it maximises the total remainder of the cells rounded up (the
    allocation closest to the quotas), and then prefers earlier cells in the sorted order.
    Quotas are computed in integers, so the result depends only on the cell counts and n.

    Examples
    --------
    The bundled synthetic population, n by the 80%/5 rule (250 eligible cases give 100):

    >>> from importlib.resources import files
    >>> from sampling import read_cases
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> result = allocate(cases, "auto")
    >>> result.n, int(result.cells["allocated"].sum()), result.missed.empty
    (100, 100, True)
    >>> result.margins.query("variable == 'gender'")
      variable   level  population  target  allocated  deviation
    0   gender  female          39      16         16          0
    1   gender    male         211      84         84          0
    """
    import pandas as pd

    method = check_choice("method", method, METHODS, _HINTS)
    minimum_i = int(check_integer("minimum", minimum, minimum=1))
    if isinstance(population, pd.Series):
        counts, codes, levels, names = _from_counts(population)
    elif not isinstance(population, pd.DataFrame):
        raise ParameterTypeError(
            "population",
            "must be a pandas DataFrame of cases or a Series of counts by cell; got "
            f"{type(population).__name__}",
        )
    else:
        table = prepare_cases(
            population,
            id_column=None,
            strata=DEFAULT_STRATA if strata is None else strata,
            blank_strata=blank_strata,
        )
        counts, codes, levels, names = (
            table.population,
            table.cell_codes,
            table.levels,
            table.strata,
        )
    size = resolve_n(n, int(counts.sum()))
    return build_allocation(counts, codes, levels, names, size, method, minimum_i)
