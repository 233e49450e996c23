"""Selection: simple random sampling without replacement within each cell, with reserves.

Each case's permanent random number comes from a keyed hash of the seed and its ID
(:mod:`sampling._prn`, where the scheme is written out in full). Within each cell the cases are
ranked by their hashes: the first ``n_h`` are the sample, in that order, and the next ones the
cell's reserves, in replacement order.

The hashes of distinct IDs behave as independent uniform numbers, so ranking them gives each
cell a uniformly random order: the first ``n_h`` are a simple random sample without
replacement, and a sample topped up from the reserves is still one. A case's number depends only
on the seed and its ID, so the same cases and seed give the same sample whatever the row order,
whichever library versions, and adding or removing a case changes at most one case in and one
out of its cell's sample when the allocation stays the same.
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

from ._allocation import METHODS, Allocation, build_allocation, resolve_n, resolve_seed
from ._exclusions import Exclusions, check_exclusions
from ._frame import DEFAULT_STRATA, CaseTable, prepare_cases
from ._prn import HASH_SCHEME, id_hashes, uniform

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ADDED_COLUMNS", "Draw", "draw", "draw_table", "rank_by_hash", "resolve_seed"]

ADDED_COLUMNS = ("cell", "draw_order", "reserve_order")
"""Columns a draw adds to the sample and reserve tables; a case list must not have them."""

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]


def _below(
    cell: npt.NDArray[np.integer[Any]],
    hashes: UIntArray,
    threshold: UIntArray,
    everything: npt.NDArray[np.bool_],
) -> IntArray:
    """Positions (ascending) of the cases below their cell's threshold or in a cell taken whole.

    One pass compares every hash with the largest threshold; only the cases below it are
    looked up in their cell's (a few per cent of the frame), which gives the same positions as
    comparing each case with its own cell's threshold.
    """
    if everything.any():
        take = everything[cell] | (hashes < threshold[cell])
        return np.flatnonzero(take).astype(np.int64)
    rough = np.flatnonzero(hashes < threshold.max(initial=np.uint64(0)))
    return np.asarray(rough[hashes[rough] < threshold[cell[rough]]], dtype=np.int64)


def rank_by_hash(
    cell: npt.NDArray[np.integer[Any]],
    hashes: UIntArray,
    wanted: IntArray,
    id_rank: Any = None,
    population: IntArray | None = None,
) -> tuple[IntArray, IntArray, IntArray]:
    """The first ``wanted[h]`` cases of each cell in the order of their hashes (internal).

    Parameters
    ----------
    cell : ndarray of int
        Each case's cell, 0 to H - 1.
    hashes : ndarray of uint64
        Each case's hash (:func:`sampling._prn.id_hashes`).
    wanted : ndarray of int
        Cases needed from each cell (sample plus reserves), at most the cell's population.
    id_rank : callable, optional
        Returns each case's rank in ID text order; called only if two hashes in a cell are equal.
    population : ndarray of int, optional
        Cases in each cell (counted from ``cell`` when not given).

    Returns
    -------
    rows, cells, ranks : ndarray of int
        Positions of the chosen cases, their cells and their 0-based rank within the cell, sorted
        by cell then rank.

    Notes
    -----
    Only the cases whose hash falls below a per-cell threshold are sorted (a threshold set so
    that the cell almost surely has enough; cells that do not are redone in full), so the result
    equals a full sort of every cell at a fraction of the cost.

    Examples
    --------
    >>> h = np.array([5, 3, 9, 1, 7], dtype=np.uint64)
    >>> rank_by_hash(np.array([0, 0, 1, 1, 1]), h, np.array([1, 2]))[0].tolist()
    [1, 3, 4]
    """
    count = len(cell)
    population = np.bincount(cell, minlength=len(wanted)) if population is None else population
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(
            wanted > 0, (wanted + 6 * np.sqrt(wanted) + 16) / np.maximum(population, 1), -1.0
        )
    everything = share >= 1.0
    limit = np.where(everything | (share < 0), 0, share * 2.0**64).astype(np.float64)
    threshold = np.minimum(limit, 2.0**64 - 4096).astype(np.uint64)  # exact below 2**64
    candidates = _below(cell, hashes, threshold, everything)
    short = np.bincount(cell[candidates], minlength=len(wanted)) < wanted
    if short.any():  # a cell with too few hashes below its threshold: take all its cases
        everything |= short
        candidates = _below(cell, hashes, threshold, everything)
    c_cell = cell[candidates]
    c_hash = hashes[candidates]
    sorted_idx = np.lexsort((c_hash, c_cell))
    s_hash, s_cell = c_hash[sorted_idx], c_cell[sorted_idx]
    if np.any((s_hash[1:] == s_hash[:-1]) & (s_cell[1:] == s_cell[:-1])):  # equal: by ID text
        ranks_by_id = np.asarray(id_rank() if id_rank is not None else np.arange(count))
        sorted_idx = np.lexsort((ranks_by_id[candidates], c_hash, c_cell))
    rows = candidates[sorted_idx]
    cells = c_cell[sorted_idx]
    starts = np.searchsorted(cells, np.arange(len(wanted)))
    ranks = np.arange(len(rows)) - starts[cells]
    keep = ranks < wanted[cells]
    return rows[keep].astype(np.int64), cells[keep].astype(np.int64), ranks[keep].astype(np.int64)


@dataclass(frozen=True, eq=False)
class Draw(Result):
    """A stratified sample, its reserve lists and the allocation it follows.

    Attributes
    ----------
    sample : pandas.DataFrame
        The selected cases (all input columns) with ``cell`` (1-based row of
        ``allocation.cells``), ``draw_order`` (1, 2, ... within the cell), ``prn`` (the case's
        permanent random number in [0, 1)), ``inclusion_probability`` and ``design_weight`` (its
        inverse), sorted by cell and draw order.
    reserves : pandas.DataFrame
        Replacement cases, same columns but ``reserve_order`` (1 is the first replacement of a
        selected case of that cell that cannot be inspected). Only cells with a sampled case
        have reserves.
    allocation : Allocation
        Cases per cell, margin checks, expected counts and inclusion probabilities.
    seed : int
        The seed of the permanent random numbers and of the allocation (recorded even when
        chosen by the system).
    id_column : str
        The ID column.
    reserves_per_cell : int
        Reserves requested per cell (fewer where a cell has no more cases).
    exclusions : Exclusions or None
        Cases excluded before drawing; the allocation's population is what is left.
    selection : str
        How the random numbers were made: :data:`sampling._prn.HASH_SCHEME` (manifest version
        2), or numpy's stream for a repeated version-1 draw.
    created_utc : str or None
        When the draw was first made, for a draw repeated from its manifest (else None: the
        manifest records the time it is written).
    """

    sample: pd.DataFrame
    reserves: pd.DataFrame
    allocation: Allocation
    seed: int
    id_column: str
    reserves_per_cell: int
    exclusions: Exclusions | None = None
    selection: str = HASH_SCHEME
    created_utc: str | None = None

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
        excluded = (
            ""
            if self.exclusions is None
            else f" after excluding {self.exclusions.count} of {self.exclusions.population_before}"
        )
        return (
            f"Drew {self.n} of {self.allocation.population_size} cases{excluded} with seed "
            f"{self.seed} ({len(self.allocation.cells)} cells, {self.allocation.method} "
            f"allocation) and {len(self.reserves)} reserves ({self.reserves_per_cell} per sampled "
            f"cell at most); {self.allocation.chances()}."
        )

    def __str__(self) -> str:
        return f"{self.summary()}\n\n{self.allocation}"

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>Draw</strong>: {html.escape(self.summary())}"
            f"{self.allocation._repr_html_()}</div>"
        )


def _with_design(frame: pd.DataFrame, allocation: Allocation, cells: IntArray) -> None:
    """Add each case's inclusion probability and design weight (from its cell), in place."""
    table = allocation.cells
    frame["inclusion_probability"] = table["inclusion_probability"].to_numpy()[cells]
    frame["design_weight"] = table["design_weight"].to_numpy()[cells]


def draw_table(
    table: CaseTable,
    size: int,
    *,
    seed: int,
    reserves: int,
    method: str,
    minimum: int,
    exclusions: Exclusions | None = None,
    legacy: bool = False,
    recorded: IntArray | None = None,
    hashes: UIntArray | None = None,
) -> Draw:
    """Allocate and select from a checked case table (internal; see :func:`draw`).

    ``legacy`` selects as release 0.1 did (manifest version 1); ``recorded`` imposes a
    manifest's allocation (checked by the caller); ``hashes`` are the table's IDs' hashes when
    already computed.
    """
    import pandas as pd

    population = table.population
    allocation = build_allocation(
        population,
        table.cell_codes,
        table.levels,
        table.strata,
        size,
        method,
        minimum,
        None if legacy else seed,
        recorded=recorded,
    )
    allocated = allocation.cells["allocated"].to_numpy().astype(np.int64)
    spare = np.where(allocated > 0, np.minimum(reserves, population - allocated), 0)
    prn = None
    if legacy:
        from ._selection_v1 import SELECTION_V1, rank_within_cells

        rows, cells, ranks = rank_within_cells(
            table.cell.astype(np.int64), table.order, allocated + spare, seed
        )
        selection = SELECTION_V1
    else:
        assert table.ids is not None  # draw always checks the ID column
        if hashes is None:
            same = table.hashes is not None and table.hash_seed == seed
            hashes = table.hashes if same else id_hashes(table.ids, seed)
            assert hashes is not None

        def id_rank() -> IntArray:
            ranks_ = np.empty(len(table.order), dtype=np.int64)
            ranks_[table.order] = np.arange(len(table.order))
            return ranks_

        rows, cells, ranks = rank_by_hash(
            table.cell, hashes, allocated + spare, id_rank, population
        )
        prn = uniform(hashes[rows])
        selection = HASH_SCHEME
    chosen = ranks < allocated[cells]
    sample = table.rows(rows[chosen])
    sample["cell"] = cells[chosen] + 1
    sample["draw_order"] = ranks[chosen] + 1
    spare_rows = ~chosen
    reserve = table.rows(rows[spare_rows])
    reserve["cell"] = cells[spare_rows] + 1
    reserve["reserve_order"] = ranks[spare_rows] - allocated[cells[spare_rows]] + 1
    if prn is not None:
        sample["prn"] = prn[chosen]
        reserve["prn"] = prn[spare_rows]
    _with_design(sample, allocation, cells[chosen])
    _with_design(reserve, allocation, cells[spare_rows])
    if reserve.empty:
        reserve = pd.DataFrame(columns=list(reserve.columns))
    return Draw(
        sample=sample,
        reserves=reserve,
        allocation=allocation,
        seed=seed,
        id_column=table.id_column,
        reserves_per_cell=reserves,
        exclusions=exclusions,
        selection=selection,
    )


def prepare_draw(
    cases: pd.DataFrame,
    *,
    id_column: str,
    strata: Any,
    blank_strata: str,
    exclude: Any = None,
    exclude_source: tuple[str, str] | None = None,
    seed: int | None = None,
) -> tuple[CaseTable, Exclusions | None]:
    """Check the case frame and apply exclusions (internal): the table drawn from.

    ``seed``: the draw's, so that the IDs' hashes made to check them are the selection's too.
    """
    table = prepare_cases(
        cases,
        id_column=id_column,
        strata=DEFAULT_STRATA if strata is None else strata,
        blank_strata=blank_strata,
        seed=seed,
    )
    if exclude is None:
        return table, None
    source, digest = exclude_source if exclude_source is not None else (None, None)
    exclusions, keep = check_exclusions(exclude, table, source=source, sha256=digest)
    if exclusions.count == 0:
        return table, exclusions
    return table.subset(keep), exclusions  # no cell is emptied: the same as checking afresh


def draw(
    cases: pd.DataFrame,
    n: int | str,
    *,
    seed: int | None,
    id_column: str = "case_id",
    strata: Any = None,
    reserves: int = 2,
    method: str = "unbiased",
    minimum: int = 1,
    blank_strata: str = "error",
    exclude: Any = None,
) -> Draw:
    """Draw a stratified random sample of cases, with an ordered reserve list per cell.

    Parameters
    ----------
    cases : pandas.DataFrame
        The eligible cases, one row each (e.g. from :func:`sampling.read_cases`). Not modified.
    n : int or "auto"
        Cases to sample; ``"auto"`` applies the 80%/5 rule to the number of eligible cases left
        after any exclusions.
    seed : int or None
        Seed of the permanent random numbers and of the allocation's random choice
        (:mod:`sampling._prn`). ``None`` takes one from the operating system and records it in
        the result, so the draw can still be repeated.
    id_column : str, default "case_id"
        Column identifying each case (text; filled in; unique).
    strata : sequence of str, optional
        Stratification columns, default ``("gender", "disposal", "risk")``.
    reserves : int, default 2
        Reserve cases to list for each cell with a sampled case (fewer if the cell runs out).
    method, minimum, blank_strata
        As in :func:`sampling.allocate` (default ``"unbiased"``).
    exclude : sequence of str, optional
        IDs of cases that must not be drawn (in another sample of this inspection, inspected
        last round). Every one must be on the case list; they are removed before allocating, and
        the result records them (``exclusions``).

    Returns
    -------
    Draw
        ``sample`` and ``reserves`` (with each case's permanent random number, inclusion
        probability and design weight), ``allocation``, ``seed`` and ``exclusions``.

    Raises
    ------
    ValueError
        Bad n, seed or reserves, exclusions not on the case list or emptying a cell, a case
        frame that fails the checks of :func:`sampling.read_cases` (missing columns, blank or
        repeated IDs, blank strata), or one with a column the draw adds (``cell``,
        ``draw_order``, ``reserve_order``).
    TypeError
        ``cases`` is not a DataFrame, or ``id_column`` is None (a draw needs an ID column).

    Notes
    -----
    Within each cell, a simple random sample without replacement of the allocated size: the
    cases with the smallest permanent random numbers, the next ones listed as reserves. The
    numbers come from a keyed hash of the seed and the ID, so the same cases and seed give the
    same sample whatever the row order, and the unbiased allocation's choice comes from the same
    key. Every case's inclusion probability is then ``E[n_h] / N_h`` = n/N.

    Examples
    --------
    >>> from importlib.resources import files
    >>> from sampling import read_cases
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> result = draw(cases, "auto", seed=2026, reserves=2)
    >>> len(result.sample), result.sample["case_id"].is_unique
    (100, True)
    >>> sorted(set(result.sample["inclusion_probability"].round(12)))
    [0.4]
    >>> shuffled = cases.sample(frac=1, random_state=7)
    >>> again = draw(shuffled, "auto", seed=2026, reserves=2)
    >>> again.sample["case_id"].tolist() == result.sample["case_id"].tolist()
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
    table, exclusions = prepare_draw(
        cases,
        id_column=id_column,
        strata=strata,
        blank_strata=blank_strata,
        exclude=exclude,
        seed=seed_i,
    )
    size = resolve_n(n, int(table.population.sum()))
    return draw_table(
        table,
        size,
        seed=seed_i,
        reserves=reserves_i,
        method=method,
        minimum=minimum_i,
        exclusions=exclusions,
    )
