"""Validation of the arguments the significance functions share, in the house message style.

Messages come from :mod:`sampling._checks` so the two packages say the same thing. Whole-number
arrays of an integer dtype take a fast path (one pass for the minimum) because the z-test is
meant for millions of comparisons at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sampling._checks import check_choice, check_fraction, check_integer, format_value

FloatArray = npt.NDArray[np.float64]

ALTERNATIVES = ("two-sided", "greater", "less")
# statsmodels' spellings, and R's, mapped to ours for the "Did you mean" hint.
ALTERNATIVE_HINTS = {
    "larger": "greater",
    "smaller": "less",
    "two_sided": "two-sided",
    "two.sided": "two-sided",
    "twosided": "two-sided",
    "both": "two-sided",
}


def check_alternative(value: Any) -> str:
    """Check ``alternative`` (hint 'greater' for statsmodels' 'larger', 'less' for 'smaller').

    Examples
    --------
    >>> check_alternative("larger")
    Traceback (most recent call last):
    ...
    ValueError: alternative must be one of 'two-sided', 'greater', 'less'; got 'larger'. Did you mean 'greater'?
    """  # noqa: E501 - a doctest line cannot wrap
    return check_choice("alternative", value, ALTERNATIVES, ALTERNATIVE_HINTS)


def check_scalar_fraction(name: str, value: Any) -> float:
    """A single number strictly between 0 and 1 (``alpha``, ``power``)."""
    arr = check_fraction(name, value)
    if arr.ndim:
        raise TypeError(f"{name} must be a single number; got an array of shape {arr.shape}")
    return float(arr)


def check_flag(name: str, value: Any) -> bool:
    """A ``True``/``False`` option."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def whole(name: str, value: Any, minimum: int) -> npt.NDArray[Any]:
    """Whole numbers of at least ``minimum``: integer arrays as they are, anything else as floats.

    Integer arrays take a fast path (one pass for the minimum, no copy).
    """
    fast = isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.size
    if fast and value.min() >= minimum:
        return np.asarray(value)
    return check_integer(name, value, minimum=minimum)


def counts(x_name: str, x: Any, n_name: str, n: Any) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Successes ``x`` (0 to n) and trials ``n`` (at least 1), broadcast together."""
    x_arr = whole(x_name, x, 0)
    n_arr = whole(n_name, n, 1)
    try:
        x_arr, n_arr = np.broadcast_arrays(x_arr, n_arr)
    except ValueError:
        raise ValueError(
            f"{x_name} and {n_name} must have the same shape; got {np.shape(x)} and {np.shape(n)}"
        ) from None
    over = x_arr > n_arr
    if over.any():
        i = int(np.flatnonzero(over.ravel())[0])
        raise ValueError(
            f"{x_name} must be at most {n_name} ({format_value(n_arr.ravel()[i])}); "
            f"got {format_value(x_arr.ravel()[i])}"
        )
    return x_arr, n_arr


def population(name: str, value: Any, n_name: str, n: npt.NDArray[Any]) -> FloatArray | None:
    """Eligible population size(s) for the finite population correction, at least ``n``.

    ``None`` means infinite (no correction); inside an array ``inf`` means infinite.
    """
    if value is None:
        return None
    arr = np.asarray(value, dtype=float) if not isinstance(value, str | bool) else None
    if arr is None or arr.dtype.kind != "f":
        raise TypeError(f"{name} must be a whole number or None; got {value!r}")
    finite = np.isfinite(arr)
    if finite.any():
        check_integer(name, arr[finite], minimum=1, what="a whole number of at least 1")
    if np.isnan(arr).any():
        raise ValueError(f"{name} must be a whole number of at least 1; got nan")
    big_n, n_b = np.broadcast_arrays(arr, n)
    small = big_n < n_b
    if small.any():
        i = int(np.flatnonzero(small.ravel())[0])
        raise ValueError(
            f"{name} must be at least {n_name} ({format_value(n_b.ravel()[i])}), the cases "
            f"sampled from it; got {format_value(big_n.ravel()[i])}"
        )
    return arr


def fpc(n: npt.NDArray[Any], big_n: Any) -> FloatArray | float:
    """``(N - n) / (N - 1)``: 1 with no population, 0 for a census (n = N)."""
    if big_n is None:
        return 1.0
    big_n = np.asarray(big_n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(np.isinf(big_n), 1.0, (big_n - n) / (big_n - 1.0))
    return np.asarray(np.where(n >= big_n, 0.0, f), dtype=float)


def output(value: npt.NDArray[Any], scalar: bool) -> Any:
    """A float (or int/bool, by dtype) for scalar input, else the array."""
    if not scalar:
        return value
    item = np.asarray(value).item()
    return item
