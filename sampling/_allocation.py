"""Allocation of a sample over the cross-classified cells (gender x disposal x risk, say).

The default, ``method="unbiased"``, is unbiased controlled rounding: a random allocation whose
every cell is the floor or ceiling of its quota ``n N_h / N``, every variable's level the floor or
ceiling of its quota, the total n, and whose expectation is the quotas, so that every case's
inclusion probability is n/N (:mod:`sampling._rounding_unbiased`). ``"controlled"`` is the
deterministic controlled rounding of release 0.1 and the other methods are deterministic too
(:mod:`sampling._rounding_controlled`). Whatever the method, the result reports each cell's
expected count, its cases' inclusion probability and design weight, and the cells whose cases
cannot be selected. All quota arithmetic is in integers, so no float noise decides a rounding.
"""

from __future__ import annotations

import html
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice, check_integer, format_value
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result

from ._frame import DEFAULT_STRATA, level_order, prepare_cases
from ._rounding_controlled import (
    controlled,
    equal,
    largest_remainder,
    margin_targets,
    proportional_with_minimum,
    target_ranges,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "METHODS",
    "Allocation",
    "BiasWarning",
    "MarginWarning",
    "Rounding",
    "allocate",
    "allocate_cells",
    "build_allocation",
    "largest_remainder",
    "resolve_n",
    "resolve_seed",
    "target_ranges",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_margin_targets = margin_targets  # the name the tests of release 0.1 use

METHODS = ("unbiased", "controlled", "largest-remainder", "minimum", "equal")
_HINTS = {
    "proportional": "unbiased",
    "random": "unbiased",
    "deterministic": "controlled",
    "hamilton": "largest-remainder",
    "lr": "largest-remainder",
}
_LABELS = {
    "unbiased": "proportional allocation with unbiased controlled rounding",
    "controlled": "proportional allocation with (deterministic) controlled rounding",
    "largest-remainder": "proportional allocation, largest remainder on the cells",
    "minimum": "proportional allocation with at least {minimum} per cell",
    "equal": "equal allocation",
}
EXACT = 1e-9
"""Largest total ``sum |E[X_h] - q_h|`` still called exact (float error of the decomposition)."""


class MarginWarning(UserWarning):
    """No allocation meets every margin target; the closest one was used."""


class BiasWarning(UserWarning):
    """The allocation's expected counts differ from the quotas: inclusion probabilities unequal."""


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
class Rounding(Result):
    """How an allocation was rounded, and how far its expectation is from the quotas.

    Attributes
    ----------
    method : str
        The allocation method.
    route : str
        ``"decomposition"`` (the quotas written as a convex combination of feasible roundings,
        one picked at random), ``"flight and landing"`` (cube-method flight phase, then that
        decomposition over the few cells left) or ``"deterministic"``.
    roundings : int
        Feasible roundings in the decomposition (1 for a deterministic method).
    chosen : int
        Which of them was drawn (1-based, in lexicographic order of the roundings).
    probability : float
        Its probability (for the flight route, given the flight phase's path).
    u : float or None
        The seed's allocation number that picked it (None for a deterministic method).
    flight_steps, landing_cells : int
        Steps of the flight phase and cells left to the landing (0 without a flight phase).
    residual : float
        ``sum |E[X_h] - q_h|`` over the cells: 0 (to float error) when every case's inclusion
        probability is n/N. For a deterministic method, the distance of its fixed counts from
        the quotas.
    largest_bias : float
        The largest ``|E[X_h] - q_h|``.
    margin_miss : int
        Cases by which the roundings used miss the margins' floor-ceiling ranges (0 normally;
        more only when no rounding keeps every margin in range).
    converged : bool
        Whether the decomposition was proven optimal (True for deterministic methods solved to
        optimality).
    solver : str
        The solver and its outcome, e.g. ``"scipy 1.17.1 (HiGHS): optimal"``.
    """

    method: str
    route: str
    roundings: int
    chosen: int
    probability: float
    u: float | None
    flight_steps: int
    landing_cells: int
    residual: float
    largest_bias: float
    margin_miss: int
    converged: bool
    solver: str

    @property
    def exact(self) -> bool:
        """Whether the expected counts equal the quotas (total absolute gap at most 1e-9)."""
        return self.residual <= EXACT

    def summary(self) -> str:
        """Say how the allocation was rounded and whether it is unbiased."""
        if self.route == "deterministic":
            return (
                f"{self.method} rounding is deterministic: its counts are the expectation, "
                f"{self.residual:.4g} case(s) from the quotas in total."
            )
        head = (
            f"Unbiased controlled rounding ({self.route}): rounding {self.chosen} of "
            f"{self.roundings} (probability {self.probability:.4g}) picked by u = "
            f"{self.u:.6f}"
        )
        if self.exact:
            return f"{head}; every cell's expected count equals its quota."
        return (
            f"{head}; no design meets every margin with these expectations: expected counts "
            f"are {self.residual:.4g} case(s) from the quotas in total (largest "
            f"{self.largest_bias:.4g}), corrected by the design weights."
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain values, with ``exact`` added."""
        out = super().to_dict()
        out["exact"] = self.exact
        return out


@dataclass(frozen=True, eq=False)
class Allocation(Result):
    """How many cases to draw from each cell, and how the margins come out.

    Attributes
    ----------
    n : int
        Cases in the sample.
    method : str
        ``"unbiased"``, ``"controlled"``, ``"largest-remainder"``, ``"minimum"`` or ``"equal"``.
    strata : tuple of str
        The stratification variables.
    population_size : int
        Eligible cases.
    minimum : int
        Smallest allocation per cell for ``method="minimum"`` (0 for the other methods).
    cells : pandas.DataFrame
        One row per non-empty cell: the strata values, ``population``, ``quota`` (exact
        proportional quota ``n N_h / N``), ``expected`` (the expected count over the method's
        randomness; the count itself for a deterministic method), ``allocated`` (this
        allocation's count), ``inclusion_probability`` (``expected / population``: every case's
        chance of selection), ``design_weight`` (its inverse; NaN where the chance is 0) and
        ``bias`` (``expected - quota``).
    margins : pandas.DataFrame
        One row per variable and level: ``variable``, ``level``, ``population``, ``quota``
        (``n N_l / N``), ``floor`` and ``ceiling`` of the quota, ``target`` (the level's own
        largest-remainder share of n), ``allocated`` and ``deviation``: cases outside what the
        method promises (for ``"unbiased"`` the floor-ceiling range, for the others the target).
    seed : int or None
        The seed whose allocation number picked the rounding (None for deterministic methods).
    rounding : Rounding
        How the counts were rounded: route, decomposition size, the rounding chosen, residual.
    """

    n: int
    method: str
    strata: tuple[str, ...]
    population_size: int
    minimum: int
    cells: pd.DataFrame
    margins: pd.DataFrame
    seed: int | None
    rounding: Rounding

    @property
    def missed(self) -> pd.DataFrame:
        """The margins outside what the method promises (empty when all are met)."""
        return self.margins[self.margins["deviation"] != 0]

    @property
    def unselectable(self) -> pd.DataFrame:
        """The cells whose cases cannot be selected (inclusion probability 0)."""
        return self.cells[self.cells["expected"] <= 0]

    @property
    def cases_without_chance(self) -> int:
        """How many eligible cases have no chance of selection under this method."""
        return int(self.unselectable["population"].sum())

    def summary(self) -> str:
        """Say what was allocated, whether every margin is met and who can be selected."""
        label = _LABELS[self.method].format(minimum=self.minimum)
        head = (
            f"{self.n} of {self.population_size} cases over {len(self.cells)} cells "
            f"({' x '.join(self.strata)}), {label}"
        )
        missed = self.missed
        promise = (
            "every margin within the floor and ceiling of its quota"
            if self.method == "unbiased"
            else "every margin equals its target"
        )
        if missed.empty:
            text = f"{head}; {promise}"
        else:
            parts = [
                f"{v}={lv} {int(d):+d}"
                for v, lv, d in zip(
                    missed["variable"].tolist(),
                    missed["level"].tolist(),
                    missed["deviation"].tolist(),
                    strict=True,
                )
            ]
            text = f"{head}; margins off target: {', '.join(parts)}"
        return f"{text}; {self.chances()}."

    def chances(self) -> str:
        """Say whether every case has the same chance n/N, or how the chances vary."""
        probs = self.cells["inclusion_probability"].to_numpy(dtype=np.float64)
        equal_p = self.n / self.population_size
        if np.all(np.abs(probs - equal_p) <= EXACT):
            return f"every case's inclusion probability is {self.n}/{self.population_size}"
        without = self.cases_without_chance
        tail = (
            f"{without} of {self.population_size} cases cannot be selected"
            if without
            else "every case can be selected"
        )
        return (
            f"inclusion probabilities range from {probs.min():.3g} to {probs.max():.3g} "
            f"(n/N = {equal_p:.3g}): {tail}; estimate with the design weights"
        )

    def __str__(self) -> str:
        shown = ["population", "quota", "expected", "allocated", "inclusion_probability"]
        cells = self.cells[[*self.strata, *shown]].to_string(
            index=False,
            formatters={
                "quota": "{:.2f}".format,
                "expected": "{:.3f}".format,
                "inclusion_probability": "{:.4f}".format,
            },
        )
        margins = self.margins.to_string(index=False, formatters={"quota": "{:.2f}".format})
        return f"{self.summary()}\n{self.rounding.summary()}\n\n{cells}\n\n{margins}"

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>Allocation</strong>: {html.escape(self.summary())}"
            f"<p>{html.escape(self.rounding.summary())}</p>"
            f"{self.cells.to_html(index=False, float_format='{:.4f}'.format)}"
            f"{self.margins.to_html(index=False, float_format='{:.2f}'.format)}</div>"
        )


def _solver(status: str) -> str:
    import scipy

    return f"scipy {scipy.__version__} (HiGHS): {status}"


def allocate_cells(
    population: IntArray,
    cell_codes: IntArray,
    n_levels: tuple[int, ...],
    n: int,
    *,
    method: str = "controlled",
    minimum: int = 1,
    seed: int = 0,
) -> IntArray:
    """Allocate n over cells given as populations and level codes (internal, arrays only)."""
    counts, _, _ = _round(population, cell_codes, n_levels, n, method, minimum, seed)
    return counts


def _round(
    population: IntArray,
    cell_codes: IntArray,
    n_levels: tuple[int, ...],
    n: int,
    method: str,
    minimum: int,
    seed: int | None,
) -> tuple[IntArray, FloatArray, Rounding]:
    """Counts, expected counts and the rounding summary for one method."""
    population = np.asarray(population, dtype=np.int64)
    codes = np.asarray(cell_codes, dtype=np.int64)
    quota = n * population / int(population.sum())
    if method == "unbiased":
        from ._prn import allocation_stream
        from ._rounding_problem import rounding_problem
        from ._rounding_unbiased import unbiased

        problem = rounding_problem(population, codes, n_levels, n)
        drawn = unbiased(problem, allocation_stream(int(seed or 0), 1 + len(problem.fractional)))
        dec = drawn.decomposition
        gap = np.abs(drawn.expected - quota)
        expected = drawn.expected
        if gap.sum() <= EXACT:  # exact up to float error: report the quotas themselves
            expected = quota.astype(np.float64)
        rounding = Rounding(
            method=method,
            route=drawn.route,
            roundings=len(dec.weights),
            chosen=drawn.chosen + 1,
            probability=float(dec.weights[drawn.chosen]),
            u=drawn.u,
            flight_steps=drawn.flight_steps,
            landing_cells=drawn.landing_cells,
            residual=float(gap.sum()),
            largest_bias=float(gap.max(initial=0.0)),
            margin_miss=int(dec.miss),
            converged=bool(dec.converged),
            solver=_solver("optimal" if dec.converged else "stopped before optimality"),
        )
        return drawn.allocated, expected, rounding
    status = "exact arithmetic"
    if method == "controlled":
        counts, status = controlled(n, population, codes, n_levels)
        status = _solver(status)
    elif method == "largest-remainder":
        counts = largest_remainder(n * population, int(population.sum()), n, population)
    elif method == "minimum":
        counts = proportional_with_minimum(n, population, minimum)
    else:
        counts = equal(n, population)
    gap = np.abs(counts - quota)
    rounding = Rounding(
        method=method,
        route="deterministic",
        roundings=1,
        chosen=1,
        probability=1.0,
        u=None,
        flight_steps=0,
        landing_cells=0,
        residual=float(gap.sum()),
        largest_bias=float(gap.max(initial=0.0)),
        margin_miss=0,
        converged="time limit" not in status and "fallback" not in status,
        solver=status,
    )
    return counts, counts.astype(np.float64), rounding


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


def _margins(
    population: IntArray,
    cell_codes: IntArray,
    levels: tuple[tuple[str, ...], ...],
    strata: tuple[str, ...],
    n: int,
    method: str,
    allocated: IntArray,
) -> pd.DataFrame:
    """The margins table: quota, floor, ceiling, target, allocated and deviation per level."""
    import pandas as pd

    n_levels = tuple(len(lv) for lv in levels)
    total = int(population.sum())
    targets = margin_targets(n, population, cell_codes, n_levels)
    ranges = target_ranges(n, population, cell_codes, n_levels)
    rows = []
    for j, name in enumerate(strata):
        pop_l = np.bincount(cell_codes[:, j], weights=population, minlength=n_levels[j])
        pop_l = pop_l.astype(np.int64)
        got_l = np.bincount(cell_codes[:, j], weights=allocated, minlength=n_levels[j])
        low, high = ranges[j]
        if method == "controlled" and np.all((low <= got_l) & (got_l <= high)):
            # Another tie-break among equal remainders: still this variable's largest-remainder
            # target, and the one the allocation uses.
            targets[j] = got_l.astype(np.int64)
        for k, level in enumerate(levels[j]):
            floor = int(n * pop_l[k] // total)
            ceiling = -(-int(n * pop_l[k]) // total)
            got = int(got_l[k])
            if method == "unbiased":
                deviation = got - min(max(got, floor), ceiling)
            else:
                deviation = got - int(targets[j][k])
            rows.append((name, level, int(pop_l[k]), n * int(pop_l[k]) / total, floor, ceiling,
                         int(targets[j][k]), got, deviation))  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["variable", "level", "population", "quota", "floor", "ceiling", "target",
                 "allocated", "deviation"],
    )  # fmt: skip


def build_allocation(
    population: IntArray,
    cell_codes: IntArray,
    levels: tuple[tuple[str, ...], ...],
    strata: tuple[str, ...],
    n: int,
    method: str,
    minimum: int,
    seed: int | None = None,
    *,
    recorded: IntArray | None = None,
) -> Allocation:
    """Allocate and wrap the result with its cell and margin tables (internal).

    ``recorded``: counts to use instead of the ones drawn (a manifest's, checked by the caller);
    the expectations are still the method's.
    """
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
    allocated, expected, rounding = _round(
        population, cell_codes, n_levels, n, method, minimum, seed
    )
    if recorded is not None:
        allocated = np.asarray(recorded, dtype=np.int64)
    total = int(population.sum())
    cells = pd.DataFrame(
        {name: [levels[j][c] for c in cell_codes[:, j]] for j, name in enumerate(strata)}
    )
    cells["population"] = population
    cells["quota"] = n * population / total
    cells["expected"] = expected
    cells["allocated"] = allocated
    quota = n * population / total
    # A cell at its quota has probability n/N exactly (computed so, not as quota / N_h).
    probability = np.where(expected == quota, n / total, expected / population)
    cells["inclusion_probability"] = probability
    with np.errstate(divide="ignore"):
        cells["design_weight"] = np.where(probability > 0, 1.0 / probability, math.nan)
    cells["bias"] = expected - n * population / total
    margins = _margins(population, cell_codes, levels, strata, n, method, allocated)
    result = Allocation(
        n=n,
        method=method,
        strata=strata,
        population_size=total,
        minimum=minimum if method == "minimum" else 0,
        cells=cells,
        margins=margins,
        seed=seed if method == "unbiased" else None,
        rounding=rounding,
    )
    if method in ("controlled", "unbiased") and not result.missed.empty:
        what = (
            "keeps every margin in range"
            if method == "unbiased"
            else "gives every margin its target"
        )
        warnings.warn(
            f"no allocation {what}; the closest misses by "
            f"{int(result.missed['deviation'].abs().sum()) // 2} case(s): {result.summary()}",
            MarginWarning,
            stacklevel=3,
        )
    if method == "unbiased" and not rounding.exact:
        warnings.warn(
            f"the quotas are outside the feasible roundings' hull: {rounding.summary()}",
            BiasWarning,
            stacklevel=3,
        )
    return result


def allocate(
    population: pd.DataFrame | pd.Series,
    n: int | str,
    *,
    strata: Any = None,
    method: str = "unbiased",
    seed: int | None = None,
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
    method : {"unbiased", "controlled", "largest-remainder", "minimum", "equal"}
        ``"unbiased"`` (default): unbiased controlled rounding, random, every cell the floor or
        ceiling of its quota, every variable's level the floor or ceiling of its own quota, total
        n, and each cell's expected count equal to its quota, so every case's inclusion
        probability is n/N (see Notes). ``"controlled"``: the deterministic controlled rounding
        of release 0.1 (each margin on its largest-remainder target; cells whose quota rounds
        down can never be sampled). ``"largest-remainder"``: largest remainder over the cells
        only (margins may miss by a case or two). ``"minimum"``: proportional, but every cell at
        least ``minimum`` cases (or all of them if fewer). ``"equal"``: the same number per cell,
        capped at each cell's population.
    seed : int, optional
        For ``"unbiased"``: the seed whose allocation number picks the rounding (the same
        seed as the draw's; :mod:`sampling._prn`). ``None`` takes one from the operating system
        and records it in ``seed``. Ignored by the deterministic methods.
    minimum : int, default 1
        Smallest allocation per cell for ``method="minimum"``.
    blank_strata : {"error", "level"}, default "error"
        Blank strata values: refuse, or treat as a level of their own.

    Returns
    -------
    Allocation
        ``cells`` (with expected counts, inclusion probabilities and design weights) and
        ``margins`` tables, ``missed`` margins, ``unselectable`` cells, ``rounding``,
        ``summary()`` and ``to_dict()``.

    Raises
    ------
    ValueError
        n not a whole number from 1 to the number of eligible cases (or ``"auto"``), too small for
        the minimum per cell, an unknown method, a seed that is not a whole number of at least 0,
        or a case frame that fails the checks of :func:`sampling.read_cases`.

    Warns
    -----
    MarginWarning
        ``"unbiased"`` or ``"controlled"`` when no allocation meets every margin; the closest
        ones are used, and ``missed`` says which margins miss and by how much.
    BiasWarning
        ``"unbiased"`` when the quotas lie outside the hull of the feasible roundings (possible
        with three or more variables): the expected counts are then as close to the quotas as
        the margins allow, ``cells["bias"]`` says by how much, and ``cells["design_weight"]``
        corrects it.

    Notes
    -----
    With ``N_h`` cases in cell h and N in all, the exact quota is ``q_h = n N_h / N`` (computed
    as ``n N_h`` divided by N with remainder). ``"unbiased"`` writes the fractional parts of the
    quotas as a convex combination of feasible roundings (every rounding enumerated and one
    linear program, ``scipy.optimize.linprog``, over their weights; for larger landings column
    generation, with an integer program, ``scipy.optimize.milp``, pricing the next rounding) and
    picks one with probability equal to its weight, so ``E[X_h] = q_h`` by construction; with
    more than 20 fractional cells a cube-method flight phase first makes all but a few whole
    while keeping every margin's quota, and the decomposition lands the rest. ``"controlled"``
    is an integer program solved in stages (the margins' largest-remainder targets; closest to
    the quotas; earliest cells), each with a time limit.
    The methods page gives the proofs and the checks.

    Examples
    --------
    The bundled synthetic population, n by the 80%/5 rule (250 eligible cases give 100):

    >>> from importlib.resources import files
    >>> from sampling import read_cases
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> result = allocate(cases, "auto", seed=2026)
    >>> result.n, int(result.cells["allocated"].sum()), result.missed.empty
    (100, 100, True)
    >>> result.rounding.exact, round(float(result.cells["inclusion_probability"].min()), 9)
    (True, 0.4)
    >>> result.margins.query("variable == 'gender'")[["level", "quota", "floor", "allocated"]]
        level  quota  floor  allocated
    0  female   15.6     15         15
    1    male   84.4     84         85

    The deterministic controlled rounding never samples some cells (quota 0.4 rounds to 0):

    >>> allocate(cases, "auto", method="controlled").cases_without_chance
    4
    """
    import pandas as pd

    method = check_choice("method", method, METHODS, _HINTS)
    minimum_i = int(check_integer("minimum", minimum, minimum=1))
    seed_i = resolve_seed(seed) if method == "unbiased" else None
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
    return build_allocation(counts, codes, levels, names, size, method, minimum_i, seed_i)
