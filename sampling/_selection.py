"""Selection: simple random sampling without replacement within each cell, with reserves.

How the seed drives the draw (the whole definition; nothing else is random):

1. ``rng = numpy.random.default_rng(seed)`` (PCG64) and ``u = rng.random(N)``: one uniform number
   per eligible case, the k-th number going to the case with the k-th smallest ID in text order.
2. Within each cell the cases are ranked by ``u`` (ties, which have probability of order
   ``N**2 / 2**53``, by ID). The first ``n_h`` are the sample, in that order; the next ``r`` are
   the cell's reserves, in replacement order.

Ranking independent uniforms gives a uniformly random ordering of each cell, so the first ``n_h``
are a simple random sample without replacement, and the reserves extend it: a sample topped up from
the reserves is still a simple random sample of the cell. Because the numbers follow the IDs, not
the rows, the same file and seed give the same cases whatever the row order, and a case's number
does not depend on how the population is stratified.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice, check_integer
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result

from ._allocation import METHODS, Allocation, build_allocation, resolve_n
from ._frame import DEFAULT_STRATA, prepare_cases

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ADDED_COLUMNS", "Draw", "draw", "rank_within_cells", "resolve_seed"]

ADDED_COLUMNS = ("cell", "draw_order", "reserve_order")
"""Columns a draw adds to the sample and reserve tables; a case list must not have them."""

IntArray = npt.NDArray[np.int64]


def rank_within_cells(
    cell: IntArray, order: IntArray, wanted: IntArray, seed: int
) -> tuple[IntArray, IntArray, IntArray]:
    """The first ``wanted[h]`` cases of each cell in the seeded random order (internal).

    Parameters
    ----------
    cell : ndarray of int
        Each case's cell, 0 to H - 1.
    order : ndarray of int
        Positions that sort the cases by ID.
    wanted : ndarray of int
        Cases needed from each cell (sample plus reserves), at most the cell's population.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    rows, cells, ranks : ndarray of int
        Positions of the chosen cases, their cells and their 0-based rank within the cell, sorted
        by cell then rank.

    Notes
    -----
    Only the cases whose number falls below a per-cell threshold are sorted (a threshold set so
    that the cell almost surely has enough; cells that do not are redone in full), so the result
    equals a full sort of every cell at a fraction of the cost.

    Examples
    --------
    >>> rows, cells, ranks = rank_within_cells(
    ...     np.array([0, 0, 1, 1, 1]), np.arange(5), np.array([1, 2]), seed=1
    ... )
    >>> cells.tolist(), ranks.tolist()
    ([0, 1, 1], [0, 0, 1])
    """
    count = len(cell)
    u = np.random.default_rng(seed).random(count)
    key = np.empty(count)
    key[order] = u
    population = np.bincount(cell, minlength=len(wanted))
    with np.errstate(divide="ignore", invalid="ignore"):
        threshold = np.where(
            wanted > 0,
            np.minimum(2.0, (wanted + 6 * np.sqrt(wanted) + 16) / np.maximum(population, 1)),
            -1.0,
        )
    candidates = np.flatnonzero(key < threshold[cell])
    short = np.bincount(cell[candidates], minlength=len(wanted)) < wanted
    if short.any():  # a cell with too few numbers below its threshold: take all its cases
        threshold[short] = 2.0
        candidates = np.flatnonzero(key < threshold[cell])
    c_cell = cell[candidates]
    c_key = key[candidates]
    sorted_idx = np.lexsort((c_key, c_cell))
    s_key, s_cell = c_key[sorted_idx], c_cell[sorted_idx]
    if np.any((s_key[1:] == s_key[:-1]) & (s_cell[1:] == s_cell[:-1])):  # equal numbers: by ID
        id_rank = np.empty(count, dtype=np.int64)
        id_rank[order] = np.arange(count)
        sorted_idx = np.lexsort((id_rank[candidates], c_key, c_cell))
    rows = candidates[sorted_idx]
    cells = c_cell[sorted_idx]
    starts = np.searchsorted(cells, np.arange(len(wanted)))
    ranks = np.arange(len(rows)) - starts[cells]
    keep = ranks < wanted[cells]
    return rows[keep].astype(np.int64), cells[keep].astype(np.int64), ranks[keep].astype(np.int64)


def resolve_seed(seed: Any) -> int:
    """A seed as a whole number of at least 0; ``None`` picks a 12-digit one from the system."""
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        return int(entropy) % 10**12  # type: ignore[arg-type]  # an int when not given
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool | np.bool_):
        if seed < 0:
            raise ParameterError("seed", f"must be a whole number of at least 0; got {seed}")
        return int(seed)  # exact: no trip through float for large seeds
    return int(check_integer("seed", seed, minimum=0))


@dataclass(frozen=True, eq=False)
class Draw(Result):
    """A stratified sample, its reserve lists and the allocation it follows.

    Attributes
    ----------
    sample : pandas.DataFrame
        The selected cases (all input columns) with ``cell`` (1-based row of
        ``allocation.cells``) and ``draw_order`` (1, 2, ... within the cell), sorted by both.
    reserves : pandas.DataFrame
        Replacement cases, same columns but ``reserve_order`` (1 is the first replacement of a
        selected case of that cell that cannot be inspected). Only cells with a sampled case
        have reserves.
    allocation : Allocation
        Cases per cell and margin checks.
    seed : int
        Seed of ``numpy.random.default_rng`` (recorded even when chosen by the system).
    id_column : str
        The ID column.
    reserves_per_cell : int
        Reserves requested per cell (fewer where a cell has no more cases).
    """

    sample: pd.DataFrame
    reserves: pd.DataFrame
    allocation: Allocation
    seed: int
    id_column: str
    reserves_per_cell: int

    @property
    def strata(self) -> tuple[str, ...]:
        """The stratification variables."""
        return self.allocation.strata

    @property
    def n(self) -> int:
        """Cases in the sample."""
        return self.allocation.n

    def summary(self) -> str:
        """Say what was drawn."""
        return (
            f"Drew {self.n} of {self.allocation.population_size} cases with seed {self.seed} "
            f"({len(self.allocation.cells)} cells, {self.allocation.method} allocation) and "
            f"{len(self.reserves)} reserves ({self.reserves_per_cell} per sampled cell at most)."
        )

    def to_dict(self) -> dict[str, Any]:
        """Seed, n, IDs sampled and reserved (by cell order), and the allocation."""
        return {
            "n": self.n,
            "seed": self.seed,
            "id_column": self.id_column,
            "strata": list(self.strata),
            "sample_ids": [str(v) for v in self.sample[self.id_column]],
            "reserve_ids": [str(v) for v in self.reserves[self.id_column]],
            "allocation": self.allocation.to_dict(),
        }

    def __str__(self) -> str:
        return f"{self.summary()}\n\n{self.allocation}"

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>Draw</strong>: {html.escape(self.summary())}"
            f"{self.allocation._repr_html_()}</div>"
        )


def draw(
    cases: pd.DataFrame,
    n: int | str,
    *,
    seed: int | None,
    id_column: str = "case_id",
    strata: Any = None,
    reserves: int = 2,
    method: str = "controlled",
    minimum: int = 1,
    blank_strata: str = "error",
) -> Draw:
    """Draw a stratified random sample of cases, with an ordered reserve list per cell.

    Parameters
    ----------
    cases : pandas.DataFrame
        The eligible cases, one row each (e.g. from :func:`sampling.read_cases`). Not modified.
    n : int or "auto"
        Cases to sample; ``"auto"`` applies the 80%/5 rule to the number of eligible cases.
    seed : int or None
        Seed of ``numpy.random.default_rng``. ``None`` takes one from the operating system and
        records it in the result, so the draw can still be repeated.
    id_column : str, default "case_id"
        Column identifying each case (text; filled in; unique).
    strata : sequence of str, optional
        Stratification columns, default ``("gender", "disposal", "risk")``.
    reserves : int, default 2
        Reserve cases to list for each cell with a sampled case (fewer if the cell runs out).
    method, minimum, blank_strata
        As in :func:`sampling.allocate`.

    Returns
    -------
    Draw
        ``sample``, ``reserves``, ``allocation`` and ``seed``.

    Raises
    ------
    ValueError
        Bad n, seed or reserves, a case frame that fails the checks of
        :func:`sampling.read_cases` (missing columns, blank or repeated IDs, blank strata), or
        one with a column the draw adds (``cell``, ``draw_order``, ``reserve_order``).
    TypeError
        ``cases`` is not a DataFrame, or ``id_column`` is None (a draw needs an ID column).

    Notes
    -----
    Within each cell, a simple random sample without replacement of the allocated size. The seed
    gives one uniform number per case in ID order; each cell's cases are ranked by their
    numbers, the first ``n_h`` sampled and the next ones listed as reserves (module
    documentation of ``sampling._selection``). The same cases and seed give the same sample
    whatever the row order.

    Examples
    --------
    >>> from importlib.resources import files
    >>> from sampling import read_cases
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> result = draw(cases, "auto", seed=2026, reserves=2)
    >>> len(result.sample), result.sample["case_id"].is_unique
    (100, True)
    >>> shuffled = cases.sample(frac=1, random_state=7)
    >>> again = draw(shuffled, "auto", seed=2026, reserves=2)
    >>> sorted(again.sample["case_id"]) == sorted(result.sample["case_id"])
    True
    """
    import pandas as pd

    if not isinstance(cases, pd.DataFrame):
        raise ParameterTypeError("cases", f"must be a pandas DataFrame; got {type(cases).__name__}")
    if id_column is None:
        raise ParameterTypeError(
            "id_column",
            "must name the column identifying each case; got None (a draw needs IDs: they "
            "make it repeatable whatever the row order, and catch repeated rows)",
        )
    taken = [str(c) for c in cases.columns if str(c) in ADDED_COLUMNS]
    if taken:
        raise ParameterError(
            "cases",
            f"has a column named {', '.join(map(repr, taken))}, which the draw adds to its "
            f"tables ({', '.join(map(repr, ADDED_COLUMNS))}); rename or drop it in the case "
            "list before drawing",
        )
    method = check_choice("method", method, METHODS)
    minimum_i = int(check_integer("minimum", minimum, minimum=1))
    reserves_i = int(check_integer("reserves", reserves, minimum=0))
    seed_i = resolve_seed(seed)
    table = prepare_cases(
        cases,
        id_column=id_column,
        strata=DEFAULT_STRATA if strata is None else strata,
        blank_strata=blank_strata,
    )
    population = table.population
    size = resolve_n(n, int(population.sum()))
    allocation = build_allocation(
        population, table.cell_codes, table.levels, table.strata, size, method, minimum_i
    )
    allocated = allocation.cells["allocated"].to_numpy().astype(np.int64)
    spare = np.where(allocated > 0, np.minimum(reserves_i, population - allocated), 0)
    rows, cells, ranks = rank_within_cells(table.cell, table.order, allocated + spare, seed_i)
    chosen = ranks < allocated[cells]
    frame = table.frame
    sample = table.rows(rows[chosen])
    sample["cell"] = cells[chosen] + 1
    sample["draw_order"] = ranks[chosen] + 1
    spare_rows = ~chosen
    reserve = table.rows(rows[spare_rows])
    reserve["cell"] = cells[spare_rows] + 1
    reserve["reserve_order"] = ranks[spare_rows] - allocated[cells[spare_rows]] + 1
    if reserve.empty:
        reserve = pd.DataFrame(columns=[*frame.columns, "cell", "reserve_order"])
    return Draw(
        sample=sample,
        reserves=reserve,
        allocation=allocation,
        seed=seed_i,
        id_column=table.id_column,
        reserves_per_cell=reserves_i,
    )
