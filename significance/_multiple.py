"""Adjusted p-values for a family of tests: Holm, Hochberg and Benjamini-Hochberg."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice
from inspection_core.errors import ParameterError, ParameterTypeError

__all__ = ["adjust_pvalues"]

FloatArray = npt.NDArray[np.float64]


def _holm(ranked: FloatArray, m: int, ranks: FloatArray) -> FloatArray:
    """Step-down: ``max_{j <= i} min(1, (m - j + 1) p_(j))``."""
    return np.maximum.accumulate(np.minimum(1.0, (m - ranks + 1) * ranked))


def _hochberg(ranked: FloatArray, m: int, ranks: FloatArray) -> FloatArray:
    """Step-up: ``min_{j >= i} min(1, (m - j + 1) p_(j))``."""
    return np.minimum.accumulate(np.minimum(1.0, (m - ranks + 1) * ranked)[::-1])[::-1]


def _bh(ranked: FloatArray, m: int, ranks: FloatArray) -> FloatArray:
    """Step-up: ``min_{j >= i} min(1, m p_(j) / j)``."""
    return np.minimum.accumulate(np.minimum(1.0, m * ranked / ranks)[::-1])[::-1]


# Method dispatch by table: name -> adjustment of the ascending p-values.
ADJUSTMENTS: dict[str, Callable[[FloatArray, int, FloatArray], FloatArray]] = {
    "holm": _holm,
    "hochberg": _hochberg,
    "bh": _bh,
}
ADJUSTMENT_HINTS = {
    "fdr_bh": "bh",
    "benjamini-hochberg": "bh",
    "BH": "bh",
    "fdr": "bh",
    "bonferroni-holm": "holm",
    "simes-hochberg": "hochberg",
}


def adjust_pvalues(pvalues: Any, *, method: str = "holm") -> FloatArray:
    """Adjusted p-values for a family of tests, in the order given.

    Compare each adjusted p-value with alpha as you would a single test's.

    Parameters
    ----------
    pvalues : array_like
        The family's p-values (each in [0, 1]; a 1-D array or anything flattening to one).
    method : {'holm', 'hochberg', 'bh'}, default 'holm'
        ``'holm'`` controls the family-wise error rate (the chance of any false "significant");
        ``'hochberg'`` (step-up) controls it too, and rejects at least as much as Holm, but only
        when the tests are independent or positively dependent; ``'bh'`` (Benjamini-Hochberg)
        controls the false discovery rate, the expected share of false findings among those
        called significant.

    Returns
    -------
    ndarray
        Adjusted p-values, same shape as ``pvalues``, capped at 1.

    Raises
    ------
    ValueError
        A p-value outside [0, 1] or NaN, an empty family, or an unknown method.
    TypeError
        Non-numeric p-values.

    Notes
    -----
    With the m p-values sorted ascending, ``p_(1) <= ... <= p_(m)``:
    Holm: ``max_{j <= i} min(1, (m - j + 1) p_(j))``.
    Hochberg: ``min_{j >= i} min(1, (m - j + 1) p_(j))``.
    Benjamini-Hochberg: ``min_{j >= i} min(1, m p_(j) / j)``.
    They equal R ``p.adjust(method = "holm")``, ``"hochberg"`` and ``"BH"``, and statsmodels
    ``multipletests(method="holm")``, ``"simes-hochberg"`` and ``"fdr_bh"``.

    Examples
    --------
    Four key questions tested between rounds:

    >>> p = [0.01, 0.04, 0.03, 0.20]
    >>> adjust_pvalues(p)
    array([0.04, 0.09, 0.09, 0.2 ])
    >>> adjust_pvalues(p, method="hochberg")
    array([0.04, 0.08, 0.08, 0.2 ])
    >>> adjust_pvalues(p, method="bh")
    array([0.04      , 0.05333333, 0.05333333, 0.2       ])
    """
    method = check_choice("method", method, ADJUSTMENTS, ADJUSTMENT_HINTS)
    if isinstance(pvalues, str | bytes | bool):
        raise ParameterTypeError("pvalues", f"must be an array of numbers; got {pvalues!r}")
    try:
        arr = np.asarray(pvalues, dtype=float)
    except (TypeError, ValueError):
        raise ParameterTypeError(
            "pvalues", f"must be an array of numbers; got {pvalues!r}"
        ) from None
    if arr.size == 0:
        raise ParameterError("pvalues", "must not be empty; got an empty array")
    flat = arr.ravel()
    bad = ~((flat >= 0) & (flat <= 1))
    if bad.any():
        raise ParameterError("pvalues", f"must be between 0 and 1; got {flat[bad][0]:g}")
    m = flat.size
    order = np.argsort(flat, kind="stable")
    ranked = flat[order]
    ranks = np.arange(1, m + 1)
    adjusted = ADJUSTMENTS[method](ranked, m, ranks.astype(float))
    out = np.empty(m)
    out[order] = adjusted
    return out.reshape(arr.shape)
