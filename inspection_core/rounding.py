"""Rounding as reports publish it: half up in exact integer arithmetic; a percentage's decimals."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


__all__ = ["MAX_DECIMALS", "decimals_of", "percent_half_up", "scaled_half_up"]

# Published percentages carry at most this many decimals; more means a computed value.
MAX_DECIMALS = 6


def scaled_half_up(x: Any, n: Any, scale: int) -> Any:
    """``x / n * scale`` rounded half up, in exact integer arithmetic (ints or int arrays).

    Examples
    --------
    >>> import numpy as np
    >>> scaled_half_up(np.array([47, 1]), np.array([62, 8]), 100)
    array([76, 13])
    """
    return (2 * scale * x + n) // (2 * n)


def percent_half_up(x: int, n: int) -> int:
    """Whole percentage of ``x`` out of ``n``, rounded half up in exact integer arithmetic.

    Examples
    --------
    >>> percent_half_up(47, 62), percent_half_up(1, 8), percent_half_up(48, 79)
    (76, 13, 61)
    """
    from .errors import ParameterError

    if n < 1 or not 0 <= x <= n:
        raise ParameterError("x", f"must be between 0 and n; got x = {x} with n = {n}")
    return int(scaled_half_up(int(x), int(n), 100))


def decimals_of(value: float, *, limit: int = MAX_DECIMALS) -> int | None:
    """Fewest decimal places that write ``value`` exactly (to float noise); None beyond ``limit``.

    Examples
    --------
    >>> decimals_of(65.0), decimals_of(65.4), decimals_of(12.125), decimals_of(1 / 3)
    (0, 1, 3, None)
    """
    for d in range(limit + 1):
        scaled = value * 10**d
        if abs(scaled - round(scaled)) <= 1e-9 * max(1.0, abs(scaled)):
            return d
    return None
