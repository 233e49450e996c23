"""Adjusted p-values for a family of tests: Holm and Benjamini-Hochberg."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice
from inspection_core.errors import ParameterError, ParameterTypeError

__all__ = ["adjust_pvalues"]

FloatArray = npt.NDArray[np.float64]

ADJUSTMENTS = ("holm", "bh")
ADJUSTMENT_HINTS = {
    "fdr_bh": "bh",
    "benjamini-hochberg": "bh",
    "hochberg": "bh",
    "BH": "bh",
    "fdr": "bh",
    "bonferroni-holm": "holm",
}


def adjust_pvalues(pvalues: Any, *, method: str = "holm") -> FloatArray:
    """Adjusted p-values for a family of tests, in the order given.

    Compare each adjusted p-value with alpha as you would a single test's.

    Parameters
    ----------
    pvalues : array_like
        The family's p-values (each in [0, 1]; a 1-D array or anything flattening to one).
    method : {'holm', 'bh'}, default 'holm'
        ``'holm'`` controls the family-wise error rate (the chance of any false "significant");
        ``'bh'`` (Benjamini-Hochberg) controls the false discovery rate, the expected share of
        false findings among those called significant.

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
    Benjamini-Hochberg: ``min_{j >= i} min(1, m p_(j) / j)``.
    Both equal statsmodels ``multipletests(method="holm")`` and ``(method="fdr_bh")`` and R
    ``p.adjust(method = "holm")`` and ``(method = "BH")``.

    Examples
    --------
    Four key questions tested between rounds:

    >>> p = [0.01, 0.04, 0.03, 0.20]
    >>> adjust_pvalues(p)
    array([0.04, 0.09, 0.09, 0.2 ])
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
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - ranks + 1) * ranked))
    else:
        adjusted = np.minimum.accumulate(np.minimum(1.0, m * ranked / ranks)[::-1])[::-1]
    out = np.empty(m)
    out[order] = adjusted
    return out.reshape(arr.shape)
