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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice, check_fraction, format_value
from inspection_core.errors import ParameterError
from inspection_core.normal import ceil_guarded
from inspection_core.normal import critical_value as quantile

from ._inputs import (
    check_alternative,
    check_flag,
    check_scalar_fraction,
    fpc,
    fractions,
    output,
    population,
    warn_census,
)
from ._inputs import whole as whole_numbers
from ._shape import SignificanceResult, index_of
from ._ztest import safe_ratio

__all__ = [
    "GroupSize",
    "power",
    "sample_size_per_group",
]

FloatArray = npt.NDArray[np.float64]

DIRECTIONS = ("increase", "decrease")


def _pooled_terms(
    n1: Any, n2: Any, p1: Any, p2: Any, v1: FloatArray, v2: FloatArray
) -> tuple[Any, Any, Any]:
    """R ``power.prop.test``: pooled variance under the null, each group's own under the other.

    In place where it can be: this runs on a million settings at once.
    """
    pbar = n1 * p1
    pbar += n2 * p2
    pbar /= n1 + n2
    s0 = 1.0 - pbar
    s0 *= pbar
    s0 *= v1 + v2
    s1 = 1.0 - p1
    s1 *= p1
    s1 *= v1
    other = 1.0 - p2
    other *= p2
    other *= v2
    s1 += other
    return p1 - p2, _sqrt(s0), _sqrt(s1)


def _sqrt(x: Any) -> Any:
    return np.sqrt(x, out=x) if isinstance(x, np.ndarray) and x.ndim else np.sqrt(x)


def _arcsine_terms(
    n1: Any, n2: Any, p1: Any, p2: Any, v1: FloatArray, v2: FloatArray
) -> tuple[Any, Any, Any]:
    """Cohen's h, whose estimate has variance ``f1 / n1 + f2 / n2`` under both hypotheses."""
    s = np.sqrt(v1 + v2)
    return 2.0 * np.arcsin(np.sqrt(p1)) - 2.0 * np.arcsin(np.sqrt(p2)), s, s


def _pooled_per_case(p1: FloatArray, p2: FloatArray) -> tuple[Any, Any, Any]:
    """Equal groups: ``d = p1 - p2``, ``a = sqrt(2 pbar (1 - pbar))``, ``b = sqrt(p1 q1 + p2 q2)``.

    With n cases a group and factor f, ``s0 = a sqrt(f / n)`` and ``s1 = b sqrt(f / n)``.
    """
    two_pbar = p1 + p2
    a = 2.0 - two_pbar
    a *= two_pbar
    a *= 0.5  # 2 pbar (1 - pbar)
    b = p1 * p1
    b += p2 * p2
    np.subtract(two_pbar, b, out=b)  # p1 (1 - p1) + p2 (1 - p2) = p1 + p2 - p1**2 - p2**2
    return p1 - p2, _sqrt(a), _sqrt(b)


def _arcsine_per_case(p1: FloatArray, p2: FloatArray) -> tuple[Any, Any, Any]:
    """Equal groups: ``h`` has standard deviation ``sqrt(2 f / n)`` under both hypotheses."""
    h = 2.0 * np.arcsin(np.sqrt(p1)) - 2.0 * np.arcsin(np.sqrt(p2))
    root2 = np.full_like(h, np.sqrt(2.0))
    return h, root2, root2


class PowerMethod(NamedTuple):
    """One power approximation: its name in words, its terms for any groups and equal ones.

    ``terms(n1, n2, p1, p2, f1 / n1, f2 / n2)`` gives ``(d, s0, s1)``: the effect and its
    standard deviations under the null and the alternative. ``per_case(p1, p2)`` gives
    ``(d, a, b)`` for equal groups of n with factor f: ``s0 = a sqrt(f / n)``, ``s1 = b
    sqrt(f / n)``, so ``n0 = ((z_crit a + z_power b) / d)**2`` in closed form.
    """

    name: str
    terms: Callable[..., tuple[Any, Any, Any]]
    per_case: Callable[[FloatArray, FloatArray], tuple[Any, Any, Any]]


# Method dispatch by table: ``method=`` name -> implementation (the CLI lists the keys).
POWER_METHODS: dict[str, PowerMethod] = {
    "pooled": PowerMethod(
        "pooled-null normal approximation (R power.prop.test)", _pooled_terms, _pooled_per_case
    ),
    "arcsine": PowerMethod("arcsine transformation (Cohen's h)", _arcsine_terms, _arcsine_per_case),
}
METHOD_NAMES = {key: m.name for key, m in POWER_METHODS.items()}


def _equal_power(
    n: Any, f: Any, d: Any, a: Any, b: Any, zc: float, *, two_sided: bool, strict: bool
) -> FloatArray:
    """Power with n cases and factor f in each group, from :class:`PowerMethod` ``per_case``.

    ``d`` is signed in the tested direction (``|d|`` two-sided). ``ndtr((d sqrt(n / f) -
    z_crit a) / b)``, plus ``ndtr((-d sqrt(n / f) - z_crit a) / b)`` when ``strict``.
    """
    from scipy.special import ndtr

    if isinstance(f, float) and f == 1.0:
        near = np.sqrt(n)
    else:
        with np.errstate(divide="ignore"):
            near = _sqrt(np.divide(n, f))  # inf for a census (f = 0)
    near *= d
    za = zc * a
    far = -near if two_sided and strict else None
    near -= za
    near /= b
    out = ndtr(near)
    if far is not None:
        far -= za
        far /= b
        out += ndtr(far)
    return np.asarray(out, dtype=float)


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
    """Power for broadcast float arrays (n may be fractional); inputs already validated.

    Element-wise only (no reductions), so an array gives bit for bit the values of scalar calls.
    """
    from scipy.special import ndtr

    zc = quantile(alpha, alternative)
    v1, v2 = np.asarray(f1 / n1, dtype=float), np.asarray(f2 / n2, dtype=float)
    d, s0, s1 = POWER_METHODS[method].terms(n1, n2, p1, p2, v1, v2)
    if alternative == "two-sided":
        up = ndtr(safe_ratio(np.abs(d) - zc * s0, s1))
        if strict:
            up = up + ndtr(safe_ratio(-np.abs(d) - zc * s0, s1))
        out = np.asarray(up, dtype=float)
    else:
        signed = d if alternative == "greater" else -d
        out = np.asarray(ndtr(safe_ratio(signed - zc * s0, s1)), dtype=float)
    # A census of both rounds (no sampling error): nothing is rejected when nothing changed.
    none = (np.asarray(s1) == 0) & (np.asarray(d) == 0)
    return np.where(none, 0.0, out) if none.any() else out


def bisect(gap: Callable[[FloatArray], FloatArray], bad: Any, good: Any) -> FloatArray:
    """Per element, the point nearest ``bad`` on the way to ``good`` where ``gap >= 0``.

    Vectorised bisection to the last bit: each element stops when no float lies between its two
    ends, and a stopped element is never touched again, so an array gives bit for bit the values
    of scalar calls. ``gap(good) >= 0`` is assumed, ``gap(bad)`` is never evaluated; if no
    point strictly between has ``gap >= 0``, ``good`` comes back.

    Examples
    --------
    >>> float(bisect(lambda x: x * x - 2.0, 0.0, 2.0))
    1.4142135623730951
    """
    bad = np.array(bad, dtype=float, copy=True)
    good = np.array(good, dtype=float, copy=True)
    bad, good = np.broadcast_arrays(bad, good)
    bad, good = bad.copy(), good.copy()
    for _ in range(2200):  # more than enough for any pair of doubles
        mid = bad + (good - bad) / 2.0
        live = (mid != bad) & (mid != good)
        if not live.any():
            break
        ok = np.asarray(gap(mid)) >= 0
        good = np.where(live & ok, mid, good)
        bad = np.where(live & ~ok, mid, bad)
    return np.asarray(good, dtype=float)


def _check_method(method: Any) -> str:
    hints = {"normal": "pooled", "cohen": "arcsine"}
    return check_choice("method", method, tuple(POWER_METHODS), hints)


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

    Warns
    -----
    CensusWarning
        When a round is a census (n = N) under the finite population correction. With both
        rounds censuses there is no sampling error: the power is 1 for any change in the tested
        direction and 0 for none.

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
    if big1 is not None or big2 is not None:
        warn_census([("round 1", n1a, big1), ("round 2", n2a, big2)])
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
class GroupSize(SignificanceResult):
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


BLOCK = 1 << 14  # settings per block in sample_size_per_group (8 arrays of 128 kB)


def _size_block(
    p1: FloatArray,
    p2: FloatArray,
    big: FloatArray | None,
    *,
    zc: float,
    zb: float,
    target: float,
    method: str,
    two_sided: bool,
    strict: bool,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``n0``, ``n_unrounded``, ``n`` and the achieved power for 1-D blocks of settings."""
    d, a, b = POWER_METHODS[method].per_case(p1, p2)
    d = np.abs(d)  # a one-sided alternative was checked to point the way of the change
    n0 = zc * a
    n0 += zb * b
    n0 /= d
    n0 *= n0
    if strict and two_sided:
        # Counting the far tail only adds power, so the root lies in (0, n0]; power rises with n.
        def gap(n: FloatArray) -> FloatArray:
            return _equal_power(n, 1.0, d, a, b, zc, two_sided=True, strict=True) - target

        n0 = bisect(gap, 0.0, n0)
    np.maximum(n0, 1.0, out=n0)  # a power reached with under one case still needs one
    if big is None:
        n_unrounded = n0
    else:
        with np.errstate(invalid="ignore"):  # inf / inf where the population is infinite
            n_unrounded = np.where(np.isinf(big), n0, n0 * big / (n0 + big - 1.0))
    n = ceil_guarded(n_unrounded)
    if big is not None:
        np.minimum(n, big, out=n)
    achieved = _equal_power(n, fpc(n, big), d, a, b, zc, two_sided=two_sided, strict=strict)
    return n0, n_unrounded, n, achieved


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
    from scipy.special import ndtri

    alpha = check_scalar_fraction("alpha", alpha)
    target = check_scalar_fraction("power", power)
    alternative = check_alternative(alternative)
    method = _check_method(method)
    strict = check_flag("strict", strict)
    c1, c2 = fractions("p1", p1), fractions("p2", p2)  # copies, owned here
    p1a, p2a = np.broadcast_arrays(c1, c2)
    if np.any(p1a == p2a):
        raise ParameterError(
            "p1",
            f"and {{p2}} must differ; got both {format_value(p1a[p1a == p2a][0])}",
            refs=["p2"],
        )
    wrong = {"greater": np.less, "less": np.greater}.get(alternative)
    if wrong is not None and wrong(p1a, p2a).any():
        raise ParameterError(
            "alternative",
            f"{alternative!r} cannot detect a change from {{p2}} to {{p1}} in the other "
            "direction; swap {p1} and {p2} or use 'two-sided'",
            refs=["p1", "p2"],
        )
    scalar = all(np.ndim(v) == 0 for v in (p1, p2, population_size))
    big = None
    if population_size is not None:
        big = population("population_size", population_size, "n", np.ones(()))
    zc, zb = quantile(alpha, alternative), float(ndtri(target))
    shape = np.broadcast_shapes(p1a.shape, () if big is None else big.shape)
    flat = [np.broadcast_to(v, shape).ravel() for v in (p1a, p2a)]
    flat_big = None if big is None else np.broadcast_to(big, shape).ravel()
    options: dict[str, Any] = {
        "zc": zc,
        "zb": zb,
        "target": target,
        "method": method,
        "two_sided": alternative == "two-sided",
        "strict": strict,
    }
    size = flat[0].size
    if size <= BLOCK:
        stages: Any = _size_block(flat[0], flat[1], flat_big, **options)
    else:  # in blocks that stay in cache: a million settings cost no more each than ten
        stages = np.empty((4, size))  # n0, n_unrounded, n, achieved power
        for start in range(0, size, BLOCK):
            part = slice(start, start + BLOCK)
            block = _size_block(
                flat[0][part],
                flat[1][part],
                None if flat_big is None else flat_big[part],
                **options,
            )
            for row, values in zip(stages, block, strict=True):
                row[part] = values
    n0, n_unrounded, n, achieved = (v.reshape(shape) for v in stages)
    p1_out, p2_out = (c if c.shape == shape else np.broadcast_to(c, shape).copy() for c in (c1, c2))
    pop: Any = big
    if big is not None and scalar:
        pop = None if np.isinf(big) else int(big)
    return GroupSize(
        n_per_group=int(n) if scalar else n.astype(np.int64),
        n_unrounded=output(n_unrounded, scalar),
        n0=output(n0, scalar),
        achieved_power=output(achieved, scalar),
        p1=output(p1_out, scalar),
        p2=output(p2_out, scalar),
        alpha=alpha,
        power=target,
        alternative=alternative,
        method=METHOD_NAMES[method] + ("" if big is None else ", finite population correction"),
        population_size=pop,
        index=index_of(p1, p2),
    )
