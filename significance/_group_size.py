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
from inspection_core.normal import ROUND_TOL, ndtri
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
from ._shape import Later, SignificanceResult, index_of, later_fields
from ._solve import bisect

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np

    from ._power import FloatArray
else:
    np = numpy_later(globals())

__all__ = ["GroupSize", "sample_size_per_group"]


@later_fields("n_unrounded", "achieved_power")
@dataclass(frozen=True)
class GroupSize(SignificanceResult):
    """Cases per round needed to detect a change with a given power.

    Attributes
    ----------
    n_per_group : int or ndarray
        Cases in each round, rounded up once at the end (and at most the population).
    n_unrounded : float or ndarray
        The exact solution before rounding (R ``power.prop.test``'s ``n``, without a population;
        for arrays without a population, a copy of ``n0`` made when first read).
    n0 : float or ndarray
        The solution for an infinite population; ``n_unrounded = n0 N / (n0 + N - 1)``.
    achieved_power : float or ndarray
        Power at ``n_per_group`` (for arrays, computed from ``p1``, ``p2`` and the population
        when first read, unless ``strict``: one normal distribution function per setting).
    p1, p2, alpha, power : float or ndarray
        The inputs.
    alternative, method : str
        The test's alternative and the power approximation in words.
    population_size : int, None or ndarray
        Eligible population of each round (``None``: no correction).
    """

    n_per_group: Any
    n_unrounded: Any  # for arrays, built when first read where it is n0 (later_fields)
    n0: Any
    achieved_power: Any  # for arrays, built when first read (later_fields)
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


BLOCK = 1 << 14  # settings per block in sample_size_per_group (a dozen arrays of 128 kB)


class _Scratch:
    """One block's working arrays, made once a call (in one allocation) for every block."""

    __slots__ = ("ceil", "close", "d", "t1", "t2", "t3", "t4", "t5")

    def __init__(self, size: int) -> None:
        rows = np.empty((7, size))
        self.d, self.t1, self.t2, self.t3, self.t4, self.t5, self.ceil = rows
        self.close = np.empty(size, dtype=bool)


def _pooled_terms_into(p1: FloatArray, p2: FloatArray, w: _Scratch) -> tuple[Any, Any, Any]:
    """:func:`._power._pooled_per_case` (the same steps, the same bits) into ``w``'s arrays."""
    d = np.subtract(p1, p2, out=w.d)
    two_pbar = np.add(p1, p2, out=w.t1)
    a = np.subtract(2.0, two_pbar, out=w.t2)
    a *= two_pbar
    a *= 0.5  # 2 pbar (1 - pbar)
    b = np.multiply(p1, p1, out=w.t3)
    b += np.multiply(p2, p2, out=w.t4)
    np.subtract(two_pbar, b, out=b)  # p1 (1 - p1) + p2 (1 - p2) = p1 + p2 - p1**2 - p2**2
    return d, np.sqrt(a, out=a), np.sqrt(b, out=b)


# x (1 - _NEAR) has the ceiling of x unless x is within 3e-10 x above a whole number: three
# times the guard's reach (ROUND_TOL), so every x the guard rounds down is found (see below).
_NEAR = 3e-10


def _ceil_guarded_into(x: FloatArray, w: _Scratch, *, at_least_one: bool) -> FloatArray:
    """:func:`inspection_core.normal.ceil_guarded` of ``x``, to the bit, into ``w.ceil``.

    The guard rounds x down to r = round(x) only where ``|x - r| <= ROUND_TOL max(1, |x|)``.
    Where every x is at least 1 (``at_least_one``; NaN allowed), a block is first rounded up
    alone; the guard's own steps run only if some x has ``ceil(x (1 - 3e-10)) < ceil(x)``,
    which every x it rounds down has (r < x (1 - 3e-10) would need x - r > 3e-10 x, more
    than the guard's 1e-10 x plus rounding), so elsewhere ``ceil(x)`` is its answer. NaN
    always takes the guard's steps (NaN != NaN); inf rounds up to inf either way. Uses
    ``w.t1``, ``w.t4`` and ``w.t5`` (not ``w.d``, ``w.t2``, ``w.t3``: d, a and b).
    """
    n = np.ceil(x, out=w.ceil)
    if at_least_one:
        below = np.multiply(x, 1.0 - _NEAR, out=w.t4)
        if np.array_equal(np.ceil(below, out=below), n):
            return n
    nearest = np.round(x, out=w.t1)
    gap = np.subtract(x, nearest, out=w.t4)
    np.abs(gap, out=gap)
    if at_least_one:  # max(1, |x|) is x
        scale = np.multiply(ROUND_TOL, x, out=w.t5)
    else:
        scale = np.abs(x, out=w.t5)
        np.maximum(1.0, scale, out=scale)
        scale *= ROUND_TOL
    close = np.less_equal(gap, scale, out=w.close)
    np.copyto(n, nearest, where=close)
    return n


def _size_block(
    p1: FloatArray,
    p2: FloatArray,
    big: FloatArray | None,
    w: _Scratch,
    rows: dict[str, Any],
    *,
    zc: float,
    zb: float,
    target: float,
    method: str,
    two_sided: bool,
    strict: bool,
    check: str | None = None,
) -> bool:
    """One 1-D block of settings: ``n0``, ``n_unrounded``, ``n`` and the achieved power.

    Each stage named in ``rows`` (``"n0"``, ``"n_unrounded"``, ``"n"`` (float), ``"n_int"``,
    ``"achieved"``, ``"p1"`` and ``"p2"``: copies of the inputs) is written to that block of
    its output. With ``check`` (the alternative), the block's inputs are first checked as
    :func:`sample_size_per_group` checks them (each p strictly between 0 and 1, p1 != p2, a
    one-sided change the tested way): False, with nothing computed, where one fails.
    """
    low, high = np.minimum.reduce, np.maximum.reduce  # (what .min() and .max() call)
    if check is not None and not (low(p1) > 0 and high(p1) < 1 and low(p2) > 0 and high(p2) < 1):
        return False  # NaN fails too
    if method == "pooled":
        d, a, b = _pooled_terms_into(p1, p2, w)
    else:
        d, a, b = POWER_METHODS[method].per_case(p1, p2)
    if check is not None:
        if not d.all():  # p1 == p2 somewhere
            return False
        if (check == "greater" and low(d) < 0) or (check == "less" and high(d) > 0):
            return False
    if "p1" in rows:
        np.copyto(rows["p1"], p1)
        np.copyto(rows["p2"], p2)
    want_power = "achieved" in rows
    if want_power or strict:  # (the sign of d does not change n0: it is squared)
        d = np.abs(d, out=d)  # a one-sided alternative was checked to point the way of the change
    n0 = np.multiply(zc, a, out=rows.get("n0"))
    n0 += np.multiply(zb, b, out=w.t4)
    n0 /= d
    n0 *= n0
    if strict and two_sided:
        # Counting the far tail only adds power, so the root lies in (0, n0]; power rises with n.
        def gap(n: FloatArray) -> FloatArray:
            return _equal_power(n, 1.0, d, a, b, zc, two_sided=True, strict=True) - target

        np.copyto(n0, bisect(gap, 0.0, n0))
    # a power reached with under one case still needs one (np.maximum with a number is slow: a
    # block checks first whether it has any n0 below 1, or NaN, which np.maximum keeps)
    if not low(n0) >= 1.0:
        np.maximum(n0, 1.0, out=n0)
    if big is None:
        n_unrounded = n0
    else:
        with np.errstate(invalid="ignore"):  # inf / inf where the population is infinite
            n_unrounded = np.where(np.isinf(big), n0, n0 * big / (n0 + big - 1.0))
    if "n_unrounded" in rows:
        np.copyto(rows["n_unrounded"], n_unrounded)
    n = _ceil_guarded_into(n_unrounded, w, at_least_one=big is None)
    if big is not None:
        np.minimum(n, big, out=n)
    if "n" in rows:
        np.copyto(rows["n"], n)
    if "n_int" in rows:
        np.copyto(rows["n_int"], n, casting="unsafe")  # as astype(np.int64)
    if want_power:
        achieved = _equal_power(n, fpc(n, big), d, a, b, zc, two_sided=two_sided, strict=strict)
        np.copyto(rows["achieved"], achieved)
    return True


class _BlockCheckError(Exception):
    """Some block's inputs failed the checks made on the way (the full checks say which)."""


def _stages(
    p1: FloatArray,
    p2: FloatArray,
    big: FloatArray | None,
    options: dict[str, Any],
    names: tuple[str, ...],
    *,
    check: str | None = None,
) -> dict[str, Any]:
    """The named stages of every setting (flat arrays), block by block in the cache.

    With ``check``, :class:`_BlockCheckError` where a block's inputs fail it (the caller's full
    checks then say why). ``"n_int"`` is int64, the rest float64.
    """
    size = p1.shape[0]
    # One allocation for every stage, as rows (int64 n a view of its row): separate arrays of a
    # few hundred kB each would be handed back to the system on every call and re-faulted on
    # the next (glibc's trim threshold follows the largest block freed), for any code after.
    store = np.empty((len(names), size))
    out = {
        k: row.view(np.int64) if k == "n_int" else row for k, row in zip(names, store, strict=True)
    }
    w = _Scratch(min(BLOCK, size))
    for start in range(0, size, BLOCK):
        part = slice(start, start + BLOCK)
        a, b = p1[part], p2[part]
        if a.shape[0] != w.d.shape[0]:
            w = _Scratch(a.shape[0])
        rows = {k: v[part] for k, v in out.items()}
        part_big = None if big is None else big[part]
        if not _size_block(a, b, part_big, w, rows, **options, check=check):
            raise _BlockCheckError
    return out


def _checked(
    p1: Any, p2: Any, alternative: str, population_size: Any
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """p1 and p2 as float64 copies of the result's shape, and the population; or the error."""
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
    big = None
    if population_size is not None:
        big = population("population_size", population_size, "n", np.ones(()))
    shape = np.broadcast_shapes(p1a.shape, () if big is None else big.shape)
    p1_out, p2_out = (c if c.shape == shape else np.broadcast_to(c, shape).copy() for c in (c1, c2))
    return p1_out, p2_out, big


def _same_float_arrays(p1: Any, p2: Any) -> bool:
    """Whether p1 and p2 are non-empty float64 arrays of one shape (checked in the blocks)."""
    return (
        isinstance(p1, np.ndarray)
        and isinstance(p2, np.ndarray)
        and p1.dtype == np.float64
        and p2.dtype == np.float64
        and p1.shape == p2.shape
        and p1.ndim > 0
        and p1.size > 0
    )


def _achieved_power(
    p1: FloatArray, p2: FloatArray, big: FloatArray | None, options: dict[str, Any]
) -> FloatArray:
    """The achieved power at the rounded n, as :func:`sample_size_per_group` computes it."""
    shape = p1.shape
    flat_big = None if big is None else np.broadcast_to(big, shape).ravel()
    stages = _stages(p1.ravel(), p2.ravel(), flat_big, options, ("achieved",))
    achieved: FloatArray = stages["achieved"].reshape(shape)
    return achieved


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
    scalar = all(np.ndim(v) == 0 for v in (p1, p2, population_size))
    zc, zb = quantile(alpha, alternative), ndtri(target)
    options: dict[str, Any] = {
        "zc": zc,
        "zb": zb,
        "target": target,
        "method": method,
        "two_sided": alternative == "two-sided",
        "strict": strict,
    }
    # The achieved power (a normal cdf per setting: a third of the time) is computed when read;
    # so is n_unrounded where it is n0 (a copy). strict=True keeps both: its n0 is a bisection.
    later = not scalar and not strict
    names = ("n0", "n_int", *(() if later else ("n", "achieved")))
    if population_size is not None:
        names += ("n_unrounded",)
    stages: dict[str, Any] | None = None
    big = None
    if population_size is None and _same_float_arrays(p1, p2):
        # The checks ride on the blocks (in the cache), with copies of p1 and p2 for the result;
        # where one fails, the full checks below say why.
        shape = p1.shape
        try:
            stages = _stages(p1.ravel(), p2.ravel(), None, options, (*names, "p1", "p2"),
                             check=alternative)  # fmt: skip
        except _BlockCheckError:
            stages = None
        else:
            p1_out, p2_out = (stages[k].reshape(shape) for k in ("p1", "p2"))
    if stages is None:
        p1_out, p2_out, big = _checked(p1, p2, alternative, population_size)
        shape = p1_out.shape
        flat_big = None if big is None else np.broadcast_to(big, shape).ravel()
        stages = _stages(p1_out.ravel(), p2_out.ravel(), flat_big, options, names)
    n0 = stages["n0"].reshape(shape)
    n_unrounded: Any = n0 if big is None else stages["n_unrounded"].reshape(shape)
    achieved: Any
    if later:
        # Built when read, from the result's own arrays: read-only, so what is built is what
        # the call computed (the result's copies; the caller's arrays are untouched).
        if big is not None and np.shares_memory(big, population_size):
            big = np.array(big)  # the caller's array: the result keeps its own copy
        for array in (p1_out, p2_out, n0, big):
            if array is not None:
                array.flags.writeable = False
        if big is None:
            n_unrounded = Later(np.copy, n0)
        achieved = Later(_achieved_power, p1_out, p2_out, big, options)
    else:
        achieved = output(stages["achieved"].reshape(shape), scalar)
        n_unrounded = output(n_unrounded if big is not None else n0.copy(), scalar)
    pop: Any = big
    if big is not None and scalar:
        pop = None if np.isinf(big) else int(big)
    return GroupSize(
        n_per_group=int(stages["n"][0]) if scalar else stages["n_int"].reshape(shape),
        n_unrounded=n_unrounded,
        n0=output(n0, scalar),
        achieved_power=achieved,
        p1=output(p1_out, scalar),
        p2=output(p2_out, scalar),
        alpha=alpha,
        power=target,
        alternative=alternative,
        method=METHOD_NAMES[method] + ("" if big is None else ", finite population correction"),
        population_size=pop,
        index=index_of(p1, p2),
    )
