"""Unbiased controlled rounding: a random allocation whose expectation is the quotas.

The allocation X takes every cell to the floor or ceiling of its quota ``q_h``, every variable's
level to the floor or ceiling of its quota, and the total to n, and ``E[X_h] = q_h``. Two routes,
both exact by construction (the methods page gives the proofs):

* **Decomposition** (up to ``GLOBAL_LIMIT`` fractional cells). The fractional parts ``r`` are
  written as a convex combination of feasible roundings. Up to ``DIRECT_LIMIT`` cells every
  feasible rounding is enumerated (meet in the middle) and one linear program
  (``scipy.optimize.linprog``, dual simplex) finds weights minimising
  ``sum |sum_k w_k b_k - r|`` over all of them (:func:`decompose_all`); above it column
  generation reaches the same optimum without enumerating
  (:func:`decompose`: a linear program over the weights, its duals pricing the next rounding by
  an integer program, ``scipy.optimize.milp``, until none prices in). The weights are polished
  by least squares on their support. One rounding is picked with the seed's allocation number
  ``u``: the first, in lexicographic order of the roundings, whose cumulative weight exceeds
  ``u``. So ``P(X = x_k) = w_k`` and ``E[X] = floor + sum_k w_k b_k``, computed, not hoped for;
  when q lies outside the hull of the feasible roundings (possible with three or more
  variables) the residual is the least possible total ``sum_h |E[X_h] - q_h|`` and is reported
  cell by cell.
* **Flight and landing** (more than ``GLOBAL_LIMIT`` fractional cells). The cube method's
  flight phase (Deville and Tillé 2004; the fast form of Chauvet and Tillé 2006): pick a
  direction ``v`` that leaves every margin's sum unchanged, go to ``pi + l1 v`` with
  probability ``l2 / (l1 + l2)`` or to ``pi - l2 v`` otherwise, each step as far as the first
  cell reaching 0 or 1. Each step keeps the expectation (a martingale) and the margins'
  fractional sums, and makes at least one cell whole; when at most ``DIRECT_LIMIT`` cells are
  left fractional, they are landed by the decomposition above, which keeps their expectation
  exactly when their values lie in the hull of the landing's roundings (always with one or two
  variables, whose constraint matrix is totally unimodular; with more, the landing's residual
  on the path drawn is reported).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ._rounding_problem import TIME_LIMIT, RoundingProblem, solve_milp

__all__ = [
    "DIRECT_LIMIT",
    "GLOBAL_LIMIT",
    "Decomposition",
    "UnbiasedRounding",
    "decompose",
    "decompose_all",
    "enumerate_roundings",
    "flight",
    "unbiased",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]

DIRECT_LIMIT = 20
"""Most fractional cells whose feasible roundings are all enumerated (and the flight's stop)."""
GLOBAL_LIMIT = 40
"""Most fractional cells decomposed as a whole (by column generation above DIRECT_LIMIT)."""
_TOL = 1e-9  # a rounding prices in when its reduced cost beats this
_SNAP = 1e-11  # flight phase: values this close to 0 or 1 are made whole


@dataclass(frozen=True, eq=False)
class Decomposition:
    """A finite distribution over roundings of some fractional cells (internal).

    ``columns`` (k, cells) are the roundings' ``b``, in lexicographic order; ``weights`` their
    probabilities (sum 1); ``mean`` the expectation ``sum_k w_k b_k``; ``target`` the values
    decomposed; ``miss`` the margin rows' total miss of every rounding (0 when each margin is
    within its floor and ceiling); ``converged`` whether column generation proved optimality.
    """

    columns: BoolMatrix
    weights: FloatArray
    target: FloatArray
    miss: int
    converged: bool
    iterations: int

    @property
    def mean(self) -> FloatArray:
        """The expectation of ``b`` under the distribution."""
        return np.asarray(self.weights @ self.columns, dtype=np.float64)

    @property
    def residual(self) -> FloatArray:
        """``mean - target`` per cell (0 up to float error when the decomposition is exact)."""
        return self.mean - self.target

    def choose(self, u: float) -> int:
        """Index of the rounding picked by a uniform number ``u`` in [0, 1)."""
        cum = np.cumsum(self.weights)
        return int(min(np.searchsorted(cum, u * cum[-1], side="right"), len(cum) - 1))


def _pricing_rows(
    a: Any, low: FloatArray, high: FloatArray, cells: int, extra: int
) -> tuple[Any, FloatArray, FloatArray]:
    """The pricing program's rows: the total, then every margin row."""
    from scipy.sparse import csr_array, vstack

    total = csr_array(np.ones((1, cells)))
    return (
        vstack([total, a], format="csr"),
        np.concatenate([[float(extra)], low]),
        np.concatenate([[float(extra)], high]),
    )


def _stack_bounds(a: Any) -> Any:
    """``[a; -a]``: two-sided rows as upper bounds for ``linprog``."""
    from scipy.sparse import vstack

    return vstack([a, -a], format="csr")


class _Pricer:
    """Best feasible rounding for given cell weights: ``max y.b`` over the feasible ``b``.

    Feasible: ``b`` in {0, 1}, ``sum b = extra`` and every margin row within its bounds. When no
    ``b`` is feasible the margins are relaxed by slack variables and the feasible set becomes the
    roundings whose total miss is the least possible (found by one integer program first).
    """

    def __init__(
        self, a: Any, low: FloatArray, high: FloatArray, extra: int, time_limit: float
    ) -> None:
        from scipy.sparse import csr_array, eye, hstack, vstack

        self.cells = a.shape[1]
        self.time_limit = time_limit
        rows, lo, hi = _pricing_rows(a, low, high, self.cells, extra)
        self.a, self.lo, self.hi = rows, lo, hi
        self.miss = 0
        probe = solve_milp(np.zeros(self.cells), rows, lo, hi, np.ones(self.cells),
                           time_limit=time_limit)  # fmt: skip
        if probe.status == "infeasible":
            m = a.shape[0]
            slack = eye(m + 1, format="csr")[:, 1:]  # no slack on the total row
            a_s = hstack([rows, slack, -slack], format="csr")
            upper = np.concatenate([np.ones(self.cells), np.full(2 * m, float(self.cells))])
            cost = np.concatenate([np.zeros(self.cells), np.ones(2 * m)])
            least = solve_milp(cost, a_s, lo, hi, upper, time_limit=time_limit)
            if least.x is None:
                raise RuntimeError("the allocation solver found no rounding")
            self.miss = round(float(cost @ least.x))
            cap = csr_array(cost.reshape(1, -1))
            self.a = vstack([a_s, cap], format="csr")
            self.lo = np.append(lo, -np.inf)
            self.hi = np.append(hi, float(self.miss))
            self.upper = upper
        else:
            self.upper = np.ones(self.cells)
        # the relaxation's rows as upper bounds, built once (dense when small: less overhead)
        stacked = _stack_bounds(self.a)
        self.a_ub = stacked.toarray() if self.a.shape[0] * self.a.shape[1] <= 200_000 else stacked
        self.b_ub = np.concatenate([self.hi, -self.lo])

    def best(self, y: FloatArray) -> tuple[FloatArray | None, bool]:
        """The rounding maximising ``y.b`` (None if none found), and whether it is proven best.

        The linear relaxation is tried first: when its optimum is whole it is the integer
        optimum too (always so with one or two variables); otherwise the integer program runs.
        """
        from scipy.optimize import linprog

        c = np.zeros(len(self.upper))
        c[: self.cells] = -y
        if self.miss == 0:
            lp = linprog(
                c,
                A_ub=self.a_ub,
                b_ub=self.b_ub,
                bounds=(0, 1),
                method="highs-ds",
                options={"time_limit": float(self.time_limit)},
            )
            x = None if lp.x is None else np.asarray(lp.x, dtype=np.float64)
            if lp.status == 0 and x is not None and np.abs(x - np.round(x)).max() < 1e-9:
                return np.asarray(np.round(x), dtype=np.float64), True
        out = solve_milp(c, self.a, self.lo, self.hi, self.upper, time_limit=self.time_limit)
        if out.x is None:
            return None, False
        return out.x[: self.cells], out.status == "optimal"


def decompose(
    target: FloatArray,
    a: Any,
    low: FloatArray,
    high: FloatArray,
    extra: int,
    *,
    time_limit: float = TIME_LIMIT,
    max_iterations: int = 2000,
    initial: BoolMatrix | None = None,
) -> Decomposition:
    """Write ``target`` (values in [0, 1]) as a convex combination of feasible roundings.

    Column generation (see the module notes). ``a`` is the sparse margin-row matrix over the
    cells, ``low``/``high`` the bounds on each row's sum of ``b`` and ``extra`` the sum of ``b``.
    ``initial``: feasible roundings to start from (any; they only shorten the search).
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_array, eye, hstack, vstack

    cells = len(target)
    pricer = _Pricer(a, np.asarray(low, float), np.asarray(high, float), extra, time_limit)
    first, _ = pricer.best(np.asarray(target, dtype=np.float64))
    if first is None:
        raise RuntimeError("the allocation solver found no rounding")
    columns = [first.astype(bool)]
    seen = {first.astype(bool).tobytes()}
    for b in [] if initial is None else np.asarray(initial, dtype=bool):
        if b.tobytes() not in seen and int(b.sum()) == extra:
            columns.append(b)
            seen.add(b.tobytes())
    converged = False
    ident = eye(cells, format="csr")
    weights = np.ones(1)
    iterations = 0
    dense = cells <= 400  # small masters: a dense matrix is built and passed faster
    for iterations in range(1, max_iterations + 1):  # noqa: B007  # the count is reported
        k = len(columns)
        a_eq: Any
        if dense:
            a_eq = np.zeros((cells + 1, k + 2 * cells))
            a_eq[:cells, :k] = np.asarray(columns, dtype=np.float64).T
            a_eq[:cells, k : k + cells] = np.eye(cells)
            a_eq[:cells, k + cells :] = -np.eye(cells)
            a_eq[cells, :k] = 1.0
        else:
            b = csr_array(np.asarray(columns, dtype=np.float64).T)
            a_eq = vstack(
                [
                    hstack([b, ident, -ident]),
                    hstack([csr_array(np.ones((1, k))), csr_array((1, 2 * cells))]),
                ],
                format="csr",
            )
        lp = linprog(
            np.concatenate([np.zeros(k), np.ones(2 * cells)]),
            A_eq=a_eq,
            b_eq=np.append(target, 1.0),
            bounds=(0, None),
            method="highs",
            options={"time_limit": float(time_limit)},
        )
        if lp.status != 0 or lp.x is None or lp.fun is None:
            raise RuntimeError(f"the allocation solver stopped: {lp.message}")
        weights = np.asarray(lp.x[:k], dtype=np.float64)
        if float(lp.fun) <= 1e-12:
            converged = True
            break
        duals = np.asarray(lp.eqlin.marginals, dtype=np.float64)
        candidate, proven = pricer.best(duals[:cells])
        if candidate is None:
            break
        key = candidate.astype(bool).tobytes()
        if float(duals[:cells] @ candidate) + float(duals[cells]) <= _TOL or key in seen:
            converged = proven
            break
        columns.append(candidate.astype(bool))
        seen.add(key)
    # (a rounding priced in on the last allowed iteration has no weight yet: left out)
    kept = np.asarray(columns[: len(weights)])
    return _polished(kept, weights, np.asarray(target, float), pricer.miss, converged, iterations)


def _polished(
    columns: BoolMatrix,
    weights: FloatArray,
    target: FloatArray,
    miss: int,
    converged: bool,
    iterations: int,
) -> Decomposition:
    """Keep the support, refit its weights by least squares, sort the roundings."""
    keep = weights > 1e-13
    cols, w = columns[keep], weights[keep]
    achieved = w @ cols  # the linear program's point: the target when it is in the hull
    system = np.vstack([cols.T.astype(np.float64), np.ones((1, len(w)))])
    refit, *_ = np.linalg.lstsq(system, np.append(achieved, 1.0), rcond=None)
    if refit.min() >= -1e-12 and np.abs(system @ refit - np.append(achieved, 1.0)).max() < 1e-12:
        w = np.clip(refit, 0.0, None)
    w = w / w.sum()
    order = np.lexsort(cols.T[::-1]) if cols.shape[1] else np.arange(len(w))
    return Decomposition(cols[order], w[order], target, miss, converged, iterations)


def _subsets(members: npt.NDArray[np.int16]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int16]]:
    """Every 0/1 vector over some cells (rows: 2**cells of them) and each one's margin sums."""
    cells = members.shape[1]
    bits = ((np.arange(1 << cells)[:, None] >> np.arange(cells)) & 1).astype(np.int8)
    return bits, (bits.astype(np.int16) @ members.T).astype(np.int16)


def enumerate_roundings(
    a: Any, low: FloatArray, high: FloatArray, extra: int
) -> tuple[BoolMatrix, int]:
    """Every feasible rounding of at most ``DIRECT_LIMIT`` cells, and their margin miss.

    The cells are split in two halves; every subset of each half is listed with its margin
    sums, and the pairs of subsets with ``extra`` ones in all are checked at once (meet in the
    middle: the work is the number of such roundings, not ``2**cells``). The roundings with every
    margin in range are returned (miss 0), or, when there are none, those with the least total
    miss.
    """
    members = np.asarray(a.toarray(), dtype=np.int16)
    cells = members.shape[1]
    half = cells // 2
    bits_l, sums_l = _subsets(members[:, :half])
    bits_r, sums_r = _subsets(members[:, half:])
    count_l, count_r = bits_l.sum(axis=1), bits_r.sum(axis=1)
    lo, hi = low.astype(np.int16), high.astype(np.int16)
    found: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int16]]] = []
    for ones in range(max(0, extra - (cells - half)), min(half, extra) + 1):
        left = np.flatnonzero(count_l == ones)
        right = np.flatnonzero(count_r == extra - ones)
        sums = sums_l[left][:, None, :] + sums_r[right][None, :, :]
        miss = (np.maximum(lo - sums, 0) + np.maximum(sums - hi, 0)).sum(axis=2, dtype=np.int16)
        li, ri = np.nonzero(miss <= miss.min(initial=np.iinfo(np.int16).max))
        found.append((left[li], right[ri], miss[li, ri]))
    least = int(min(f[2].min() for f in found if len(f[2])))
    rows = []
    for left, right, miss in found:
        keep = miss == least
        rows.append(np.hstack([bits_l[left[keep]], bits_r[right[keep]]]))
    return np.vstack(rows).astype(bool), least


def decompose_all(
    target: FloatArray, a: Any, low: FloatArray, high: FloatArray, extra: int,
    *, time_limit: float = TIME_LIMIT,
) -> Decomposition:  # fmt: skip
    """Decompose ``target`` over every feasible rounding at once: one linear program.

    The roundings are enumerated (:func:`enumerate_roundings`); the simplex method
    (``linprog``, HiGHS dual simplex) then minimises ``sum |sum_k w_k b_k - target|`` over all of
    them, so the optimum is the global one, as column generation would reach, in one solve.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_array, eye, hstack, vstack

    columns, miss = enumerate_roundings(a, low, high, extra)
    k, cells = columns.shape
    ident = eye(cells, format="csr")
    a_eq = vstack(
        [
            hstack([csr_array(columns.T.astype(np.float64)), ident, -ident]),
            hstack([csr_array(np.ones((1, k))), csr_array((1, 2 * cells))]),
        ],
        format="csr",
    )
    lp = linprog(
        np.concatenate([np.zeros(k), np.ones(2 * cells)]),
        A_eq=a_eq,
        b_eq=np.append(target, 1.0),
        bounds=(0, None),
        method="highs-ds",
        options={"time_limit": float(time_limit)},
    )
    if lp.status != 0 or lp.x is None:
        raise RuntimeError(f"the allocation solver stopped: {lp.message}")
    weights = np.asarray(lp.x[:k], dtype=np.float64)
    return _polished(columns, weights, np.asarray(target, float), miss, True, 1)


def _null_direction(m: FloatArray) -> FloatArray | None:
    """A unit vector v with ``m v = 0`` (None when the columns are independent).

    Rows without a non-zero entry are dropped. With more columns than rows the last column of
    the complete QR factorisation of ``m.T`` is orthogonal to every row (one LAPACK call, cheap
    at these sizes); otherwise the singular value decomposition decides.
    """
    if m.shape[1] == 0:
        return None
    m = m[np.abs(m).sum(axis=1) > 0]
    if m.shape[0] < m.shape[1]:
        q, _ = np.linalg.qr(m.T, mode="complete")
        v = q[:, -1]
    else:
        _, s, vt = np.linalg.svd(m, full_matrices=True)
        rank = int((s > 1e-9 * max(1.0, float(s.max(initial=0.0)))).sum())
        if rank >= m.shape[1]:
            return None
        v = vt[-1]
    v = np.array(v, dtype=np.float64)
    v[np.abs(v) < 1e-12] = 0.0
    return v


def flight(
    pi: FloatArray, rows: FloatArray, uniforms: FloatArray | None, *, stop_at: int = 0
) -> tuple[FloatArray, int]:
    """The flight phase: move ``pi`` to a point with few non-integer values, keeping ``rows @ pi``.

    ``uniforms`` drive the random steps (one per step; ``None``: always the first direction, a
    deterministic reduction used by the fallback of the deterministic rounding). The phase ends
    when no direction is left or at most ``stop_at`` values are fractional. Returns the final
    values and the number of steps. In the random form ``E[result] = pi``.
    """
    pi = np.array(pi, dtype=np.float64)
    m = rows.shape[0]
    fractional = [i for i in range(len(pi)) if _SNAP < pi[i] < 1 - _SNAP]
    left = len(fractional)
    queue = iter(fractional[m + 1 :])
    window = fractional[: m + 1]
    steps = 0
    while window and left > stop_at:
        v = _null_direction(rows[:, window])
        if v is None:
            nxt = next(queue, None)
            if nxt is None:
                break
            window.append(nxt)
            continue
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
        kept = [i for i in window if 0.0 < pi[i] < 1.0]
        left -= len(window) - len(kept)
        window = kept
        while len(window) < m + 1:
            nxt = next(queue, None)
            if nxt is None:
                break
            window.append(nxt)
    return pi, steps


@dataclass(frozen=True, eq=False)
class UnbiasedRounding:
    """The allocation drawn, its expectation and how it was obtained (internal)."""

    allocated: IntArray
    expected: FloatArray
    route: str
    decomposition: Decomposition
    chosen: int
    u: float
    flight_steps: int
    landing_cells: int
    summary: dict[str, Any] = field(default_factory=dict)


def _flight_rows(problem: RoundingProblem) -> FloatArray:
    """The flight phase's balancing rows: the total and the margin rows that constrain anything.

    A level with a single fractional cell needs no row: its count is its whole cells plus that
    cell's 0 or 1, which is already the floor or ceiling of its quota, and a row would freeze
    the cell (10,000 one-case offices would otherwise give 10,000 rows, and each step a
    factorisation of that size). Of a variable whose levels all keep their rows, the last is
    dropped: it is implied (the levels sum to the total).
    """
    cells = len(problem.fractional)
    out = [np.ones(cells)]
    names = problem.level_names
    start = 0
    while start < len(names):
        stop = start
        while stop < len(names) and names[stop][0] == names[start][0]:
            stop += 1
        kept = [i for i in range(start, stop) if len(problem.level_cells[i]) > 1]
        if len(kept) == stop - start:
            kept = kept[:-1]
        for i in kept:
            row = np.zeros(cells)
            row[problem.level_cells[i]] = 1.0
            out.append(row)
        start = stop
    return np.vstack(out)


_CACHE: OrderedDict[tuple[Any, ...], Decomposition] = OrderedDict()
_CACHE_SIZE = 16


def _direct(
    problem: RoundingProblem, a: Any, low: FloatArray, high: FloatArray, extra: int, limit: float
) -> Decomposition:
    """The decomposition of the quotas; the same population and n reuse the last ones computed.

    It depends only on the integer data of the problem (not on the seed), so a simulation over
    many seeds, or a draw repeated in one session, solves it once.
    """
    key = (
        problem.total,
        problem.remainder.tobytes(),
        tuple(c.tobytes() for c in problem.level_cells),
        problem.low.tobytes(),
        problem.high.tobytes(),
    )
    found = _CACHE.get(key)
    if found is None or not found.converged:
        solve = decompose_all if len(problem.fractional) <= DIRECT_LIMIT else decompose
        found = solve(problem.fraction, a, low, high, extra, time_limit=limit)
        _CACHE[key] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return found


def unbiased(
    problem: RoundingProblem, uniforms: FloatArray, *, time_limit: float = TIME_LIMIT
) -> UnbiasedRounding:
    """Draw an unbiased controlled rounding; ``uniforms[0]`` picks it, the rest drive the flight.

    ``uniforms`` needs ``1 + len(problem.fractional)`` numbers (the allocation stream).
    """
    cells = len(problem.fractional)
    r = problem.fraction
    a = problem.incidence()
    low, high = problem.low.astype(float), problem.high.astype(float)
    steps = 0
    if cells <= GLOBAL_LIMIT:
        route, landing = "decomposition", np.arange(cells)
        base = np.zeros(cells)
        target = r
    else:
        route = "flight and landing"
        pi, steps = flight(r, _flight_rows(problem), uniforms[1:], stop_at=DIRECT_LIMIT)
        landing = np.flatnonzero((pi > 0) & (pi < 1))
        base = np.where(pi >= 1, 1.0, 0.0)
        base[landing] = 0.0
        target = pi[landing]
        fixed = np.asarray(a @ base).ravel()
        low, high = low - fixed, high - fixed
        a = a[:, landing]
    extra = round(float(target.sum()))
    if route == "decomposition" and len(landing):
        dec = _direct(problem, a, low, high, extra, time_limit)
    elif 0 < len(landing) <= DIRECT_LIMIT:
        dec = decompose_all(target, a, low, high, extra, time_limit=time_limit)
    elif len(landing):
        dec = decompose(target, a, low, high, extra, time_limit=time_limit)
    else:
        dec = Decomposition(np.zeros((1, 0), dtype=bool), np.ones(1), target, 0, True, 0)
    u = float(uniforms[0])
    k = dec.choose(u)
    b = base.copy()
    b[landing] = dec.columns[k]
    allocated = problem.floor.copy()
    allocated[problem.fractional] += np.round(b).astype(np.int64)
    if route == "decomposition":
        mean_b = dec.mean
    else:  # E[b] = r by the martingale, up to the landing's residual on this path
        mean_b = r.copy()
        mean_b[landing] += dec.residual
    expected = problem.floor.astype(np.float64)
    expected[problem.fractional] += mean_b
    return UnbiasedRounding(
        allocated=allocated.astype(np.int64),
        expected=expected,
        route=route,
        decomposition=dec,
        chosen=k,
        u=u,
        flight_steps=steps,
        landing_cells=len(landing),
    )
