"""The cube method's flight phase over small windows of cells, for tables with many margin rows.

The flight phase of :mod:`sampling._rounding_unbiased` moves a window of ``m + 1`` cells at a
time, ``m`` the number of balancing rows, and finds each step's direction by factorising the
window's ``m x (m + 1)`` matrix: its cost grows as ``m**3`` per step. A variable with thousands
of levels (offices, say, each with two or three cells) gives thousands of rows, and the flight
would take hours. This local flight takes each step's direction from a window only as wide as
the rows it touches need:

* the fractional cells are queued with the cells of each level of the variable with the most
  levels next to one another, so a window touches few of its rows;
* a row with at most one fractional cell left constrains nothing any more and is dropped (its
  count is then its whole cells plus that cell's 0 or 1, the floor or ceiling of its quota,
  because its fractional sum has been kept exact until then);
* a direction ``v`` is sought among the window's cells that leaves the total and every row
  still active unchanged: the window grows a cell at a time from the queue until the rows it
  touches leave one (a small singular value decomposition each time);
* the step is the cube method's: to ``pi + l1 v`` with probability ``l2 / (l1 + l2)``, else to
  ``pi - l2 v``, each as far as the first cell reaching 0 or 1, so that ``E[pi]`` is kept (a
  martingale) and at least one cell becomes whole.

When the queue is empty and the window (then every fractional cell left) has no direction, or
when at most ``stop_at`` cells are fractional, the flight ends; the landing is the same exact
decomposition as for the windowed flight. Each step costs about the cube of the window's width
(typically the number of levels of the other variables, plus a few), not of ``m``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._rounding_problem import RoundingProblem

__all__ = ["FLIGHT_WORK", "local_flight", "use_local_flight"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FLIGHT_WORK = 2e10
"""Largest ``cells * rows**3`` flown by the windowed flight (seconds); beyond it, the local one."""
_SNAP = 1e-11  # values this close to 0 or 1 are made whole (as in the windowed flight)


def use_local_flight(fractional: int, rows: int) -> bool:
    """Whether the windowed flight's work (``cells * rows**3``) is too much: take the local one.

    Examples
    --------
    The 5,900-cell table of the benchmarks (73 rows) keeps the windowed flight; 5,000 cells with
    2,000 office rows take the local one:

    >>> use_local_flight(5_900, 73), use_local_flight(5_000, 2_004)
    (False, True)
    """
    return float(fractional) * float(rows) ** 3 > FLIGHT_WORK


def _direction(members: IntArray, active: npt.NDArray[np.bool_]) -> FloatArray | None:
    """A unit ``v`` over the window with every active row's and the total's sum of ``v`` zero.

    ``members`` (window cells x variables) holds each cell's row per variable. A cell that is
    the only one of the window in some active row must have ``v = 0`` there; such cells are
    peeled off first (repeatedly), and the direction is sought among the cells left, by a
    factorisation of their rows only (zeros elsewhere). None when no direction exists.
    """
    width = members.shape[0]
    hit = active[members]
    keep = np.ones(width, dtype=bool)
    while True:
        rows_in = members[keep][hit[keep]]
        counts = np.bincount(rows_in, minlength=len(active))
        alone = keep & np.any(hit & (counts[members] == 1), axis=1)
        if not alone.any():
            break
        keep &= ~alone
    inside = np.flatnonzero(keep)
    if len(inside) < 2:
        return None
    sub, sub_hit = members[inside], hit[inside]
    used = np.unique(sub[sub_hit])
    m = np.zeros((len(used) + 1, len(inside)))
    m[-1] = 1.0  # the total
    if len(used):
        index = np.searchsorted(used, sub)
        cols = np.broadcast_to(np.arange(len(inside))[:, None], sub.shape)
        m[index[sub_hit], cols[sub_hit]] = 1.0
    if m.shape[0] < len(inside):
        q, _ = np.linalg.qr(m.T, mode="complete")
        u = q[:, -1]
    else:
        _, s, vt = np.linalg.svd(m, full_matrices=True)
        rank = int((s > 1e-9 * max(1.0, float(s.max(initial=0.0)))).sum())
        if rank >= len(inside):
            return None
        u = vt[-1]
    v = np.zeros(width)
    v[inside] = u
    v[np.abs(v) < 1e-12] = 0.0
    return v if np.any(v) else None


def local_flight(
    problem: RoundingProblem, uniforms: FloatArray | None, *, stop_at: int = 0
) -> tuple[FloatArray, int]:
    """The local flight phase (module notes) from the fractional parts of the quotas.

    ``uniforms`` drive the random steps (one per step; ``None``: always the first direction, a
    deterministic reduction used by the deterministic rounding's fallback). Returns the final
    values (one per fractional cell, in cell order) and the number of steps. In the random form
    ``E[result] = pi``, and the total and every margin row with two or more fractional cells
    keep their sums exactly (up to float error).

    Examples
    --------
    >>> from sampling._rounding_problem import rounding_problem
    >>> p = rounding_problem(np.array([2, 1, 1, 1]), np.array([[0, 0], [0, 1], [1, 0], [1, 1]]),
    ...                      (2, 2), 2)
    >>> end, steps = local_flight(p, np.array([0.3, 0.6, 0.9]))
    >>> end.round(6).tolist(), steps, round(float(end.sum()), 9)
    ([1.0, 0.2, 0.2, 0.6], 1, 2.0)

    One step made the first cell whole; its two rows then had one fractional cell each and were
    dropped, and the three cells left have no direction keeping the other rows: the landing
    rounds them.
    """
    pi = np.array(problem.fraction, dtype=np.float64)
    cells = len(pi)
    rows = len(problem.level_cells)
    variables = 1 + max((v for v, _ in problem.level_names), default=-1)
    member = np.full((cells, max(variables, 1)), rows, dtype=np.int64)  # `rows`: no row
    for r, ((variable, _), cs) in enumerate(zip(problem.level_names, problem.level_cells,
                                               strict=True)):  # fmt: skip
        member[cs, variable] = r
    count = np.array([len(c) for c in problem.level_cells] + [0], dtype=np.int64)
    levels = np.bincount([v for v, _ in problem.level_names], minlength=max(variables, 1))
    widest = int(np.argmax(levels)) if len(levels) else 0
    # the queue: the widest variable's levels one after another, cells in order within each
    order = np.lexsort((np.arange(cells), member[:, widest])) if cells else np.arange(0)
    fractional = [int(i) for i in order if _SNAP < pi[i] < 1 - _SNAP]
    for i in range(cells):
        if not _SNAP < pi[i] < 1 - _SNAP:
            pi[i] = float(round(pi[i]))
            count[member[i][member[i] < rows]] -= 1
    left = len(fractional)
    queue = iter(fractional)
    window: list[int] = []
    steps = 0
    while left > stop_at:
        active = count >= 2
        active[rows] = False
        v = _direction(member[window], active) if len(window) >= 2 else None
        while v is None:
            nxt = next(queue, None)
            if nxt is None:
                break
            window.append(nxt)
            if len(window) >= 2:
                v = _direction(member[window], active)
        if v is None:
            break
        p = pi[window]
        with np.errstate(divide="ignore", invalid="ignore"):
            up = np.where(v > 0, (1 - p) / v, np.where(v < 0, -p / v, np.inf))
            down = np.where(v > 0, p / v, np.where(v < 0, (p - 1) / v, np.inf))
        l1, l2 = float(up.min()), float(down.min())
        forward = uniforms is None or uniforms[steps] < l2 / (l1 + l2)
        p = p + l1 * v if forward else p - l2 * v
        steps += 1
        p[p < _SNAP] = 0.0
        p[p > 1 - _SNAP] = 1.0
        pi[window] = p
        kept = []
        for i in window:
            if 0.0 < pi[i] < 1.0:
                kept.append(i)
            else:
                count[member[i][member[i] < rows]] -= 1
                left -= 1
        window = kept
    return pi, steps
