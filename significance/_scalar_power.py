"""Power, detectable difference and cases per round of one setting in pure Python.

The command line's path for ``power``, ``mdd`` and ``sample-size``: :func:`power_scalar`,
:func:`detectable_scalar` and :func:`group_size_scalar` take the arguments of
:func:`significance.power`, :func:`significance.minimum_detectable_difference` and
:func:`significance.sample_size_per_group` when every number is a plain Python number and the
method is the default pooled one, and return what the array code returns, bit for bit: the same
double operations in the same order (see :mod:`._power`), the normal distribution from
:mod:`inspection_core._cephes`, the bisection step for step. They return None for anything else
(the arcsine method, whose ``arcsin`` numpy computes its own way; an invalid value): the array
code then runs, and raises every error.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

from inspection_core.checks import is_fraction, is_whole
from inspection_core.normal import ceil_guarded_scalar, critical_value, fpc_scalar, ndtr, ndtri

from ._inputs import ALTERNATIVES, census_text, plain_population
from ._power import DIRECTIONS, METHOD_NAMES
from ._warnings import CensusWarning

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["bisect_scalar", "detectable_scalar", "group_size_scalar", "power_scalar"]


def _ratio(num: float, se: float) -> float:
    """``safe_ratio`` of one pair: 0 for 0 / 0, +/-inf for x / 0."""
    if se == 0:
        return 0.0 if num == 0 else math.copysign(math.inf, num)
    return num / se


def _terms(n1: float, n2: float, p1: float, p2: float, v1: float, v2: float) -> tuple[float, ...]:
    """``_pooled_terms``: the effect and its standard deviations under the null and otherwise."""
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
    return p1 - p2, math.sqrt(s0), math.sqrt(s1)


def _power(
    n1: float, n2: float, p1: float, p2: float, zc: float, alternative: str, strict: bool,
    f1: float, f2: float,
) -> float:  # fmt: skip
    """``_power`` of one setting (pooled method), inputs already checked."""
    d, s0, s1 = _terms(n1, n2, p1, p2, f1 / n1, f2 / n2)
    if alternative == "two-sided":
        out = ndtr(_ratio(abs(d) - zc * s0, s1))
        if strict:
            out = out + ndtr(_ratio(-abs(d) - zc * s0, s1))
    else:
        signed = d if alternative == "greater" else -d
        out = ndtr(_ratio(signed - zc * s0, s1))
    return 0.0 if s1 == 0 and d == 0 else out


def _common(alpha: Any, alternative: Any, method: Any, strict: Any) -> bool:
    return (
        is_fraction(alpha)
        and type(alternative) is str
        and alternative in ALTERNATIVES
        and type(method) is str
        and method == "pooled"
        and type(strict) is bool
    )


def _census(pairs: list[tuple[str, float, Any]]) -> bool:
    """Warn as ``warn_census`` does when a round is a census; whether every round is one."""
    named = [label for label, n, big in pairs if big is not None and n >= big]
    if named:
        warnings.warn(census_text(named, len(named) == len(pairs)), CensusWarning, 4)
    return len(named) == len(pairs)


def power_scalar(
    n1: Any, n2: Any, p1: Any, p2: Any, *, alpha: Any, alternative: Any, method: Any,
    strict: Any, population_size1: Any, population_size2: Any,
) -> float | None:  # fmt: skip
    """:func:`significance.power` of plain numbers (pooled), or None (the array code runs)."""
    covered = (
        _common(alpha, alternative, method, strict)
        and is_whole(n1, 1)
        and is_whole(n2, 1)
        and is_fraction(p1)
        and is_fraction(p2)
        and plain_population(population_size1, n1)
        and plain_population(population_size2, n2)
    )
    if not covered:
        return None
    a, b = float(n1), float(n2)
    if population_size1 is not None or population_size2 is not None:
        _census([("round 1", a, population_size1), ("round 2", b, population_size2)])
    return _power(
        a, b, float(p1), float(p2), critical_value(float(alpha), alternative), alternative, strict,
        fpc_scalar(a, population_size1), fpc_scalar(b, population_size2),
    )  # fmt: skip


def bisect_scalar(gap: Callable[[float], float], bad: float, good: float) -> float:
    """:func:`._solve.bisect` of one element: the same midpoints, so the same double."""
    for _ in range(2200):
        mid = bad + (good - bad) / 2.0
        if mid in (bad, good):
            break
        if gap(mid) >= 0:
            good = mid
        else:
            bad = mid
    return good


def detectable_scalar(
    n1: Any, n2: Any, baseline: Any, *, alpha: Any, power: Any, alternative: Any,
    direction: Any, method: Any, strict: Any, population_size1: Any, population_size2: Any,
) -> Any:  # fmt: skip
    """:func:`significance.minimum_detectable_difference` of plain numbers, or None."""
    from ._detectable import DetectableDifference

    if direction is None and type(alternative) is str:
        direction = "decrease" if alternative == "less" else "increase"
    covered = (
        _common(alpha, alternative, method, strict)
        and is_fraction(power)
        and type(direction) is str
        and direction in DIRECTIONS
        and (alternative, direction) not in {("greater", "decrease"), ("less", "increase")}
        and is_whole(n1, 1)
        and is_whole(n2, 1)
        and is_fraction(baseline)
        and plain_population(population_size1, n1)
        and plain_population(population_size2, n2)
    )
    if not covered:
        return None
    a, b, base, target = float(n1), float(n2), float(baseline), float(power)
    zc = critical_value(float(alpha), alternative)
    f1, f2 = fpc_scalar(a, population_size1), fpc_scalar(b, population_size2)

    def gap(p1: float) -> float:
        return _power(a, b, p1, base, zc, alternative, strict, f1, f2) - target

    end = 1.0 if direction == "increase" else 0.0
    rate = bisect_scalar(gap, base, end)
    if gap(base) >= 0:
        rate = base
    census = False
    finite = population_size1 is not None or population_size2 is not None
    if finite:
        census = _census([("round 1", a, population_size1), ("round 2", b, population_size2)])
        if census:
            rate = base
    if gap(end) < 0:
        rate = math.nan
    return DetectableDifference(
        difference=rate - base,
        detectable_rate=rate,
        baseline=base,
        n1=int(a),
        n2=int(b),
        alpha=float(alpha),
        power=target,
        alternative=alternative,
        direction=direction,
        method=METHOD_NAMES["pooled"] + (", finite population correction" if finite else ""),
        census=census,
    )


def _equal_power(
    n: float, f: float, d: float, a: float, b: float, zc: float, *, two_sided: bool, strict: bool
) -> float:
    """``_equal_power`` of one setting: ``ndtr((d sqrt(n / f) - z_crit a) / b)`` (+ far tail)."""
    # f = 0 is a census: no sampling error, an infinite z
    near = math.sqrt(n) if f == 1.0 else (math.sqrt(n / f) if f != 0 else math.inf)
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
    return out


def group_size_scalar(
    p1: Any, p2: Any, *, power: Any, alpha: Any, alternative: Any, method: Any, strict: Any,
    population_size: Any,
) -> Any:  # fmt: skip
    """:func:`significance.sample_size_per_group` of plain numbers (pooled), or None."""
    from ._group_size import GroupSize

    covered = (
        _common(alpha, alternative, method, strict)
        and is_fraction(power)
        and is_fraction(p1)
        and is_fraction(p2)
        and p1 != p2
        and not (alternative == "greater" and p1 < p2)
        and not (alternative == "less" and p1 > p2)
        and plain_population(population_size, 1)
    )
    if not covered:
        return None
    q1, q2, target = float(p1), float(p2), float(power)
    zc, zb = critical_value(float(alpha), alternative), ndtri(target)
    two_sided = alternative == "two-sided"
    two_pbar = q1 + q2
    a = 2.0 - two_pbar
    a *= two_pbar
    a *= 0.5
    b = q1 * q1
    b += q2 * q2
    a, b = math.sqrt(a), math.sqrt(two_pbar - b)
    d = abs(q1 - q2)
    n0 = zc * a
    n0 += zb * b
    n0 /= d
    n0 *= n0
    if strict and two_sided:

        def gap(n: float) -> float:
            return _equal_power(n, 1.0, d, a, b, zc, two_sided=True, strict=True) - target

        n0 = bisect_scalar(gap, 0.0, n0)
    n0 = max(n0, 1.0) if not math.isnan(n0) else n0
    big = None if population_size is None else float(population_size)
    n_unrounded = n0 if big is None or math.isinf(big) else n0 * big / (n0 + big - 1.0)
    n = ceil_guarded_scalar(n_unrounded)
    if big is not None:
        n = min(n, big)
    f = fpc_scalar(n, big)
    achieved = _equal_power(n, f, d, a, b, zc, two_sided=two_sided, strict=strict)
    return GroupSize(
        n_per_group=int(n),
        n_unrounded=n_unrounded,
        n0=n0,
        achieved_power=achieved,
        p1=q1,
        p2=q2,
        alpha=float(alpha),
        power=target,
        alternative=alternative,
        method=METHOD_NAMES["pooled"] + ("" if big is None else ", finite population correction"),
        population_size=None if big is None or math.isinf(big) else int(big),
    )
