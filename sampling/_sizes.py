"""Sample size for a proportion, margin of error of a sample, and the population a size implies."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from inspection_core.checks import (
    LARGEST_WHOLE,
    check_choice,
    check_confidence_level,
    check_fraction,
    check_integer,
    check_population_size,
    check_proportion,
    format_value,
    is_fraction,
    is_number,
    is_whole,
)
from inspection_core.deferred import is_array, numpy_later
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.normal import ceil_guarded, ceil_guarded_scalar, fpc_scalar, z_scalar, z_value
from inspection_core.result import Result

from ._intervals import METHODS, half_width, normal_half_width, smallest_n

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = [
    "ImpliedPopulation",
    "NormalApproximationWarning",
    "SampleSize",
    "implied_population",
    "margin_of_error",
    "sample_size",
]


MAX_DESIGN_EFFECT = 1000.0
"""Largest design effect accepted (practical ones are below 10)."""


def _population_array(population_size: Any) -> FloatArray:
    """``None`` (or an array entry of ``None``/``inf``) means infinite; else a whole number >= 1."""
    if population_size is None:
        return np.asarray(np.inf)
    if isinstance(population_size, str | bytes | bool | np.bool_):
        check_population_size(population_size)  # raises the usual TypeError
    try:
        arr = np.asarray(population_size, dtype=object if np.ndim(population_size) else None)
    except ValueError:  # ragged nesting
        check_population_size(population_size)
        raise
    if arr.ndim:
        if arr.size == 0:
            raise ParameterError("population_size", "must not be empty; got an empty array")
        items = arr.ravel().tolist()
        if any(isinstance(v, str | bytes | bool | np.bool_) for v in items):
            raise ParameterTypeError(
                "population_size", f"must be whole numbers or None; got {population_size!r}"
            )
        try:
            values = np.array([np.inf if v is None else v for v in items], dtype=float).reshape(
                arr.shape
            )
        except (TypeError, ValueError):
            raise ParameterTypeError(
                "population_size", f"must be whole numbers or None; got {population_size!r}"
            ) from None
        infinite = np.isposinf(values)
        if not infinite.all():
            check_population_size(values[~infinite])  # refuses NaN and -inf too
        return values
    return check_population_size(population_size)


def _scalar_or_array(value: FloatArray, scalar: bool, kind: type = float) -> Any:
    if scalar:
        item = value.item()
        if kind is int:
            return int(item)
        if value.dtype.kind == "f" and math.isinf(item) and kind is object:
            return None
        return kind(item)
    return value.astype(np.int64) if kind is int else value


@dataclass(frozen=True)
class SampleSize(Result):
    """Sample size for estimating a proportion, with every stage of the calculation kept.

    Attributes
    ----------
    n : int or ndarray
        Cases to inspect: the final whole number, never above the population.
    n0 : float or ndarray
        Size for an infinite population. For ``method="normal"`` the unrounded
        ``design_effect * z**2 p (1 - p) / e**2``; for ``"wilson"`` and ``"exact"`` the smallest
        whole n that meets the margin without a finite population.
    n_unrounded : float or ndarray
        ``n0 N / (n0 + N - 1)`` before rounding up (``method="normal"`` only; NaN otherwise).
    population_size : int, None or ndarray
        Eligible population (``None``, or ``inf`` in arrays, for infinite).
    margin_of_error, confidence_level, proportion, design_effect : float or ndarray
        The inputs.
    method : str
        ``"normal"``, ``"wilson"`` or ``"exact"``.
    z : float or ndarray
        Two-sided standard normal quantile for ``confidence_level``.
    achieved_margin : float or ndarray
        Half-width of the interval at the final ``n`` under ``method``.
    """

    n: Any
    n0: Any
    n_unrounded: Any
    population_size: Any
    margin_of_error: Any
    confidence_level: Any
    proportion: Any
    design_effect: Any
    method: str
    z: Any
    achieved_margin: Any

    def summary(self) -> str:
        """State the sample size in a sentence (one per row for array results)."""
        if is_array(self.n):
            return f"Sample sizes for {np.size(self.n)} settings ({self.method} method)."
        pop = (
            "an infinite population"
            if self.population_size is None
            else f"an eligible population of {self.population_size}"
        )
        return (
            f"Inspect {self.n} cases for a margin of error of +/-{100 * self.margin_of_error:.3g} "
            f"points at {100 * self.confidence_level:.3g}% confidence from {pop} "
            f"({self.method} method); the achieved margin is "
            f"+/-{100 * self.achieved_margin:.2f} points."
        )


def sample_size(
    population_size: Any = None,
    *,
    margin_of_error: Any = 0.05,
    confidence_level: Any = 0.80,
    proportion: Any = 0.5,
    method: str = "normal",
    design_effect: Any = 1.0,
) -> SampleSize:
    """Number of cases needed to estimate a proportion within a margin of error.

    Parameters
    ----------
    population_size : int, array_like or None, default None
        Eligible population N. ``None`` means infinite (no finite population correction);
        in an array, ``None`` or ``inf`` entries mean infinite.
    margin_of_error : float or array_like, default 0.05
        Target half-width of the confidence interval, as a fraction (0.05 is +/-5 points).
    confidence_level : float or array_like, default 0.80
        Two-sided confidence level, as a fraction.
    proportion : float or array_like, default 0.5
        Expected proportion; 0.5 is the most cautious choice and the published rule's.
    method : {"normal", "wilson", "exact"}, default "normal"
        ``"normal"`` is the published rule (Cochran with finite population correction).
        ``"wilson"`` and ``"exact"`` return the smallest n whose Wilson or exact
        (hypergeometric / Clopper-Pearson) interval half-width stays within the margin.
    design_effect : float or array_like, default 1.0
        Multiplies ``n0`` before the finite population correction (``method="normal"`` only),
        for designs less efficient than simple random sampling (e.g. cases clustered by officer).

    Returns
    -------
    SampleSize
        ``n`` and every stage (``n0``, ``n_unrounded``), the inputs, ``z`` and the
        ``achieved_margin``. Fields are arrays when any input is an array.

    Raises
    ------
    ValueError
        A fraction outside (0, 1) or within 1e-12 of either end (with a hint when a percentage
        was given), a population that is not a whole number from 1 to 2**53, an unknown method,
        a design effect outside 1 to 1000, or a margin so small that an infinite population
        would need more than 2**53 cases.
    TypeError
        A non-numeric input.

    Notes
    -----
    ``n0 = deff z^2 p (1 - p) / e^2``, ``n = n0 N / (n0 + N - 1)``, rounded up once at the end
    (values within a relative 1e-10 of a whole number are not pushed up by float noise) and capped
    at N. ``z = ndtri((1 + confidence_level) / 2)``: 1.2815515655446004 at 80%. This is the form
    used by Raosoft, OpenEpi, Epi Info StatCalc and R ``PracTools::nProp`` (see docs/methods.md).

    Examples
    --------
    The published rule (+/-5 points at 80% confidence) for an eligible population of 250:

    >>> result = sample_size(250)
    >>> result.n, round(result.n0, 2), round(result.achieved_margin, 4)
    (100, 164.24, 0.0497)

    Without a population the rule gives 165; a planning curve comes from one call:

    >>> sample_size().n
    165
    >>> sample_size([50, 250, 500, None]).n
    array([ 39, 100, 124, 165])
    """
    fast = sample_size_scalar(
        population_size, margin_of_error, confidence_level, proportion, method, design_effect
    )
    if fast is not None:  # plain numbers, the published rule: pure Python, the same result
        return fast
    method = check_choice("method", method, METHODS)
    pop = _population_array(population_size)
    e = check_fraction("margin_of_error", margin_of_error)
    if np.any(e >= 0.5):
        raise ParameterError(
            "margin_of_error",
            "must be below 0.5: an interval for a proportion lies within 0 to 1, so no "
            f"margin reaches 0.5; got {format_value(np.ravel(e[e >= 0.5])[0])}",
        )
    c = check_confidence_level(confidence_level)
    p = check_proportion(proportion)
    deff = _design_effect(design_effect)
    if method != "normal" and np.any(deff != 1):
        raise ParameterError(
            "design_effect", f"applies to method='normal' only; got method={method!r}"
        )

    scalar = all(
        np.ndim(v) == 0
        for v in (population_size, margin_of_error, confidence_level, proportion, design_effect)
    )
    pop, e, c, p, deff = np.broadcast_arrays(pop, e, c, p, deff)
    z = z_value(c)
    if method == "normal":
        with np.errstate(over="ignore"):
            n0 = deff * z**2 * p * (1 - p) / e**2
        _check_countable(n0, pop, e)
        with np.errstate(invalid="ignore"):  # inf / inf for an infinite population, not used
            n_unrounded = np.where(
                np.isinf(pop), n0, np.where(np.isinf(n0), pop, n0 * pop / (n0 + pop - 1))
            )
        n = np.maximum(np.minimum(ceil_guarded(n_unrounded), pop), 1)  # at least one case
        achieved = half_width_many("normal", n, c, p, pop) * np.sqrt(deff)
        _warn_outside_range(n, e, c, p, pop)
    else:
        n_unrounded = np.full(pop.shape, np.nan)
        n = np.empty(pop.shape)
        n0 = np.empty(pop.shape)
        for idx in np.ndindex(pop.shape):
            n[idx], n0[idx] = smallest_n(
                method,
                margin_of_error=float(e[idx]),
                confidence_level=float(c[idx]),
                proportion=float(p[idx]),
                population_size=float(pop[idx]),
            )
        achieved = half_width_many(method, n, c, p, pop)
    return SampleSize(
        n=_scalar_or_array(n, scalar, int),
        n0=_scalar_or_array(np.asarray(n0, dtype=float), scalar),
        n_unrounded=_scalar_or_array(np.asarray(n_unrounded, dtype=float), scalar),
        population_size=(
            (None if np.isinf(pop.item()) else int(pop.item())) if scalar else pop.copy()
        ),
        margin_of_error=_scalar_or_array(e, scalar),
        confidence_level=_scalar_or_array(c, scalar),
        proportion=_scalar_or_array(p, scalar),
        design_effect=_scalar_or_array(deff, scalar),
        method=method,
        z=_scalar_or_array(np.asarray(z, dtype=float), scalar),
        achieved_margin=_scalar_or_array(np.asarray(achieved, dtype=float), scalar),
    )


def _design_effect(design_effect: Any) -> FloatArray:
    """A design effect (or array of them) from 1 to :data:`MAX_DESIGN_EFFECT`."""
    valid = f"a number from 1 to {MAX_DESIGN_EFFECT:g}"
    if isinstance(design_effect, str | bytes | bool | np.bool_) or design_effect is None:
        raise ParameterTypeError("design_effect", f"must be {valid}; got {design_effect!r}")
    try:
        deff = np.asarray(design_effect, dtype=float)
    except (TypeError, ValueError):
        raise ParameterTypeError(
            "design_effect", f"must be {valid}; got {design_effect!r}"
        ) from None
    if deff.size == 0:
        raise ParameterError("design_effect", "must not be empty; got an empty array")
    bad = ~((deff >= 1) & (deff <= MAX_DESIGN_EFFECT))
    if bad.any():
        first = deff[bad].flat[0] if deff.ndim else deff.item()
        raise ParameterError("design_effect", f"must be {valid}; got {format_value(first)}")
    return deff


def _check_countable(n0: FloatArray, pop: FloatArray, e: FloatArray) -> None:
    """Refuse an infinite population whose n0 is beyond counting (more than 2**53 cases)."""
    n0_b, pop_b, e_b = np.broadcast_arrays(n0, pop, e)
    huge = np.isinf(pop_b) & ~(n0_b <= LARGEST_WHOLE)
    if huge.any():
        i = np.flatnonzero(huge.ravel())[0]
        raise ParameterError(
            "margin_of_error",
            "is too small to size a sample from an infinite population: "
            f"{format_value(e_b.ravel()[i])} needs {float(n0_b.ravel()[i]):.3g} cases (more "
            "than 2**53); give a population size or a larger margin",
        )


class NormalApproximationWarning(UserWarning):
    """The normal rule's n is too small for its own approximation (n p or n (1 - p) below 5).

    Its interval's half-width is then not the margin it promises; the message gives the Wilson
    and exact sizes for the same setting.
    """


SMALL_EXPECTED = 5.0  # the rule of five: n p and n (1 - p) at least 5


def _warn_outside_range(
    n: FloatArray, e: FloatArray, c: FloatArray, p: FloatArray, pop: FloatArray
) -> None:
    """Warn where the normal rule's sample has n p or n (1 - p) below 5 (and is not a census)."""
    rough = (n * np.minimum(p, 1 - p) < SMALL_EXPECTED) & (n < pop)
    if not rough.any():
        return
    i = np.flatnonzero(rough.ravel())[0]
    p_i, n_i, pop_i = float(p.ravel()[i]), float(n.ravel()[i]), float(pop.ravel()[i])
    scope = "" if rough.size == 1 else f" (in {int(rough.sum())} of {rough.size} settings)"
    warnings.warn(outside_range_text(n_i, p_i, pop_i, scope), NormalApproximationWarning, 3)


def outside_range_text(n: float, p: float, population_size: float, scope: str = "") -> str:
    """The :class:`NormalApproximationWarning` text for n cases at proportion p (both paths)."""
    where = "" if math.isinf(population_size) else f" from {int(population_size)}"
    return (
        f"the normal rule's n = {int(n)}{where} at proportion {p:g} has n p or n (1 - p) "
        f"= {n * min(p, 1 - p):.3g}, below 5{scope}: its normal interval is too rough to "
        "promise the margin; size it with method='wilson' or method='exact' (the one with a "
        "guaranteed coverage)"
    )


def half_width_many(
    method: str, n: FloatArray, c: FloatArray, p: FloatArray, pop: FloatArray
) -> FloatArray:
    """Half-width for broadcast arrays of n, confidence level, proportion and population."""
    n, c, p, pop = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, c, p, pop)))
    if method == "normal":
        return normal_half_width(n, z_value(c), p, pop)
    out = np.empty(n.shape)
    for idx in np.ndindex(n.shape):
        out[idx] = half_width(
            method,
            np.array([int(n[idx])]),
            confidence_level=float(c[idx]),
            proportion=float(p[idx]),
            population_size=float(pop[idx]),
        )[0]
    return out


def margin_of_error(
    n: Any,
    population_size: Any = None,
    *,
    confidence_level: Any = 0.80,
    proportion: Any = 0.5,
    method: str = "normal",
) -> Any:
    """Margin of error (interval half-width) of a proportion estimated from n cases.

    Parameters
    ----------
    n : int or array_like
        Cases in the sample or sub-sample (whole numbers of at least 1).
    population_size : int, array_like or None, default None
        Cases in the population the (sub-)sample was drawn from; ``None`` means infinite.
    confidence_level : float or array_like, default 0.80
        Two-sided confidence level, as a fraction.
    proportion : float or array_like, default 0.5
        Proportion at which to evaluate the margin; 0.5 gives the largest (worst-case) margin.
    method : {"normal", "wilson", "exact"}, default "normal"
        Interval family, as in :func:`sample_size`.

    Returns
    -------
    float or ndarray
        The margin as a fraction (0.0497 is +/-4.97 points); an array for array input.

    Raises
    ------
    ValueError
        n not a whole number of at least 1, n above the population, or a fraction outside (0, 1).

    Notes
    -----
    Normal method: ``z * sqrt(p (1 - p) / n * (N - n) / (N - 1))``, zero when every case is
    inspected (n = N).

    Examples
    --------
    A whole sample of 100 from 250 eligible cases, and the 13 women sampled from 33:

    >>> round(margin_of_error(100, 250), 4)
    0.0497
    >>> round(margin_of_error(13, 33), 4)
    0.1405
    """
    fast = margin_scalar(n, population_size, confidence_level, proportion, method)
    if fast is not None:  # plain numbers, the normal interval: pure Python, the same double
        return fast
    method = check_choice("method", method, METHODS)
    n_arr = check_integer("n", n, minimum=1, what="a whole number of at least 1")
    pop = _population_array(population_size)
    c = check_confidence_level(confidence_level)
    p = check_proportion(proportion)
    n_b, pop_b = np.broadcast_arrays(n_arr, pop)
    over = n_b > pop_b
    if over.any():
        i = np.flatnonzero(over.ravel())[0]
        got_n, got_pop = format_value(n_b.ravel()[i]), format_value(pop_b.ravel()[i])
        raise ParameterError(
            "n",
            f"must not exceed {{population_size}}; got {{n}} = {got_n} with "
            f"{{population_size}} = {got_pop}",
            refs=["population_size"],
        )
    scalar = all(np.ndim(v) == 0 for v in (n, population_size, confidence_level, proportion))
    out = half_width_many(method, n_arr, c, p, pop)
    return float(out) if scalar else out


@dataclass(frozen=True)
class ImpliedPopulation(Result):
    """Eligible populations for which the normal rule gives a published sample size.

    Attributes
    ----------
    n : int
        The published sample size.
    population_size : float
        Continuous solution of ``n = n0 N / (n0 + N - 1)`` for N (``inf`` when n >= n0).
    smallest, largest : int
        Range of whole populations for which the rule gives exactly ``n`` (``largest`` is
        ``None`` when every larger population also gives ``n``).
    margin_of_error, confidence_level, proportion : float
        The rule's inputs.
    """

    n: int
    population_size: float
    smallest: int
    largest: int | None
    margin_of_error: float
    confidence_level: float
    proportion: float

    def summary(self) -> str:
        """State the implied population in a sentence."""
        upper = "any larger" if self.largest is None else f"{self.largest}"
        about = (
            "an infinite population"
            if math.isinf(self.population_size)
            else f"an eligible population of about {self.population_size:.1f}"
        )
        return (
            f"A sample of {self.n} implies {about}: populations from {self.smallest} to {upper} "
            f"give {self.n} under the +/-{100 * self.margin_of_error:.3g} point, "
            f"{100 * self.confidence_level:.3g}% rule."
        )


def implied_population(
    n: int,
    *,
    margin_of_error: float = 0.05,
    confidence_level: float = 0.80,
    proportion: float = 0.5,
) -> ImpliedPopulation:
    """Eligible population implied by a published sample size under the normal rule.

    Parameters
    ----------
    n : int
        Published sample size (a whole number of at least 1).
    margin_of_error, confidence_level, proportion : float
        The rule, as in :func:`sample_size`.

    Returns
    -------
    ImpliedPopulation
        The continuous solution and the range of whole populations that give ``n``.

    Raises
    ------
    ValueError
        If no population gives ``n`` (n above the infinite-population size), or bad inputs.

    Notes
    -----
    Inverting ``n = n0 N / (n0 + N - 1)`` gives ``N = n (n0 - 1) / (n0 - n)``. The whole-number
    range is then confirmed with :func:`sample_size` itself, so the two functions cannot disagree.

    Examples
    --------
    >>> r = implied_population(100)
    >>> round(r.population_size, 1), r.smallest, r.largest
    (254.1, 248, 254)
    """
    if not is_whole(n, 1):  # plain whole numbers need no numpy to check
        check_integer("n", n, minimum=1, what="a whole number of at least 1")
        if np.ndim(n):
            raise ParameterTypeError("n", f"must be a single whole number; got {n!r}")
    n = int(n)
    rule: dict[str, Any] = {
        "margin_of_error": margin_of_error,
        "confidence_level": confidence_level,
        "proportion": proportion,
    }
    infinite = sample_size(None, **rule)
    n0 = float(infinite.n0)
    if n > infinite.n:
        raise ParameterError(
            "n",
            f"must be at most {infinite.n} under this rule (its size for an infinite "
            f"population); got {n}",
        )

    def size_at(big_n: int) -> int:
        return int(sample_size(big_n, **rule).n)

    continuous = math.inf if n >= n0 else n * (n0 - 1) / (n0 - n)
    # Start from the continuous solutions, then step to the exact whole-number edges.
    lower_guess = 1 if n == 1 else (n - 1) * (n0 - 1) / (n0 - n + 1)
    smallest = max(n, math.floor(lower_guess))
    while smallest > n and size_at(smallest - 1) >= n:
        smallest -= 1
    while size_at(smallest) < n:
        smallest += 1
    largest: int | None
    if math.isinf(continuous):
        largest = None
    else:
        largest = max(smallest, math.floor(continuous))
        while size_at(largest + 1) == n:
            largest += 1
        while size_at(largest) > n:
            largest -= 1
    return ImpliedPopulation(
        n=n,
        population_size=continuous,
        smallest=smallest,
        largest=largest,
        margin_of_error=float(infinite.margin_of_error),
        confidence_level=float(infinite.confidence_level),
        proportion=float(infinite.proportion),
    )


# --- plain numbers, the normal rule: pure Python (the command line's path) ---------------------
#
# sample_size and margin_of_error of plain Python numbers under the normal rule: the double
# operations the array code does, in its order, with the quantile from inspection_core._cephes
# (scipy's ndtri, step for step), so every field is the array code's bit for bit (tested). None
# for anything else: the array code then runs, and raises every error.


def _plain_population(value: Any) -> bool:
    return value is None or is_whole(value, 1)


def sample_size_scalar(
    population_size: Any,
    margin_of_error: Any,
    confidence_level: Any,
    proportion: Any,
    method: Any,
    design_effect: Any,
) -> SampleSize | None:
    """:func:`sample_size` of plain numbers by the normal rule, or None (the array code runs)."""
    covered = (
        type(method) is str
        and method == "normal"
        and _plain_population(population_size)
        and is_fraction(margin_of_error)
        and margin_of_error < 0.5
        and is_fraction(confidence_level)
        and is_fraction(proportion)
        and is_number(design_effect)
        and 1 <= design_effect <= MAX_DESIGN_EFFECT
    )
    if not covered:
        return None
    pop = math.inf if population_size is None else float(population_size)
    e, c, p, deff = (
        float(v) for v in (margin_of_error, confidence_level, proportion, design_effect)
    )
    z = z_scalar(c)
    try:
        n0 = deff * (z * z) * p * (1 - p) / (e * e)
    except OverflowError:  # pragma: no cover - fractions keep n0 far below the float range
        return None
    if math.isinf(pop) and not n0 <= LARGEST_WHOLE:
        return None  # the array code refuses it
    if math.isinf(pop):
        n_unrounded = n0
    elif math.isinf(n0):
        n_unrounded = pop
    else:
        n_unrounded = n0 * pop / (n0 + pop - 1)
    n = max(min(ceil_guarded_scalar(n_unrounded), pop), 1.0)
    achieved = _half_width(n, z, p, pop) * math.sqrt(deff)
    if n * min(p, 1 - p) < SMALL_EXPECTED and n < pop:
        warnings.warn(outside_range_text(n, p, pop), NormalApproximationWarning, 3)
    return SampleSize(
        n=int(n),
        n0=n0,
        n_unrounded=n_unrounded,
        population_size=None if math.isinf(pop) else int(pop),
        margin_of_error=e,
        confidence_level=c,
        proportion=p,
        design_effect=deff,
        method="normal",
        z=z,
        achieved_margin=achieved,
    )


def _half_width(n: float, z: float, p: float, pop: float) -> float:
    """``normal_half_width`` of one setting: ``z sqrt(p (1 - p) / n f)``."""
    return z * math.sqrt(p * (1 - p) / n * fpc_scalar(n, pop))


def margin_scalar(
    n: Any, population_size: Any, confidence_level: Any, proportion: Any, method: Any
) -> float | None:
    """:func:`margin_of_error` of plain numbers by the normal interval, or None."""
    covered = (
        type(method) is str
        and method == "normal"
        and is_whole(n, 1)
        and _plain_population(population_size)
        and (population_size is None or n <= population_size)
        and is_fraction(confidence_level)
        and is_fraction(proportion)
    )
    if not covered:
        return None
    pop = math.inf if population_size is None else float(population_size)
    return _half_width(float(n), z_scalar(float(confidence_level)), float(proportion), pop)
