"""Counts behind published whole percentages, and the z-test from them.

Reports publish whole percentages rounded half up (``round(100 x / n)`` with halves going up).
Given the percentage and n, the count is any x from 0 to n whose percentage rounds to the
published one. The rounding is done in integer arithmetic, so halves are exact.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from inspection_core.checks import check_integer, format_value
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result

from ._warnings import AmbiguousPercentageWarning
from ._ztest import ZTestResult, ztest

__all__ = ["MAX_N", "PercentageCounts", "counts_from_percentage", "ztest_from_percentages"]

MAX_N = 10**7
"""Largest n a published percentage is turned into a count for."""


@dataclass(frozen=True)
class PercentageCounts(Result):
    """The counts out of ``n`` that a published percentage can come from.

    Attributes
    ----------
    percentage : float
        The published percentage (61 for 61%).
    n : int
        Cases the percentage is of.
    count : int
        The candidate nearest ``percentage * n / 100`` (the smaller on a tie): the one used.
    candidates : tuple of int
        Every count that rounds to ``percentage``.
    decimals : int
        Decimal places the percentage was published to.
    """

    percentage: float
    n: int
    count: int
    candidates: tuple[int, ...]
    decimals: int

    def summary(self) -> str:
        """The count(s) in a sentence."""
        pct = f"{self.percentage:.{self.decimals}f}%"
        if len(self.candidates) == 1:
            return f"{pct} of {self.n} is {self.count} cases."
        listed = ", ".join(map(str, self.candidates))
        return f"{pct} of {self.n} could be {listed} cases; {self.count} is used."


def _rounded(x: np.ndarray[Any, np.dtype[np.int64]], n: int, scale: int) -> Any:
    """``x / n * scale`` rounded half up, in exact integer arithmetic."""
    return (2 * scale * x + n) // (2 * n)


def counts_from_percentage(percentage: Any, n: Any, *, decimals: int = 0) -> PercentageCounts:
    """Counts out of ``n`` whose percentage, rounded half up, is the published ``percentage``.

    Parameters
    ----------
    percentage : float
        The published percentage, between 0 and 100 (61 for 61%, not 0.61).
    n : int
        Cases the percentage is of (at least 1).
    decimals : int, default 0
        Decimal places the percentage was published to (reports use whole numbers).

    Returns
    -------
    PercentageCounts
        ``count`` (the one to use) and every candidate.

    Raises
    ------
    ValueError
        No count out of n rounds to the percentage, a percentage outside [0, 100], a
        percentage with more decimals than ``decimals``, or n below 1 or above :data:`MAX_N`.
    TypeError
        A non-numeric input.

    Warns
    -----
    AmbiguousPercentageWarning
        When several counts round to the percentage (n above 100 at 0 decimals can do this).

    Examples
    --------
    61% of the 79 cases in a harm sub-sample is 48 (47 would be 59%, 49 would be 62%):

    >>> counts_from_percentage(61, 79).count
    48

    No count out of 44 gives 79% (34 is 77%, 35 is 80%):

    >>> counts_from_percentage(79, 44)
    Traceback (most recent call last):
    ...
    ValueError: no count out of n = 44 rounds to 79%: 34 gives 77% and 35 gives 80%
    """
    dec = int(check_integer("decimals", decimals, minimum=0, maximum=6))
    n_int = int(check_integer("n", n, minimum=1, what="a whole number of at least 1"))
    if n_int > MAX_N:
        raise ParameterError(
            "n",
            f"must be at most {MAX_N} to turn a percentage into a count (a rounded percentage "
            f"of more cases fits too many counts to say which); got {n_int}",
        )
    arr = np.asarray(percentage) if not isinstance(percentage, str | bool) else None
    if arr is None or arr.dtype.kind not in "iuf" or arr.ndim:
        raise ParameterTypeError("percentage", f"must be a single number; got {percentage!r}")
    pct = float(arr)
    if not 0 <= pct <= 100:
        raise ParameterError("percentage", f"must be between 0 and 100; got {format_value(pct)}")
    scaled = round(pct * 10**dec)
    if abs(pct * 10**dec - scaled) > 1e-9 * max(1.0, abs(scaled)):
        hint = ""
        if 0 < pct < 1 and dec == 0:
            hint = f". Did you mean {format_value(round(pct * 100, 10))}?"
        places = "a whole number" if dec == 0 else f"a number with at most {dec} decimals"
        raise ParameterError("percentage", f"must be {places}; got {format_value(pct)}{hint}")
    scale = 100 * 10**dec
    # Counts whose rounded percentage is `scaled` form one run [low, high] (the rounding is
    # monotone in x): x rounds to at least s when 2 scale x + n >= 2 n s, exact in integers.
    low = max(0, -((n_int - 2 * n_int * scaled) // (2 * scale)))
    high = min(n_int, -((n_int - 2 * n_int * (scaled + 1)) // (2 * scale)) - 1)
    candidates = tuple(range(low, high + 1))
    text = f"{pct:.{dec}f}%"
    if not candidates:
        below = high if high >= 0 else None  # the largest count rounding below
        above = low if low <= n_int else None  # the smallest count rounding above
        near = []
        for x in (below, above):
            if x is not None:
                got = _rounded(np.array([x], dtype=np.int64), n_int, scale)[0] / 10**dec
                near.append(f"{x} gives {got:.{dec}f}%")
        raise ValueError(f"no count out of n = {n_int} rounds to {text}: {' and '.join(near)}")
    target = pct * n_int / 100
    count = min(candidates, key=lambda c: (abs(c - target), c))
    if len(candidates) > 1:
        listed = (
            ", ".join(map(str, candidates))
            if len(candidates) <= 6
            else f"{len(candidates)} counts from {candidates[0]} to {candidates[-1]}"
        )
        warnings.warn(
            f"{text} of {n_int} could be any of {listed} cases; "
            f"using {count}, the nearest to {text} x {n_int}",
            AmbiguousPercentageWarning,
            stacklevel=2,
        )
    return PercentageCounts(
        percentage=pct, n=n_int, count=count, candidates=candidates, decimals=dec
    )


def ztest_from_percentages(
    percentage1: Any, n1: Any, percentage2: Any, n2: Any, *, decimals: int = 0, **options: Any
) -> ZTestResult:
    """The z-test of :func:`ztest` from published percentages and their n.

    Each percentage is turned into a count with :func:`counts_from_percentage` (rounded half up;
    the nearest count when several fit, with a warning), then the counts are tested.

    Parameters
    ----------
    percentage1, n1, percentage2, n2 : float and int, or array_like
        Published percentages (74 for 74%) and the cases each is of. Arrays are converted
        element by element.
    decimals : int, default 0
        Decimal places the percentages were published to.
    **options
        Passed to :func:`ztest` (``alpha``, ``alternative``, ``pooled``, ...).

    Returns
    -------
    ZTestResult
        With the counts used; ``method`` says the counts came from percentages.

    Raises
    ------
    ValueError
        A percentage no count out of its n rounds to, and everything :func:`ztest` rejects.

    Examples
    --------
    74% of 100 this round against 65% of 100 last time:

    >>> result = ztest_from_percentages(74, 100, 65, 100)
    >>> result.x1, result.x2, round(result.pvalue, 4)
    (74, 65, 0.1669)
    """
    scalar = all(np.ndim(v) == 0 for v in (percentage1, n1, percentage2, n2))
    if scalar:
        x1: Any = counts_from_percentage(percentage1, n1, decimals=decimals).count
        x2: Any = counts_from_percentage(percentage2, n2, decimals=decimals).count
    else:
        for name, value in (("percentage1", percentage1), ("percentage2", percentage2)):
            if np.asarray(value).dtype.kind not in "iuf":
                raise TypeError(f"{name} must be a number or an array of numbers; got {value!r}")
        try:
            b1, m1, b2, m2 = np.broadcast_arrays(
                *map(np.asarray, (percentage1, n1, percentage2, n2))
            )
        except ValueError:
            raise ValueError(
                "percentage1, n1, percentage2 and n2 must broadcast together"
            ) from None
        x1 = np.empty(b1.shape, dtype=np.int64)
        x2 = np.empty(b1.shape, dtype=np.int64)
        for idx in np.ndindex(b1.shape):
            x1[idx] = counts_from_percentage(b1[idx], m1[idx], decimals=decimals).count
            x2[idx] = counts_from_percentage(b2[idx], m2[idx], decimals=decimals).count
        n1, n2 = m1, m2
    result = ztest(x1, n1, x2, n2, **options)
    return dataclasses.replace(
        result, method=result.method + "; counts from published percentages (rounded half up)"
    )
