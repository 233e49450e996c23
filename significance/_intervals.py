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

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

INTERVALS = ("newcombe", "wald")


def wilson(
    x: FloatArray, n: FloatArray, z: float, f: FloatArray | float = 1.0, *, continuity: bool = False
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for ``x / n`` (continuity-corrected on request).

    Parameters
    ----------
    x, n : ndarray
        Successes and trials (floats holding whole numbers).
    z : float
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
    z2 = z * z * np.asarray(f, dtype=float)
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
    grows by ``c = min(0.5 (1/n1 + 1/n2), |d|)``, as in R ``prop.test(correct = TRUE)``.

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
    half = z * np.sqrt(p1 * (1.0 - p1) * f1 / n1 + p2 * (1.0 - p2) * f2 / n2)
    if continuity:
        half = half + np.minimum(0.5 * (1.0 / n1 + 1.0 / n2), np.abs(d))
    return np.clip(d - half, -1.0, 1.0), np.clip(d + half, -1.0, 1.0)
