"""Normal-theory helpers: the quantile, p-values from z, the finite population factor, ceilings.

One home for each: the two-sided quantile ``z`` for a confidence level, the critical value for
``alpha``, the normal p-value of a z statistic, the finite population factor ``(N - n) / (N - 1)``
and the guarded ceiling that keeps float noise from adding a case.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ROUND_TOL",
    "ceil_guarded",
    "critical_value",
    "fpc_factor",
    "output",
    "pvalue_from_z",
    "z_value",
]

FloatArray = npt.NDArray[np.float64]

# Relative tolerance when rounding up: 100.00000000001 is 100, not 101.
ROUND_TOL = 1e-10


def z_value(confidence_level: FloatArray | float) -> FloatArray:
    """Two-sided standard normal quantile for ``confidence_level`` (scipy's ``ndtri``).

    ``(1 + c) / 2`` is used rather than ``1 - (1 - c) / 2`` so that c = 0.80 gives exactly
    ``ndtri(0.9) = 1.2815515655446004``.

    Examples
    --------
    >>> float(z_value(0.8))
    1.2815515655446004
    """
    from scipy.special import ndtri  # lazy: keeps `python -m sampling size` start-up small

    return np.asarray(ndtri((1.0 + np.asarray(confidence_level, dtype=float)) / 2.0))


def critical_value(alpha: float, alternative: str) -> float:
    """Critical value: ``ndtri(1 - alpha/2)`` two-sided, ``ndtri(1 - alpha)`` one-sided.

    Examples
    --------
    >>> round(critical_value(0.1, "two-sided"), 6), round(critical_value(0.1, "greater"), 6)
    (1.644854, 1.281552)
    """
    from scipy.special import ndtri

    return float(ndtri(1.0 - alpha / 2.0 if alternative == "two-sided" else 1.0 - alpha))


def pvalue_from_z(z: FloatArray, alternative: str) -> FloatArray:
    """Normal p-value of ``z`` for the alternative ('two-sided', 'greater' or 'less').

    Examples
    --------
    >>> round(float(pvalue_from_z(np.array(1.6448536269514722), "two-sided")), 12)
    0.1
    """
    from scipy.special import erfc, ndtr

    if alternative == "two-sided":  # 2 Phi(-|z|) = erfc(|z| / sqrt 2), in place
        a = np.abs(z)
        a *= 1.0 / math.sqrt(2.0)
        return np.asarray(erfc(a, out=a) if a.ndim else erfc(a))
    return np.asarray(ndtr(-z) if alternative == "greater" else ndtr(z))


def fpc_factor(n: Any, population_size: Any) -> Any:
    """Finite population factor ``(N - n) / (N - 1)``: 1 for an infinite population, 0 at n = N.

    ``population_size`` may be ``None`` (infinite; the float 1.0 comes back) or an array in which
    ``inf`` means infinite.

    Examples
    --------
    >>> float(fpc_factor(np.array(100.0), np.array(250.0)))
    0.6024096385542169
    >>> fpc_factor(np.array(100.0), None)
    1.0
    """
    if population_size is None:
        return 1.0
    n = np.asarray(n, dtype=float)
    big_n = np.asarray(population_size, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(np.isinf(big_n), 1.0, (big_n - n) / (big_n - 1.0))
    return np.asarray(np.where(n >= big_n, 0.0, f), dtype=float)


def ceil_guarded(x: Any) -> FloatArray:
    """Round up, but treat values within a relative 1e-10 of a whole number as that number.

    Examples
    --------
    >>> ceil_guarded(np.array([99.36, 100.00000000001, 100.0]))
    array([100., 100., 100.])
    """
    x = np.asarray(x, dtype=float)
    nearest = np.round(x)
    close = np.abs(x - nearest) <= ROUND_TOL * np.maximum(1.0, np.abs(x))
    return np.asarray(np.where(close, nearest, np.ceil(x)))


def output(value: npt.NDArray[Any], scalar: bool) -> Any:
    """A Python float (or int/bool, by dtype) for scalar input, else the array."""
    if not scalar:
        return value
    return np.asarray(value).item()
