"""Power of the two-sample z-test, and the approximations behind every power calculation.

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

from inspection_core.checks import check_choice, check_fraction
from inspection_core.deferred import numpy_later
from inspection_core.normal import critical_value as quantile
from inspection_core.normal import ndtr_many as ndtr

from ._inputs import (
    check_alternative,
    check_flag,
    check_scalar_fraction,
    fpc,
    output,
    population,
    safe_ratio,
    warn_census,
)
from ._inputs import whole as whole_numbers

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["POWER_METHODS", "PowerMethod", "power"]


DIRECTIONS = ("increase", "decrease")

PLAIN = (int, float, type(None))
"""Argument types the pure-Python paths take (:mod:`._scalar_power`)."""


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


class PowerMethod:
    """One power approximation: its name in words, its terms for any groups and equal ones.

    ``terms(n1, n2, p1, p2, f1 / n1, f2 / n2)`` gives ``(d, s0, s1)``: the effect and its
    standard deviations under the null and the alternative. ``per_case(p1, p2)`` gives
    ``(d, a, b)`` for equal groups of n with factor f: ``s0 = a sqrt(f / n)``, ``s1 = b
    sqrt(f / n)``, so ``n0 = ((z_crit a + z_power b) / d)**2`` in closed form.
    """

    __slots__ = ("name", "per_case", "terms")

    def __init__(
        self,
        name: str,
        terms: Callable[..., tuple[Any, Any, Any]],
        per_case: Callable[[FloatArray, FloatArray], tuple[Any, Any, Any]],
    ) -> None:
        self.name = name
        self.terms = terms
        self.per_case = per_case


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
    if all(type(v) in PLAIN for v in (n1, n2, p1, p2, population_size1, population_size2)):
        from ._scalar_power import power_scalar  # one setting: pure Python, the same double

        fast = power_scalar(
            n1, n2, p1, p2, alpha=alpha, alternative=alternative, method=method, strict=strict,
            population_size1=population_size1, population_size2=population_size2,
        )  # fmt: skip
        if fast is not None:
            return fast
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
