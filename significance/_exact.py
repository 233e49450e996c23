"""Exact tests for a 2 x 2 table from scipy: Fisher, Barnard and Boschloo.

scipy's tests take one table at a time, so arrays of comparisons are looped over. The table is
``[[x1, x2], [n1 - x1, n2 - x2]]``: columns are the groups, so scipy's ``alternative="greater"``
means ``p1 > p2``, the same direction as the z-test.
"""

from __future__ import annotations

from typing import Literal, cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

EXACT_TESTS = ("fisher", "barnard", "boschloo")

NAMES = {
    "fisher": "Fisher's exact test",
    "barnard": "Barnard's exact test",
    "boschloo": "Boschloo's exact test",
}


def exact_pvalue(
    test: str, x1: int, n1: int, x2: int, n2: int, alternative: str, *, pooled: bool = True
) -> float:
    """P-value of one 2 x 2 comparison by ``test`` ('fisher', 'barnard' or 'boschloo').

    Examples
    --------
    >>> round(exact_pvalue("fisher", 7, 10, 2, 10, "two-sided"), 6)
    0.069779
    """
    from scipy import stats

    side = cast(Literal["two-sided", "less", "greater"], alternative)
    table = np.array([[x1, x2], [n1 - x1, n2 - x2]], dtype=np.int64)
    if test == "fisher":
        return float(stats.fisher_exact(table, alternative=side).pvalue)
    if test == "barnard":
        return float(stats.barnard_exact(table, alternative=side, pooled=pooled).pvalue)
    return float(stats.boschloo_exact(table, alternative=side).pvalue)


def exact_pvalues(
    test: str,
    x1: FloatArray,
    n1: FloatArray,
    x2: FloatArray,
    n2: FloatArray,
    alternative: str,
    *,
    pooled: bool = True,
) -> FloatArray:
    """:func:`exact_pvalue` for each element of broadcast arrays."""
    out = np.empty(x1.shape)
    for idx in np.ndindex(x1.shape):
        out[idx] = exact_pvalue(
            test,
            int(x1[idx]),
            int(n1[idx]),
            int(x2[idx]),
            int(n2[idx]),
            alternative,
            pooled=pooled,
        )
    return out
