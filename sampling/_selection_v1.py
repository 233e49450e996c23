"""Selection as release 0.1 did it (manifest version 1), kept to repeat those draws.

1. ``rng = numpy.random.default_rng(seed)`` (PCG64) and ``u = rng.random(N)``: one uniform number
   per eligible case, the k-th number going to the case with the k-th smallest ID in text order.
2. Within each cell the cases are ranked by ``u`` (ties by ID). The first ``n_h`` are the sample,
   in that order; the next ``r`` are the cell's reserves, in replacement order.

This depends on numpy keeping PCG64's stream (NEP 19 does not promise it across versions), and
adding one case whose ID sorts early shifts every later case's number. Version-2 draws use
permanent random numbers instead (:mod:`sampling._prn`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["SELECTION_V1", "rank_within_cells"]

IntArray = npt.NDArray[np.int64]

SELECTION_V1 = (
    "numpy.random.default_rng(seed) (PCG64); u = rng.random(N), the k-th value to the case with "
    "the k-th smallest ID (text order); within each cell cases ranked by u (ties by ID): the "
    "first n_h are the sample, the next ones the reserves in order"
)


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
