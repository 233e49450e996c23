"""The Wilson score interval for a proportion, with an optional finite population factor."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["wilson"]

FloatArray = npt.NDArray[np.float64]


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
