"""How a round-on-round conclusion depends on an unknown previous-round n.

Reports publish the previous round's percentages but not always its case count. For each key
question this searches previous n over a range (10 to 10,000 by default): at each n the previous
count is the one :func:`counts_from_percentage` would give (the count nearest ``pct x n / 100``
whose percentage rounds to the published one; n with no such count are skipped), and the
current round is tested against it with :func:`ztest`, exactly as in the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from inspection_core.checks import check_integer
from inspection_core.errors import ParameterError, ParameterTypeError

from .._warnings import SmallCountWarning
from .._ztest import ztest

__all__ = ["nearest_counts", "sensitivity_to_previous_n"]

IntArray = npt.NDArray[np.int64]
DEFAULT_GRID: tuple[int, ...] = (25, 50, 100, 200, 500, 1000)


def nearest_counts(percentage: float, n: IntArray, *, decimals: int = 0) -> IntArray:
    """For each n, the count :func:`counts_from_percentage` uses, or -1 where none rounds to it.

    Integer arithmetic, vectorised over ``n``: the percentage of x out of n rounded half up is
    ``(2 S x + n) // (2 n)`` at scale ``S = 100 x 10**decimals``; the candidates nearest the
    target ``P n / S`` are its floor and ceiling, the floor winning a tie.

    Examples
    --------
    >>> nearest_counts(79, np.array([14, 44, 100]))
    array([11, -1, 79])
    """
    scale = 100 * 10**decimals
    target = round(percentage * 10**decimals)
    n = np.asarray(n, dtype=np.int64)
    low = (target * n) // scale
    high = low + ((target * n) % scale > 0)

    def fits(x: IntArray) -> npt.NDArray[np.bool_]:
        ok: npt.NDArray[np.bool_] = (x >= 0) & (x <= n) & ((2 * scale * x + n) // (2 * n) == target)
        return ok

    # distance to the target, in units of 1 / scale: floor is rem, ceiling is scale - rem
    rem = (target * n) % scale
    floor_first = rem <= scale - rem
    first = np.where(floor_first, low, high)
    second = np.where(floor_first, high, low)
    return np.where(fits(first), first, np.where(fits(second), second, -1))


def _statement(first: int | None, stable: int | None, lo: int, hi: int, feasible: int) -> str:
    """The finding in words; ``feasible`` is the smallest n in range that can give the pct."""
    span = f"{lo:,} to {hi:,}"
    if stable is None and first is None:
        return f"within what chance could produce for every previous n from {span}"
    if stable == feasible:
        return f"significant for every previous n from {span}"
    if stable is None:
        return (
            f"significant at some previous n from {first:,}, but within chance at {hi:,}: "
            "the conclusion turns on rounding"
        )
    text = f"significant with a previous n of {stable:,} or more"
    if first is not None and first < stable:
        text += f" (and at some n from {first:,}, as the count behind the percentage jitters)"
    return text


# The widest range of previous n searched: every whole n in it is tested.
MAX_SPAN = 1_000_000


def check_fraction_or_percent(name: str, value: Any) -> Any:
    """Numbers (percentages here) as given, refusing what is not numeric."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ParameterTypeError(name, f"must be numbers; got {value!r}") from None


def _counts(name: str, value: Any) -> Any:
    try:
        return np.asarray(value, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(name, f"must be whole numbers below 2**63; got {value!r}") from None


def sensitivity_to_previous_n(
    previous_pct: Sequence[float] | Any,
    current_x: Sequence[int] | Any,
    current_n: Sequence[int] | Any,
    *,
    alpha: float = 0.1,
    n_min: int = 10,
    n_max: int = 10_000,
    grid: Sequence[int] = DEFAULT_GRID,
    labels: Sequence[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """For which previous-round n a change from a published percentage would be significant.

    Parameters
    ----------
    previous_pct : sequence of float
        The previous round's published percentages (74 for 74%), one per key question.
    current_x, current_n : sequence of int
        The current round's counts.
    alpha : float, default 0.1
        Significance level.
    n_min, n_max : int, default 10 and 10,000
        The range of previous n searched (every whole n in it).
    grid : sequence of int, default (25, 50, 100, 200, 500, 1000)
        Previous n at which the p-value is shown (NaN where no count out of n rounds to the
        percentage).
    labels : sequence of str, optional
        Key-question labels for the ``key_question`` column.
    **options
        Passed to :func:`ztest` (``alternative``, ``pooled``, ``continuity``).

    Returns
    -------
    DataFrame
        One row per key question: ``key_question``, ``previous_pct``, ``current_pct`` (unrounded),
        ``first_significant_n`` (the smallest n at which the change is significant; missing when
        none), ``significant_from_n`` (the smallest n from which it is significant at every n up
        to ``n_max``; missing when it is not significant at ``n_max``), ``finding`` (in words)
        and ``p_at_<n>`` for each grid n.

    Notes
    -----
    As the previous n grows, the previous percentage is known ever more precisely and the test
    tends to the one-sample test against a fixed rate, so a change either becomes significant
    from some n on or stays within chance at every n. The count behind a published percentage
    jitters with n, so the p-value is not quite monotone: hence both a first and a stable n.

    Examples
    --------
    74% last time (n unknown) against 65 of 100 now: with 100 cases last time p = 0.17, but from
    238 cases on the fall would be significant at 0.1:

    >>> table = sensitivity_to_previous_n([74], [65], [100], grid=[100, 300])
    >>> int(table.loc[0, "significant_from_n"]), round(float(table.loc[0, "p_at_100"]), 4)
    (238, 0.1669)
    >>> print(table.loc[0, "finding"])
    significant with a previous n of 238 or more (and at some n from 194, as the count behind the percentage jitters)
    """  # noqa: E501 - a doctest line cannot wrap
    lo = int(check_integer("n_min", n_min, minimum=1))
    hi = int(check_integer("n_max", n_max, minimum=lo))
    if hi - lo > MAX_SPAN:
        raise ParameterError(
            "n_max", f"must be at most {{n_min}} + {MAX_SPAN:,}; got {hi:,}", refs=["n_min"]
        )
    points = [int(check_integer("grid", g, minimum=1)) for g in grid]
    pcts = np.asarray(check_fraction_or_percent("previous_pct", previous_pct), dtype=float)
    xs = _counts("current_x", current_x)
    ns = _counts("current_n", current_n)
    if not pcts.shape == xs.shape == ns.shape or pcts.ndim != 1:
        raise ParameterError(
            "previous_pct",
            "{previous_pct}, {current_x} and {current_n} must be 1-D and the same length; got "
            f"shapes {pcts.shape}, {xs.shape}, {ns.shape}",
            refs=["current_x", "current_n"],
            sentence=True,
        )
    names = list(labels) if labels is not None else [f"row {i + 1}" for i in range(len(pcts))]
    if len(names) != len(pcts):
        raise ParameterError(
            "labels", f"must have one label per row; got {len(names)} for {len(pcts)}"
        )
    search = np.arange(lo, hi + 1, dtype=np.int64)
    rows = []
    for label, pct, x, n in zip(names, pcts, xs, ns, strict=True):
        if not 0 <= pct <= 100:
            raise ParameterError("previous_pct", f"must be between 0 and 100; got {pct:g}")
        decimals = next(d for d in range(4) if abs(pct * 10**d - round(pct * 10**d)) < 1e-9)
        row: dict[str, Any] = {
            "key_question": label,
            "previous_pct": pct,
            "current_pct": 100 * x / n,
        }
        prev = nearest_counts(pct, search, decimals=decimals)
        ok = prev >= 0
        if not ok.any():
            raise ParameterError(
                "previous_pct",
                f"no previous n from {lo} to {hi} has a count that rounds to {pct:g}%; "
                "widen {n_min} to {n_max}",
                refs=["n_min", "n_max"],
                sentence=True,
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallCountWarning)
            sig = np.asarray(ztest(x, n, prev[ok], search[ok], alpha=alpha, **options).significant)
        feasible = search[ok]
        first = int(feasible[sig][0]) if sig.any() else None
        stable: int | None = None
        if sig[-1]:
            below = np.flatnonzero(~sig)
            stable = int(feasible[below[-1] + 1]) if below.size else int(feasible[0])
        row["first_significant_n"] = first
        row["significant_from_n"] = stable
        row["finding"] = _statement(first, stable, lo, hi, int(feasible[0]))
        grid_counts = nearest_counts(pct, np.asarray(points, dtype=np.int64), decimals=decimals)
        for g, gx in zip(points, grid_counts, strict=True):
            if gx < 0:
                row[f"p_at_{g}"] = np.nan
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SmallCountWarning)
                row[f"p_at_{g}"] = float(ztest(x, n, int(gx), g, alpha=alpha, **options).pvalue)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("first_significant_n", "significant_from_n"):
        frame[col] = frame[col].astype("Int64")
    return frame
