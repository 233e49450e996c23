"""The Wilson score interval for a proportion, with an optional finite population factor."""

from __future__ import annotations

import math

from .deferred import numpy_later

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["wilson", "wilson_scalar"]


def wilson(
    x: FloatArray,
    n: FloatArray,
    z: FloatArray | float,
    f: FloatArray | float = 1.0,
    *,
    continuity: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for ``x / n`` (continuity-corrected on request).

    Parameters
    ----------
    x, n : ndarray
        Successes and trials (floats holding whole numbers).
    z : float or ndarray
        Standard normal quantile (``ndtri(1 - alpha / 2)`` for a two-sided interval).
    f : ndarray or float, default 1.0
        Finite population factor ``(N - n) / (N - 1)``; multiplies ``z**2``.
    continuity : bool, default False
        Newcombe's method 4 (the interval R ``prop.test(x, n, correct = TRUE)`` reports).

    Returns
    -------
    tuple of ndarray
        Lower and upper bounds, within [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> low, high = wilson(np.array(74.0), np.array(100.0), 1.959963984540054)
    >>> round(float(low), 4), round(float(high), 4)
    (0.6463, 0.816)
    """
    z2 = np.asarray(z, dtype=float) ** 2 * np.asarray(f, dtype=float)
    p = x / n
    denom = 2.0 * (n + z2)
    if not continuity:
        centre = 2.0 * x + z2
        half = np.sqrt(z2) * np.sqrt(4.0 * x * (1.0 - p) + z2)
        return (centre - half) / denom, (centre + half) / denom
    zz = np.sqrt(z2)
    with np.errstate(invalid="ignore"):
        low_root = np.sqrt(np.maximum(z2 - 2.0 - 1.0 / n + 4.0 * p * (n * (1.0 - p) + 1.0), 0.0))
        high_root = np.sqrt(np.maximum(z2 + 2.0 - 1.0 / n + 4.0 * p * (n * (1.0 - p) - 1.0), 0.0))
    low = (2.0 * x + z2 - 1.0 - zz * low_root) / denom
    high = (2.0 * x + z2 + 1.0 + zz * high_root) / denom
    low = np.where(x <= 0, 0.0, np.clip(low, 0.0, 1.0))
    high = np.where(x >= n, 1.0, np.clip(high, 0.0, 1.0))
    return low, high


def _floor0(v: float) -> float:
    """``np.maximum(v, 0.0)`` for one number (NaN and -0.0 kept, as numpy keeps them)."""
    return v if v >= 0.0 or math.isnan(v) else 0.0


def _clip01(v: float) -> float:
    """``np.clip(v, 0.0, 1.0)`` for one number."""
    v = _floor0(v)
    return v if v <= 1.0 or math.isnan(v) else 1.0


def wilson_scalar(
    x: float, n: float, z: float, f: float = 1.0, *, continuity: bool = False
) -> tuple[float, float]:
    """:func:`wilson` of one proportion, in pure Python: the same two doubles, step for step.

    Examples
    --------
    >>> wilson_scalar(74.0, 100.0, 1.959963984540054) == tuple(
    ...     float(b) for b in wilson(np.array(74.0), np.array(100.0), 1.959963984540054))
    True
    """
    z2 = z * z * f
    p = x / n
    denom = 2.0 * (n + z2)
    if not continuity:
        centre = 2.0 * x + z2
        half = math.sqrt(z2) * math.sqrt(4.0 * x * (1.0 - p) + z2)
        return (centre - half) / denom, (centre + half) / denom
    zz = math.sqrt(z2)
    low_root = math.sqrt(_floor0(z2 - 2.0 - 1.0 / n + 4.0 * p * (n * (1.0 - p) + 1.0)))
    high_root = math.sqrt(_floor0(z2 + 2.0 - 1.0 / n + 4.0 * p * (n * (1.0 - p) - 1.0)))
    low = (2.0 * x + z2 - 1.0 - zz * low_root) / denom
    high = (2.0 * x + z2 + 1.0 + zz * high_root) / denom
    return (0.0 if x <= 0 else _clip01(low)), (1.0 if x >= n else _clip01(high))
