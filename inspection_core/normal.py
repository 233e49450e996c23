"""Normal-theory helpers: the quantile, p-values from z, the finite population factor, ceilings.

One home for each: the two-sided quantile ``z`` for a confidence level, the critical value for
``alpha``, the normal p-value of a z statistic, the finite population factor ``(N - n) / (N - 1)``
and the guarded ceiling that keeps float noise from adding a case.

Each comes twice: for arrays (numpy and ``scipy.special``, imported on first use) and for
single numbers in pure Python (the ``*_scalar`` functions, and :func:`critical_value`), so that
the command line's scalar arithmetic imports neither. The scalar quantile and distribution
function are :mod:`inspection_core._cephes`, the algorithms ``scipy.special`` runs, step for step:
both give the same double for every argument.
"""

from __future__ import annotations

import math

from . import _cephes
from .deferred import numpy_later

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = [
    "ROUND_TOL",
    "ceil_guarded",
    "ceil_guarded_scalar",
    "critical_value",
    "fpc_factor",
    "fpc_scalar",
    "ndtr",
    "ndtr_many",
    "ndtri",
    "ndtri_many",
    "output",
    "pvalue_from_z",
    "pvalue_scalar",
    "z_scalar",
    "z_value",
]

# Relative tolerance when rounding up: 100.00000000001 is 100, not 101.
ROUND_TOL = 1e-10

ndtri = _cephes.ndtri
ndtr = _cephes.ndtr


def z_value(confidence_level: FloatArray | float) -> FloatArray:
    """Two-sided standard normal quantile for ``confidence_level`` (scipy's ``ndtri``).

    ``(1 + c) / 2`` is used rather than ``1 - (1 - c) / 2`` so that c = 0.80 gives exactly
    ``ndtri(0.9) = 1.2815515655446004``.

    Examples
    --------
    >>> float(z_value(0.8))
    1.2815515655446004
    """
    return ndtri_many((1.0 + np.asarray(confidence_level, dtype=float)) / 2.0)


def z_scalar(confidence_level: float) -> float:
    """:func:`z_value` of one number, in pure Python (the same double).

    Examples
    --------
    >>> z_scalar(0.8), z_scalar(0.95)
    (1.2815515655446004, 1.959963984540054)
    """
    return ndtri((1.0 + confidence_level) / 2.0)


def critical_value(alpha: float, alternative: str) -> float:
    """Critical value: ``ndtri(1 - alpha/2)`` two-sided, ``ndtri(1 - alpha)`` one-sided.

    Pure Python (:mod:`inspection_core._cephes`), the double scipy's ``ndtri`` gives.

    Examples
    --------
    >>> critical_value(0.1, "two-sided"), critical_value(0.1, "greater")
    (1.6448536269514722, 1.2815515655446004)
    """
    return ndtri(1.0 - alpha / 2.0 if alternative == "two-sided" else 1.0 - alpha)


_ROOT_HALF = 1.0 / math.sqrt(2.0)


def pvalue_from_z(z: FloatArray, alternative: str) -> FloatArray:
    """Normal p-value of ``z`` for the alternative ('two-sided', 'greater' or 'less').

    Examples
    --------
    >>> round(float(pvalue_from_z(np.array(1.6448536269514722), "two-sided")), 12)
    0.1
    """
    z = np.asarray(z)
    if z.size <= SMALL:  # no scipy for a handful (the same doubles, see _cephes)
        return _elementwise(lambda v: pvalue_scalar(v, alternative), z)
    from scipy.special import erfc

    if alternative == "two-sided":  # 2 Phi(-|z|) = erfc(|z| / sqrt 2), in place
        a = np.abs(z)
        a *= _ROOT_HALF
        return np.asarray(erfc(a, out=a) if a.ndim else erfc(a))
    return ndtr_many(-z) if alternative == "greater" else ndtr_many(z)


SMALL = 256
"""Arrays up to this size are computed element by element in pure Python, not by scipy: the
same doubles (:mod:`inspection_core._cephes`), and no ``scipy.special`` to import (a fifth of
a second) for a report of twenty rows."""


def _elementwise(function: Any, x: FloatArray) -> FloatArray:
    values = [function(v) for v in np.asarray(x, dtype=float).ravel().tolist()]
    return np.asarray(np.array(values, dtype=float).reshape(np.shape(x)))


def ndtr_many(x: Any) -> FloatArray:
    """Scipy's ``ndtr`` of an array (small ones in pure Python, with the same doubles).

    Examples
    --------
    >>> ndtr_many(np.array([-1.6448536269514722, 0.0])).tolist()
    [0.050000000000000044, 0.5]
    """
    x = np.asarray(x, dtype=float)
    if x.size <= SMALL:
        return _elementwise(ndtr, x)
    from scipy.special import ndtr as ndtr_array

    return np.asarray(ndtr_array(x))


def ndtri_many(p: Any) -> FloatArray:
    """Scipy's ``ndtri`` of an array (small ones in pure Python, with the same doubles).

    Examples
    --------
    >>> ndtri_many(np.array([0.9, 0.975])).tolist()
    [1.2815515655446004, 1.959963984540054]
    """
    p = np.asarray(p, dtype=float)
    if p.size <= SMALL:
        return _elementwise(ndtri, p)
    from scipy.special import ndtri as ndtri_array

    return np.asarray(ndtri_array(p))


def pvalue_scalar(z: float, alternative: str) -> float:
    """:func:`pvalue_from_z` of one z-score, in pure Python (the same double).

    Examples
    --------
    >>> pvalue_scalar(1.3822, "two-sided") == float(pvalue_from_z(np.array(1.3822), "two-sided"))
    True
    """
    if alternative == "two-sided":
        return _cephes.erfc(abs(z) * _ROOT_HALF)
    return ndtr(-z) if alternative == "greater" else ndtr(z)


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


def fpc_scalar(n: float, population_size: float | None) -> float:
    """:func:`fpc_factor` of one n and N (``None`` or ``inf``: infinite), in pure Python.

    Examples
    --------
    >>> fpc_scalar(100.0, 250.0), fpc_scalar(100.0, None), fpc_scalar(250.0, 250.0)
    (0.6024096385542169, 1.0, 0.0)
    """
    if population_size is None:
        return 1.0
    big_n, n = float(population_size), float(n)
    if n >= big_n:
        return 0.0
    if math.isinf(big_n):
        return 1.0
    return (big_n - n) / (big_n - 1.0)


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


def ceil_guarded_scalar(x: float) -> float:
    """:func:`ceil_guarded` of one finite number, in pure Python (a float, as there).

    Examples
    --------
    >>> ceil_guarded_scalar(99.36), ceil_guarded_scalar(100.00000000001)
    (100.0, 100.0)
    """
    nearest = float(round(x))
    if abs(x - nearest) <= ROUND_TOL * max(1.0, abs(x)):
        return nearest
    return float(math.ceil(x))


def output(value: npt.NDArray[Any], scalar: bool) -> Any:
    """A Python float (or int/bool, by dtype) for scalar input, else the array."""
    if not scalar:
        return value
    return np.asarray(value).item()
