"""Minimum detectable difference: how big a change must be before the z-test could find it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from inspection_core.checks import check_choice, check_fraction
from inspection_core.deferred import is_array, numpy_later
from inspection_core.errors import ParameterError

from ._inputs import (
    check_alternative,
    check_flag,
    check_scalar_fraction,
    fpc,
    output,
    population,
    warn_census,
)
from ._inputs import whole as whole_numbers
from ._power import DIRECTIONS, METHOD_NAMES, PLAIN, _check_method, _power
from ._shape import SignificanceResult, index_of
from ._solve import bisect

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np

    from ._power import FloatArray
else:
    np = numpy_later(globals())

__all__ = ["DetectableDifference", "minimum_detectable_difference"]


@dataclass(frozen=True)
class DetectableDifference(SignificanceResult):
    """The smallest change from a baseline that the z-test detects with a given power.

    Attributes
    ----------
    difference : float or ndarray
        ``detectable_rate - baseline`` as a proportion (0.156 is 15.6 points; negative for a
        decrease; NaN when no rate in that direction is detectable).
    detectable_rate : float or ndarray
        The rate the current round must reach (as a fraction).
    baseline : float or ndarray
        The previous round's rate (group 2).
    n1, n2 : int or ndarray
        Cases in the current and previous round.
    alpha, power : float
        Significance level and target power.
    alternative : str
        The test's alternative.
    direction : str
        ``'increase'`` or ``'decrease'``.
    method : str
        The power approximation in words.
    census : bool or ndarray
        Both rounds inspected every eligible case (n = N) under the finite population
        correction: no sampling error, so any change at all is detected (``difference`` 0).
    """

    difference: Any
    detectable_rate: Any
    baseline: Any
    n1: Any
    n2: Any
    alpha: float
    power: float
    alternative: str
    direction: str
    method: str
    census: Any = False

    def summary(self) -> str:
        """The detectable change in a sentence."""
        if is_array(self.difference):
            return f"Detectable changes for {np.size(self.difference)} settings ({self.method})."
        if self.census:
            return (
                f"Both rounds are censuses ({self.n1} and {self.n2} cases, every eligible one): "
                "with the finite population correction there is no sampling error, so any change "
                f"from {100 * self.baseline:.1f}% at all is detected."
            )
        if math.isnan(self.difference):
            return (
                f"No {self.direction} from {100 * self.baseline:.1f}% is detectable with power "
                f"{self.power:g} from {self.n1} and {self.n2} cases."
            )
        return (
            f"With {self.n1} and {self.n2} cases, a change from {100 * self.baseline:.1f}% is "
            f"detected with power {self.power:g} at alpha = {self.alpha:g} ({self.alternative}) "
            f"once the rate reaches {100 * self.detectable_rate:.1f}% "
            f"({100 * self.difference:+.1f} points)."
        )


def minimum_detectable_difference(
    n1: Any,
    n2: Any,
    baseline: Any,
    *,
    alpha: float = 0.1,
    power: float = 0.8,
    alternative: str = "two-sided",
    direction: str | None = None,
    method: str = "pooled",
    strict: bool = False,
    population_size1: Any = None,
    population_size2: Any = None,
) -> DetectableDifference:
    """Smallest change from ``baseline`` the z-test detects with the given power.

    Parameters
    ----------
    n1, n2 : int or array_like
        Cases in the current round (group 1) and the previous round (group 2).
    baseline : float or array_like
        The previous round's rate (p2), strictly between 0 and 1.
    alpha : float, default 0.1
        Significance level.
    power : float, default 0.8
        Target power.
    alternative : {'two-sided', 'greater', 'less'}, default 'two-sided'
        The test's alternative.
    direction : {'increase', 'decrease'} or None, default None
        Which way the rate moves. ``None`` means 'decrease' for ``alternative='less'`` and
        'increase' otherwise. The two directions differ because the variance depends on the rate.
    method : {'pooled', 'arcsine'}, default 'pooled'
        As in :func:`power`.
    strict : bool, default False
        Count both tails of a two-sided test.
    population_size1, population_size2 : int, array_like or None, default None
        Eligible populations, for the finite population correction.

    Returns
    -------
    DetectableDifference
        ``difference`` (a proportion) and ``detectable_rate``.

    Raises
    ------
    ValueError
        A direction the one-sided alternative cannot detect, and the errors of :func:`power`.

    Warns
    -----
    CensusWarning
        When a round is a census (n = N) under the finite population correction; with both
        rounds censuses any change is detected (``difference`` 0, ``census`` True).

    Notes
    -----
    Solves ``power(n1, n2, p1, baseline) = power`` for p1 above (or below) the baseline by
    bisection to the last bit, vectorised over every setting at once (each element gives the
    same bits as a scalar call). A direction where even 100% (or 0%) is not detectable gives NaN.

    Examples
    --------
    100 cases a round, baseline 65%, alpha 0.1 two-sided, power 0.8:

    >>> result = minimum_detectable_difference(100, 100, 0.65)
    >>> round(result.detectable_rate, 3), round(100 * result.difference, 1)
    (0.806, 15.6)
    >>> fall = minimum_detectable_difference(100, 100, 0.65, direction="decrease")
    >>> round(100 * fall.difference, 1)
    -17.3
    """
    if all(type(v) in PLAIN for v in (n1, n2, baseline, population_size1, population_size2)):
        from ._scalar_power import detectable_scalar  # one setting: pure Python, the same bits

        fast = detectable_scalar(
            n1, n2, baseline, alpha=alpha, power=power, alternative=alternative,
            direction=direction, method=method, strict=strict,
            population_size1=population_size1, population_size2=population_size2,
        )  # fmt: skip
        if fast is not None:
            return fast  # type: ignore[no-any-return]
    alpha = check_scalar_fraction("alpha", alpha)
    target = check_scalar_fraction("power", power)
    alternative = check_alternative(alternative)
    method = _check_method(method)
    strict = check_flag("strict", strict)
    if direction is None:
        direction = "decrease" if alternative == "less" else "increase"
    direction = check_choice(
        "direction", direction, DIRECTIONS, {"up": "increase", "down": "decrease"}
    )
    other = "increase" if direction == "decrease" else "decrease"
    if (alternative, direction) in {("greater", "decrease"), ("less", "increase")}:
        raise ParameterError(
            "direction",
            f"{direction!r} cannot be detected by {{alternative}} {alternative!r}; use "
            f"{{alternative}} 'two-sided' or {{direction}} {other!r}",
            refs=["alternative"],
        )
    n1a = whole_numbers("n1", n1, 1)
    n2a = whole_numbers("n2", n2, 1)
    base = check_fraction("baseline", baseline)
    big1 = population("population_size1", population_size1, "n1", n1a)
    big2 = population("population_size2", population_size2, "n2", n2a)
    scalar = all(np.ndim(v) == 0 for v in (n1, n2, baseline, population_size1, population_size2))
    n1b, n2b, b = np.broadcast_arrays(n1a, n2a, base)
    f1 = np.broadcast_to(fpc(n1a, big1), b.shape)
    f2 = np.broadcast_to(fpc(n2a, big2), b.shape)
    end = np.full(b.shape, 1.0 if direction == "increase" else 0.0)

    def gap(p1: FloatArray) -> FloatArray:
        value = _power(
            n1b, n2b, p1, b, alpha=alpha, alternative=alternative, method=method, strict=strict,
            f1=f1, f2=f2,
        )  # fmt: skip
        return value - target

    # Vectorised bisection from the baseline towards 100% (or 0%), to the last bit.
    rate = bisect(gap, b, end)
    rate = np.where(gap(b) >= 0, b, rate)  # reached with no change at all (a tiny target)
    census = np.zeros(b.shape, dtype=bool)
    if big1 is not None or big2 is not None:
        census = np.broadcast_to(
            warn_census([("round 1", n1b, big1), ("round 2", n2b, big2)]), b.shape
        )
        rate = np.where(census, b, rate)  # no sampling error: any change at all is detected
    rate = np.where(gap(end) < 0, np.nan, rate)  # not detectable even at 100% (or 0%)
    as_int = (lambda v: int(v)) if scalar else (lambda v: v.astype(np.int64))
    return DetectableDifference(
        difference=output(rate - b, scalar),
        detectable_rate=output(rate, scalar),
        baseline=output(b, scalar),
        n1=as_int(n1b),
        n2=as_int(n2b),
        alpha=alpha,
        power=target,
        alternative=alternative,
        direction=direction,
        method=METHOD_NAMES[method]
        + ("" if big1 is None and big2 is None else ", finite population correction"),
        census=output(np.asarray(census), scalar),
        index=index_of(n1, n2, baseline),
    )
