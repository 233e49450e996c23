"""Vectorised root finding for the power solvers (cases per round, detectable difference)."""

from __future__ import annotations

from collections.abc import Callable

from inspection_core.deferred import numpy_later

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())


__all__ = ["bisect"]


def bisect(gap: Callable[[FloatArray], FloatArray], bad: Any, good: Any) -> FloatArray:
    """Per element, the point nearest ``bad`` on the way to ``good`` where ``gap >= 0``.

    Vectorised bisection to the last bit: each element stops when no float lies between its two
    ends, and a stopped element is never touched again, so an array gives bit for bit the values
    of scalar calls. ``gap(good) >= 0`` is assumed, ``gap(bad)`` is never evaluated; if no
    point strictly between has ``gap >= 0``, ``good`` comes back.

    Examples
    --------
    >>> float(bisect(lambda x: x * x - 2.0, 0.0, 2.0))
    1.4142135623730951
    """
    bad = np.array(bad, dtype=float, copy=True)
    good = np.array(good, dtype=float, copy=True)
    bad, good = np.broadcast_arrays(bad, good)
    bad, good = bad.copy(), good.copy()
    for _ in range(2200):  # more than enough for any pair of doubles
        mid = bad + (good - bad) / 2.0
        live = (mid != bad) & (mid != good)
        if not live.any():
            break
        ok = np.asarray(gap(mid)) >= 0
        good = np.where(live & ok, mid, good)
        bad = np.where(live & ~ok, mid, bad)
    return np.asarray(good, dtype=float)
