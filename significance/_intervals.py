"""Confidence intervals for one proportion and for a difference of two proportions.

* Wilson score interval for one proportion, optionally with the continuity correction
  (Newcombe 1998, methods 3 and 4).
* Newcombe's hybrid score interval for ``p1 - p2`` (Newcombe 1998, methods 10 and 11): the two
  Wilson intervals combined by "square-and-add".
* Wald interval for ``p1 - p2``, optionally with R ``prop.test``'s continuity correction.

A finite population correction ``f = (N - n) / (N - 1)`` scales each group's variance; in the score
intervals that is ``z**2`` replaced by ``z**2 f`` (as :mod:`sampling._intervals` does for sizing).
Everything works element-wise on broadcast float arrays. For a one-sided interval, pass the
one-sided quantile and keep only the bound that matters.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from inspection_core.deferred import numpy_later
from inspection_core.intervals import wilson, wilson_scalar

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["INTERVALS", "SCALAR_INTERVALS", "newcombe", "wald", "wilson"]


def newcombe(
    x1: FloatArray,
    n1: FloatArray,
    x2: FloatArray,
    n2: FloatArray,
    z: float,
    f1: FloatArray | float = 1.0,
    f2: FloatArray | float = 1.0,
    *,
    continuity: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Newcombe's hybrid score interval for ``x1 / n1 - x2 / n2``.

    ``low = d - sqrt((p1 - l1)**2 + (u2 - p2)**2)`` and
    ``high = d + sqrt((u1 - p1)**2 + (p2 - l2)**2)`` with ``(l, u)`` each group's Wilson interval
    (continuity-corrected on request: Newcombe's method 11 instead of 10).

    Examples
    --------
    statsmodels ``confint_proportions_2indep(74, 100, 65, 100, method="newcomb", alpha=0.1)``:

    >>> low, high = newcombe(*map(np.array, (74.0, 100.0, 65.0, 100.0)), 1.6448536269514722)
    >>> round(float(low), 5), round(float(high), 5)
    (-0.01707, 0.19431)
    """
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z, f1, continuity=continuity)
    l2, u2 = wilson(x2, n2, z, f2, continuity=continuity)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)  # float noise at +/-1


def wald(
    x1: FloatArray,
    n1: FloatArray,
    x2: FloatArray,
    n2: FloatArray,
    z: float,
    f1: FloatArray | float = 1.0,
    f2: FloatArray | float = 1.0,
    *,
    continuity: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Wald interval ``d +/- (z * se + c)`` for ``x1 / n1 - x2 / n2``, clipped to [-1, 1].

    ``se = sqrt(p1 (1 - p1) f1 / n1 + p2 (1 - p2) f2 / n2)``; with ``continuity`` the half-width
    grows by ``c = min(0.5 (1/n1 + 1/n2), |d|)``, as in R ``prop.test(correct = TRUE)``. Where
    that ``se`` is 0 but ``d`` is not (each group all one way) the pooled one is used, as the
    unpooled test does.

    Examples
    --------
    The interval of R ``prop.test(c(74, 65), c(100, 100), correct = FALSE, conf.level = 0.9)``
    (its documented formula):

    >>> low, high = wald(*map(np.array, (74.0, 100.0, 65.0, 100.0)), 1.6448536269514722)
    >>> round(float(low), 5), round(float(high), 5)
    (-0.01659, 0.19659)
    """
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    var = p1 * (1.0 - p1) * f1 / n1 + p2 * (1.0 - p2) * f2 / n2
    # each group all one way: the pooled variance, as the unpooled test uses there
    zero = (var == 0) & (d != 0)
    if np.any(zero):
        p = (x1 + x2) / (n1 + n2)
        var = np.where(zero, p * (1.0 - p) * (f1 / n1 + f2 / n2), var)
    half = z * np.sqrt(var)
    if continuity:
        half = half + np.minimum(0.5 * (1.0 / n1 + 1.0 / n2), np.abs(d))
    return np.clip(d - half, -1.0, 1.0), np.clip(d + half, -1.0, 1.0)


# Interval dispatch by table: ``interval=`` name -> bounds for ``p1 - p2`` (the CLI lists keys).
INTERVALS: dict[str, Callable[..., tuple[FloatArray, FloatArray]]] = {
    "newcombe": newcombe,
    "wald": wald,
}


def _clip1(v: float) -> float:
    """``np.clip(v, -1.0, 1.0)`` for one number."""
    return -1.0 if v < -1.0 else 1.0 if v > 1.0 else v


def newcombe_scalar(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    z: float,
    f1: float = 1.0,
    f2: float = 1.0,
    *,
    continuity: bool = False,
) -> tuple[float, float]:
    """:func:`newcombe` for one comparison, in pure Python (the same two doubles)."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_scalar(x1, n1, z, f1, continuity=continuity)
    l2, u2 = wilson_scalar(x2, n2, z, f2, continuity=continuity)
    d = p1 - p2
    a, b, c, e = p1 - l1, u2 - p2, u1 - p1, p2 - l2
    return _clip1(d - math.sqrt(a * a + b * b)), _clip1(d + math.sqrt(c * c + e * e))


def wald_scalar(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    z: float,
    f1: float = 1.0,
    f2: float = 1.0,
    *,
    continuity: bool = False,
) -> tuple[float, float]:
    """:func:`wald` for one comparison, in pure Python (the same two doubles)."""
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    var = p1 * (1.0 - p1) * f1 / n1 + p2 * (1.0 - p2) * f2 / n2
    if var == 0 and d != 0:
        p = (x1 + x2) / (n1 + n2)
        var = p * (1.0 - p) * (f1 / n1 + f2 / n2)
    half = z * math.sqrt(var)
    if continuity:
        half = half + min(0.5 * (1.0 / n1 + 1.0 / n2), abs(d))
    return _clip1(d - half), _clip1(d + half)


SCALAR_INTERVALS: dict[str, Callable[..., tuple[float, float]]] = {
    "newcombe": newcombe_scalar,
    "wald": wald_scalar,
}
