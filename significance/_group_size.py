"""Cases per round for the z-test to detect a change with a given power, for arrays of settings.

The closed form (R ``power.prop.test``'s root without ``strict``), or a vectorised bisection
with ``strict=True``; a finite population of N per round gives ``n = n0 N / (n0 + N - 1)``
exactly. Settings are worked through in blocks that stay in the processor's cache, and every
element carries the bits of a scalar call.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspection_core.checks import format_value
from inspection_core.deferred import is_array, numpy_later
from inspection_core.errors import ParameterError
from inspection_core.normal import ceil_guarded, ndtri
from inspection_core.normal import critical_value as quantile

from ._inputs import (
    check_alternative,
    check_flag,
    check_scalar_fraction,
    fpc,
    fractions,
    output,
    population,
)
from ._power import METHOD_NAMES, PLAIN, POWER_METHODS, _check_method, _equal_power
from ._shape import SignificanceResult, index_of
from ._solve import bisect

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np

    from ._power import FloatArray
else:
    np = numpy_later(globals())

__all__ = ["GroupSize", "sample_size_per_group"]


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
        if is_array(self.n_per_group):
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
    into: Any = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``n0``, ``n_unrounded``, ``n`` and the achieved power for 1-D blocks of settings.

    ``into``, when given, is four output rows (views) the four are written to.
    """
    rows = (None, None, None, None) if into is None else into
    d, a, b = POWER_METHODS[method].per_case(p1, p2)
    d = np.abs(d, out=d)  # a one-sided alternative was checked to point the way of the change
    n0 = np.multiply(zc, a, out=rows[0])
    n0 += zb * b
    n0 /= d
    n0 *= n0
    if strict and two_sided:
        # Counting the far tail only adds power, so the root lies in (0, n0]; power rises with n.
        def gap(n: FloatArray) -> FloatArray:
            return _equal_power(n, 1.0, d, a, b, zc, two_sided=True, strict=True) - target

        root = bisect(gap, 0.0, n0)
        if rows[0] is None:
            n0 = root
        else:
            np.copyto(rows[0], root)
    np.maximum(n0, 1.0, out=n0)  # a power reached with under one case still needs one
    if big is None:
        n_unrounded = n0
        if rows[1] is not None:
            np.copyto(rows[1], n0)
    else:
        with np.errstate(invalid="ignore"):  # inf / inf where the population is infinite
            n_unrounded = np.where(np.isinf(big), n0, n0 * big / (n0 + big - 1.0))
        if rows[1] is not None:
            np.copyto(rows[1], n_unrounded)
    n = ceil_guarded(n_unrounded)
    if big is not None:
        np.minimum(n, big, out=n)
    if rows[2] is not None:
        np.copyto(rows[2], n)
    achieved = _equal_power(n, fpc(n, big), d, a, b, zc, two_sided=two_sided, strict=strict)
    if rows[3] is not None:
        np.copyto(rows[3], achieved)
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
    if all(type(v) in PLAIN for v in (p1, p2, population_size)):
        from ._scalar_power import group_size_scalar  # one setting: pure Python, the same bits

        fast = group_size_scalar(
            p1, p2, power=power, alpha=alpha, alternative=alternative, method=method,
            strict=strict, population_size=population_size,
        )  # fmt: skip
        if fast is not None:
            return fast  # type: ignore[no-any-return]
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
    zc, zb = quantile(alpha, alternative), ndtri(target)
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
            _size_block(
                flat[0][part],
                flat[1][part],
                None if flat_big is None else flat_big[part],
                **options,
                into=[row[part] for row in stages],
            )
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
