"""Power of the two-sample z-test, cases per round for a target power, and detectable change.

Two approximations, named by ``method``:

* ``"pooled"`` (default): R ``power.prop.test``. Under the null the variance uses the pooled
  proportion ``p = (n1 p1 + n2 p2) / (n1 + n2)``, under the alternative each group's own::

      power = Phi((|p1 - p2| - z_crit * s0) / s1)
      s0 = sqrt(p (1 - p) (f1 / n1 + f2 / n2))
      s1 = sqrt(p1 (1 - p1) f1 / n1 + p2 (1 - p2) f2 / n2)

* ``"arcsine"``: Cohen's effect size ``h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p2))``, whose estimate
  has variance ``f1 / n1 + f2 / n2``: ``power = Phi(|h| / sqrt(f1 / n1 + f2 / n2) - z_crit)``
  (R ``pwr::pwr.2p2n.test``, statsmodels ``NormalIndPower`` with ``strict=True``).

``f = (N - n) / (N - 1)`` is the finite population correction (1 without a population). A
two-sided power counts the far tail only with ``strict=True`` (R's ``strict = TRUE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice, check_fraction, format_value
from inspection_core.errors import ParameterError
from inspection_core.normal import ceil_guarded
from inspection_core.normal import critical_value as quantile
from inspection_core.result import Result

from ._inputs import check_alternative, check_flag, check_scalar_fraction, fpc, output, population
from ._inputs import whole as whole_numbers
from ._ztest import safe_ratio

__all__ = [
    "GroupSize",
    "power",
    "sample_size_per_group",
]

FloatArray = npt.NDArray[np.float64]

POWER_METHODS = ("pooled", "arcsine")
METHOD_NAMES = {
    "pooled": "pooled-null normal approximation (R power.prop.test)",
    "arcsine": "arcsine transformation (Cohen's h)",
}
DIRECTIONS = ("increase", "decrease")
# Relative tolerance when rounding n up: 76.00000000001 is 76.


def _power(
    n1: Any,
    n2: Any,
    p1: Any,
    p2: Any,
    *,
    alpha: float,
    alternative: str,
    method: str,
    strict: bool,
    f1: Any = 1.0,
    f2: Any = 1.0,
) -> FloatArray:
    """Power for broadcast float arrays (n may be fractional); inputs already validated."""
    from scipy.special import ndtr

    zc = quantile(alpha, alternative)
    v1, v2 = np.asarray(f1 / n1, dtype=float), np.asarray(f2 / n2, dtype=float)
    if method == "pooled":
        pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
        s0 = np.sqrt(pbar * (1.0 - pbar) * (v1 + v2))
        s1 = np.sqrt(p1 * (1.0 - p1) * v1 + p2 * (1.0 - p2) * v2)
        d = p1 - p2
    else:
        s0 = s1 = np.sqrt(v1 + v2)
        d = 2.0 * np.arcsin(np.sqrt(p1)) - 2.0 * np.arcsin(np.sqrt(p2))
    if alternative == "two-sided":
        up = ndtr(safe_ratio(np.abs(d) - zc * s0, s1))
        if strict:
            up = up + ndtr(safe_ratio(-np.abs(d) - zc * s0, s1))
        return np.asarray(up, dtype=float)
    signed = d if alternative == "greater" else -d
    return np.asarray(ndtr(safe_ratio(signed - zc * s0, s1)), dtype=float)


def _check_method(method: Any) -> str:
    return check_choice("method", method, POWER_METHODS, {"normal": "pooled", "cohen": "arcsine"})


def power(
    n1: Any,
    n2: Any,
    p1: Any,
    p2: Any,
    *,
    alpha: float = 0.1,
    alternative: str = "two-sided",
    method: str = "pooled",
    strict: bool = False,
    population_size1: Any = None,
    population_size2: Any = None,
) -> Any:
    """Power of the two-sample z-test to detect a change from ``p2`` to ``p1``.

    Parameters
    ----------
    n1, n2 : int or array_like
        Cases in group 1 (current round) and group 2 (previous round), at least 1.
    p1, p2 : float or array_like
        The true proportions to tell apart (fractions strictly between 0 and 1).
    alpha : float, default 0.1
        Significance level of the test.
    alternative : {'two-sided', 'greater', 'less'}, default 'two-sided'
        As in :func:`ztest`; ``'greater'`` has power against p1 > p2 only.
    method : {'pooled', 'arcsine'}, default 'pooled'
        ``'pooled'`` is R ``power.prop.test``; ``'arcsine'`` uses Cohen's h.
    strict : bool, default False
        Add the probability of rejecting in the wrong direction (two-sided only), as R's
        ``strict = TRUE``. The default matches R's default.
    population_size1, population_size2 : int, array_like or None, default None
        Eligible populations, for the finite population correction on each group's variance.

    Returns
    -------
    float or ndarray
        The power; an array for array input.

    Raises
    ------
    ValueError
        n below 1 or fractional, a proportion or alpha outside (0, 1), an unknown alternative or
        method, or a population smaller than its sample.

    Notes
    -----
    See the module notes for the formulas. With ``n1 = n2`` and no population, ``method='pooled'``
    is exactly R's ``power.prop.test(n, p1, p2, sig.level = alpha)$power``.

    Examples
    --------
    With 100 cases a round, a rise from 65% to 74% is detected two times in five:

    >>> round(power(100, 100, 0.74, 0.65), 4)
    0.3959
    >>> round(power(100, 100, 0.74, 0.65, population_size1=250, population_size2=250), 4)
    0.5544
    """
    alpha = check_scalar_fraction("alpha", alpha)
    alternative = check_alternative(alternative)
    method = _check_method(method)
    strict = check_flag("strict", strict)
    n1a = whole_numbers("n1", n1, 1)
    n2a = whole_numbers("n2", n2, 1)
    p1a = check_fraction("p1", p1)
    p2a = check_fraction("p2", p2)
    big1 = population("population_size1", population_size1, "n1", n1a)
    big2 = population("population_size2", population_size2, "n2", n2a)
    scalar = all(np.ndim(v) == 0 for v in (n1, n2, p1, p2, population_size1, population_size2))
    result = _power(
        n1a,
        n2a,
        p1a,
        p2a,
        alpha=alpha,
        alternative=alternative,
        method=method,
        strict=strict,
        f1=fpc(n1a, big1),
        f2=fpc(n2a, big2),
    )
    return output(result, scalar)


@dataclass(frozen=True)
class GroupSize(Result):
    """Cases per round needed to detect a change with a given power.

    Attributes
    ----------
    n_per_group : int or ndarray
        Cases in each round, rounded up once at the end (and at most the population).
    n_unrounded : float or ndarray
        The exact solution before rounding (R ``power.prop.test``'s ``n``, without a population).
    n0 : float or ndarray
        The solution for an infinite population; ``n_unrounded = n0 N / (n0 + N - 1)``.
    achieved_power : float or ndarray
        Power at ``n_per_group``.
    p1, p2, alpha, power : float or ndarray
        The inputs.
    alternative, method : str
        The test's alternative and the power approximation in words.
    population_size : int, None or ndarray
        Eligible population of each round (``None``: no correction).
    """

    n_per_group: Any
    n_unrounded: Any
    n0: Any
    achieved_power: Any
    p1: Any
    p2: Any
    alpha: float
    power: float
    alternative: str
    method: str
    population_size: Any = None

    def summary(self) -> str:
        """The size in a sentence."""
        if np.ndim(self.n_per_group):
            return f"Cases per round for {np.size(self.n_per_group)} settings ({self.method})."
        return (
            f"Inspect {self.n_per_group} cases in each round to detect {100 * self.p2:.1f}% -> "
            f"{100 * self.p1:.1f}% with power {self.power:g} at alpha = {self.alpha:g} "
            f"({self.alternative}); achieved power {self.achieved_power:.3f}."
        )


def sample_size_per_group(
    p1: Any,
    p2: Any,
    *,
    power: float = 0.8,
    alpha: float = 0.1,
    alternative: str = "two-sided",
    method: str = "pooled",
    strict: bool = False,
    population_size: Any = None,
) -> GroupSize:
    """Cases needed in each round for the z-test to detect ``p2 -> p1`` with a given power.

    Parameters
    ----------
    p1, p2 : float or array_like
        The proportions to tell apart (current, previous), strictly between 0 and 1.
    power : float, default 0.8
        Target power, strictly between 0 and 1.
    alpha : float, default 0.1
        Significance level.
    alternative : {'two-sided', 'greater', 'less'}, default 'two-sided'
        The test's alternative. A one-sided test must point the way the change goes.
    method : {'pooled', 'arcsine'}, default 'pooled'
        As in :func:`power`.
    strict : bool, default False
        Count both tails of a two-sided test (R ``strict = TRUE``).
    population_size : int, array_like or None, default None
        Eligible population of each round (taken as equal), for the finite population correction.

    Returns
    -------
    GroupSize
        ``n_per_group`` and each stage of the calculation.

    Raises
    ------
    ValueError
        Equal proportions, a one-sided alternative against the change's direction, fractions
        outside (0, 1), or an unknown alternative or method.

    Notes
    -----
    Power depends on n only through ``f / n = (N - n) / ((N - 1) n)``, so the solution ``n0`` for
    an infinite population gives ``n = n0 N / (n0 + N - 1)`` exactly. Without ``strict``,
    ``n0 = (z_crit sqrt(2 p (1 - p)) + z_power sqrt(p1 (1 - p1) + p2 (1 - p2)))**2 / (p1 - p2)**2``
    with ``p = (p1 + p2) / 2`` (pooled) and ``n0 = 2 ((z_crit + z_power) / h)**2`` (arcsine).

    Examples
    --------
    Cases per round to detect 65% -> 74% four times in five, then from eligible populations of
    400 a round:

    >>> result = sample_size_per_group(0.74, 0.65)
    >>> result.n_per_group, round(result.n_unrounded, 2)
    (323, 322.54)
    >>> sample_size_per_group(0.74, 0.65, population_size=400).n_per_group
    179
    """
    from scipy.optimize import brentq
    from scipy.special import ndtri

    alpha = check_scalar_fraction("alpha", alpha)
    target = check_scalar_fraction("power", power)
    alternative = check_alternative(alternative)
    method = _check_method(method)
    strict = check_flag("strict", strict)
    p1a, p2a = np.broadcast_arrays(check_fraction("p1", p1), check_fraction("p2", p2))
    if np.any(p1a == p2a):
        raise ParameterError(
            "p1",
            f"and {{p2}} must differ; got both {format_value(p1a[p1a == p2a][0])}",
            refs=["p2"],
        )
    wrong = {"greater": p1a < p2a, "less": p1a > p2a}.get(alternative)
    if wrong is not None and wrong.any():
        raise ValueError(
            f"alternative={alternative!r} cannot detect a change from p2 to p1 in the other "
            "direction; swap p1 and p2 or use alternative='two-sided'"
        )
    scalar = all(np.ndim(v) == 0 for v in (p1, p2, population_size))
    zc, zb = quantile(alpha, alternative), float(ndtri(target))
    if method == "pooled":
        pbar = (p1a + p2a) / 2.0
        root = zc * np.sqrt(2.0 * pbar * (1.0 - pbar)) + zb * np.sqrt(
            p1a * (1.0 - p1a) + p2a * (1.0 - p2a)
        )
        n0 = root**2 / (p1a - p2a) ** 2
    else:
        h = 2.0 * np.arcsin(np.sqrt(p1a)) - 2.0 * np.arcsin(np.sqrt(p2a))
        n0 = 2.0 * ((zc + zb) / h) ** 2
    n0 = np.asarray(n0, dtype=float)
    if strict and alternative == "two-sided":
        n0 = n0.copy()
        for idx in np.ndindex(n0.shape):
            a, b = float(p1a[idx]), float(p2a[idx])

            def gap(n: float, a: float = a, b: float = b) -> float:
                value = _power(
                    n, n, a, b, alpha=alpha, alternative=alternative, method=method, strict=True
                )
                return float(value) - target

            if gap(1e-9) < 0:
                n0[idx] = brentq(gap, 1e-9, float(n0[idx]), xtol=1e-12, rtol=1e-14)
    n0 = np.maximum(n0, 1.0)  # a power reached with fewer than 1 case still needs 1
    big = None
    if population_size is not None:
        big = population("population_size", population_size, "n", np.ones_like(n0))
    if big is None:
        n_unrounded = n0
    else:
        with np.errstate(invalid="ignore"):
            n_unrounded = np.where(np.isinf(big), n0, n0 * big / (n0 + big - 1.0))
    n_unrounded = np.asarray(n_unrounded, dtype=float)
    n = ceil_guarded(n_unrounded)
    if big is not None:
        n = np.minimum(n, big)
    fz = fpc(n, big)
    achieved = _power(
        n,
        n,
        p1a,
        p2a,
        alpha=alpha,
        alternative=alternative,
        method=method,
        strict=strict,
        f1=fz,
        f2=fz,
    )
    pop: Any = big
    if big is not None and scalar:
        pop = None if np.isinf(big) else int(big)
    return GroupSize(
        n_per_group=int(n) if scalar else n.astype(np.int64),
        n_unrounded=output(n_unrounded, scalar),
        n0=output(n0, scalar),
        achieved_power=output(achieved, scalar),
        p1=output(p1a, scalar),
        p2=output(p2a, scalar),
        alpha=alpha,
        power=target,
        alternative=alternative,
        method=METHOD_NAMES[method] + ("" if big is None else ", finite population correction"),
        population_size=pop,
    )
