"""Validation at the public boundary, shared by ``sampling`` and ``significance``.

Every check raises :class:`~inspection_core.errors.ParameterTypeError` (a ``TypeError``) for a
wrong kind and :class:`~inspection_core.errors.ParameterError` (a ``ValueError``) for a wrong
value, with one message style: ``"<name> must be <what is valid>; got <value>. Did you mean
<hint>?"``. The error carries the parameter's name, so the command line names its flag instead.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable

from .deferred import loaded, numpy_later
from .errors import ParameterError, ParameterTypeError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt
else:
    np = numpy_later(globals())

__all__ = [
    "EDGE",
    "LARGEST_WHOLE",
    "check_choice",
    "check_confidence_level",
    "check_flag",
    "check_fraction",
    "check_integer",
    "check_path",
    "check_population_size",
    "check_proportion",
    "check_scalar_fraction",
    "format_value",
    "is_fraction",
    "is_number",
    "is_whole",
    "whole",
]


def format_value(value: Any) -> str:
    """Render a value for an error message: numbers plainly, strings quoted."""
    if isinstance(value, str):
        return repr(value)
    numpy = loaded()  # without numpy loaded, no value is a numpy scalar
    floating = isinstance(value, float) or (numpy is not None and isinstance(value, numpy.floating))
    if floating and float(value).is_integer():
        return str(int(value)) if abs(float(value)) < 1e15 else f"{float(value):.3g}"
    if numpy is not None and isinstance(value, numpy.generic):
        return str(value.item())
    return str(value)


def _as_numeric(name: str, value: Any) -> npt.NDArray[np.float64]:
    """Return ``value`` as a float array, rejecting booleans, strings and other non-numbers."""
    import numbers

    if isinstance(value, (bool | np.bool_, str | bytes)):
        raise ParameterTypeError(name, f"must be a number; got {format_value(value)}")
    if isinstance(value, numbers.Number):
        return np.asarray(float(value))  # type: ignore[arg-type]
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and other oddities
        raise ParameterTypeError(
            name, f"must be a number or an array of numbers; got {value!r}"
        ) from exc
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise ParameterTypeError(name, f"must be a number or an array of numbers; got {value!r}")
    if arr.size == 0:
        raise ParameterError(name, "must not be empty; got an empty array")
    return arr.astype(np.float64)


EDGE = 1e-12
"""Fractions must lie at least this far from 0 and from 1: closer ones underflow (1e-320) or
round to 1 (0.9999999999999999 gives an infinite normal quantile)."""

LARGEST_WHOLE = 2**53
"""Largest count accepted: every whole number up to it is exact in a float (beyond, 2**53 + 1
cannot be told from 2**53, and int64 arithmetic would soon wrap)."""


def _first_bad(arr: npt.NDArray[np.float64], bad: npt.NDArray[np.bool_]) -> float:
    return float(arr[bad].flat[0]) if arr.ndim else float(arr)


def _percent_hint(value: float, decimals: int) -> str:
    """'. Did you mean 0.80?' when ``value`` looks like a percentage (more than 1, at most 100)."""
    if 1 < value <= 100:
        fraction = value / 100
        text = f"{fraction:.{decimals}f}"
        if float(text) != round(fraction, 12):  # 1.2 -> 0.012, not 0.01
            text = f"{round(fraction, 12):g}"
        return f". Did you mean {text}?"
    return ""


def check_fraction(
    name: str,
    value: Any,
    *,
    what: str = "between 0 and 1 (exclusive)",
    hint_decimals: int = 2,
) -> npt.NDArray[np.float64]:
    """Check a value (or array) lies strictly between 0 and 1; hint when a percentage was given.

    Examples
    --------
    >>> float(check_fraction("margin_of_error", 0.05))
    0.05
    >>> check_fraction("margin_of_error", 5)
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: margin_of_error must be between 0 and 1 (exclusive); got 5. Did you mean 0.05?
    """  # noqa: E501 - a doctest line cannot wrap
    arr = _as_numeric(name, value)
    bad = ~((arr > 0) & (arr < 1))
    if bad.any():
        v = _first_bad(arr, bad)
        raise ParameterError(
            name, f"must be {what}; got {format_value(v)}{_percent_hint(v, hint_decimals)}"
        )
    edge = (arr < EDGE) | (arr > 1 - EDGE)
    if edge.any():
        v = _first_bad(arr, edge)
        raise ParameterError(
            name,
            f"must be {what} and at least {EDGE:g} from 0 and 1 (closer values cannot be "
            f"computed reliably); got {v!r}",
        )
    return arr


def check_confidence_level(value: Any, name: str = "confidence_level") -> npt.NDArray[np.float64]:
    """Check a confidence level lies strictly between 0 and 1 (80 hints 0.80)."""
    return check_fraction(name, value)


def check_proportion(value: Any, name: str = "proportion") -> npt.NDArray[np.float64]:
    """Check an expected proportion lies strictly between 0 and 1."""
    return check_fraction(name, value)


def check_integer(
    name: str,
    value: Any,
    *,
    minimum: int = 0,
    what: str | None = None,
    maximum: int = LARGEST_WHOLE,
) -> npt.NDArray[np.float64]:
    """Check a whole number (or array of them) from ``minimum`` to ``maximum``.

    Floats like 254.0 pass. The default ``maximum`` is 2**53 (:data:`LARGEST_WHOLE`).

    Examples
    --------
    >>> check_integer("n", 1e30)
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: n must be a whole number of at most 9007199254740992 (2**53); got 1e+30
    """  # noqa: E501 - a doctest line cannot wrap
    if isinstance(value, int) and not isinstance(value, bool) and value > maximum:
        shown = str(value) if value.bit_length() < 64 else f"about 2**{value.bit_length() - 1}"
        raise ParameterError(name, f"must be a whole number of at most {maximum}; got {shown}")
    arr = _as_numeric(name, value)
    valid = what or f"a whole number of at least {minimum}"
    bad = ~np.isfinite(arr) | (arr != np.floor(arr)) | (arr < minimum)
    if bad.any():
        v = _first_bad(arr, bad)
        raise ParameterError(name, f"must be {valid}; got {format_value(v)}")
    big = arr > maximum
    if big.any():
        v = _first_bad(arr, big)
        bound = f"{maximum} (2**53)" if maximum == LARGEST_WHOLE else str(maximum)
        raise ParameterError(name, f"must be a whole number of at most {bound}; got {v:.3g}")
    return arr


def check_population_size(value: Any, name: str = "population_size") -> npt.NDArray[np.float64]:
    """Check a population size: a whole number of at least 1 (``None`` is handled by callers)."""
    return check_integer(name, value, minimum=1, what="a whole number of at least 1")


def check_choice(
    name: str, value: Any, choices: Iterable[str], hints: dict[str, str] | None = None
) -> str:
    """Check ``value`` is one of ``choices``; suggest the right one for known mistakes.

    Examples
    --------
    >>> check_choice("method", "normal", ("normal", "wilson", "exact"))
    'normal'
    >>> check_choice("method", "wald", ("normal", "wilson", "exact"))
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: method must be one of 'normal', 'wilson', 'exact'; got 'wald'
    """  # noqa: E501 - a doctest line cannot wrap
    options = tuple(choices)
    if not isinstance(value, str):
        raise ParameterTypeError(
            name, f"must be one of {', '.join(map(repr, options))}; got {value!r}"
        )
    if value not in options:
        hint = (hints or {}).get(value)
        extra = f". Did you mean {hint!r}?" if hint else ""
        raise ParameterError(
            name, f"must be one of {', '.join(map(repr, options))}; got {value!r}{extra}"
        )
    return value


def check_scalar_fraction(name: str, value: Any) -> float:
    """A single number strictly between 0 and 1 (``alpha``, ``power``)."""
    if type(value) is float and 0 < value < 1 and EDGE <= value <= 1 - EDGE:
        return value  # what the checks below return for it, without numpy (NaN fails here)
    arr = check_fraction(name, value)
    if arr.ndim:
        raise ParameterTypeError(
            name, f"must be a single number; got an array of shape {arr.shape}"
        )
    return float(arr)


def check_path(name: str, value: Any) -> str | os.PathLike[str]:
    """A file name (``str`` or path-like); anything else is refused before it reaches ``open``.

    ``open`` takes an integer as a file descriptor and closes it afterwards, so a number given
    by mistake would close one of the process's own files (standard output, a log).

    Examples
    --------
    >>> check_path("path", 1)
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterTypeError: path must be a file name; got 1
    """
    if not isinstance(value, str | os.PathLike) or not isinstance(os.fspath(value), str):
        raise ParameterTypeError(name, f"must be a file name; got {value!r}")
    if not os.fspath(value).strip():
        raise ParameterError(name, "must name a file; got an empty name")
    return value


def check_flag(name: str, value: Any) -> bool:
    """A ``True``/``False`` option."""
    numpy = loaded()
    if not (isinstance(value, bool) or (numpy is not None and isinstance(value, numpy.bool_))):
        raise ParameterTypeError(name, f"must be True or False; got {value!r}")
    return bool(value)


def whole(name: str, value: Any, minimum: int) -> npt.NDArray[Any]:
    """Whole numbers of at least ``minimum``: integer arrays as they are, anything else as floats.

    Integer arrays take a fast path (one pass for the minimum, no copy).
    """
    fast = isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.size
    if fast and value.min() >= minimum and value.max() <= LARGEST_WHOLE:
        return np.asarray(value)
    return check_integer(name, value, minimum=minimum)


# Predicates for the scalar fast paths: True means the value passes the matching check above
# unchanged. A fast path that meets anything else hands the call to the array path, whose check
# raises the error (one home for every message).


def is_number(value: Any) -> bool:
    """A plain Python ``int`` or ``float`` (not a bool, not a numpy scalar, not a string)."""
    return type(value) is int or type(value) is float


def is_fraction(value: Any) -> bool:
    """A plain number that :func:`check_fraction` passes: at least :data:`EDGE` from 0 and 1.

    Examples
    --------
    >>> is_fraction(0.05), is_fraction(5), is_fraction(True), is_fraction(float("nan"))
    (True, False, False, False)
    """
    return is_number(value) and EDGE <= value <= 1 - EDGE


def is_whole(value: Any, minimum: int = 0) -> bool:
    """A plain number that :func:`check_integer` passes: whole, ``minimum`` to 2**53.

    Examples
    --------
    >>> is_whole(100), is_whole(100.0), is_whole(100.5), is_whole(0, minimum=1)
    (True, True, False, False)
    """
    if type(value) is int:
        return minimum <= value <= LARGEST_WHOLE
    return (
        type(value) is float
        and math.isfinite(value)
        and value.is_integer()
        and minimum <= value <= LARGEST_WHOLE
    )
