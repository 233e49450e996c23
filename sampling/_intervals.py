"""Half-widths of confidence intervals for a proportion, and the smallest n that meets a margin.

Three interval families, all with an optional finite population of size ``N`` (``np.inf`` means
infinite):

* ``normal``: Wald half-width ``z * sqrt(p (1 - p) / n * (N - n) / (N - 1))``.
* ``wilson``: Wilson score interval, with ``z**2`` scaled by the same finite population factor.
* ``exact``: Clopper-Pearson (binomial) for an infinite population, and the exact hypergeometric
  interval for the number of successes ``M`` in a finite population (tail probabilities above
  ``alpha / 2`` on each side, a tail equal to it decided exactly), divided by ``N``. Above
  ``EXACT_LIMIT`` (50,000) cases the binomial limit is used: the hypergeometric interval tends
  to Clopper-Pearson as ``N`` grows with ``n`` fixed, and scipy's hypergeometric tails get slow
  for large ``N`` (seconds per call at 10**5, over a minute per search at 10**9).
  Clopper-Pearson is the wider of the two, so the n it gives still meets the margin; at 50,000
  it asks for 183 cases where the hypergeometric interval needs 182 (+/-5 points at 80%).

For ``wilson`` and ``exact`` the half-width is evaluated at the observed count(s) nearest ``n * p``
(``floor`` and ``ceil``), taking the larger; with the default ``p = 0.5`` this is the worst case
over all outcomes.
"""

from __future__ import annotations

import math

from inspection_core.deferred import numpy_later
from inspection_core.errors import ParameterError
from inspection_core.intervals import wilson
from inspection_core.normal import fpc_factor, z_value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from fractions import Fraction
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]
else:
    np = numpy_later(globals())


METHODS = ("normal", "wilson", "exact")

EXACT_LIMIT = 50_000
"""Populations above this use the binomial (Clopper-Pearson) limit of the exact interval."""

MAX_CANDIDATES = 2**22
"""The wilson and exact searches stop beyond this many cases (about 4 million)."""

# Relative tolerance for "within the margin": float noise must not push a margin that equals the
# target (n = n0 N / (n0 + N - 1) exactly) above it.
_TOL = 1e-9


def normal_half_width(
    n: FloatArray, z: FloatArray, proportion: FloatArray, population_size: FloatArray
) -> FloatArray:
    """Wald half-width with the finite population correction."""
    p = np.asarray(proportion, dtype=float)
    return np.asarray(z * np.sqrt(p * (1 - p) / n * fpc_factor(n, population_size)))


def wilson_half_width(
    n: FloatArray, z: FloatArray, p_hat: FloatArray, population_size: FloatArray
) -> FloatArray:
    """Half-width ``(upper - lower) / 2`` of the Wilson score interval at ``p_hat``.

    ``z**2`` is multiplied by the finite population factor, so an infinite population gives the
    textbook interval (statsmodels ``proportion_confint(method="wilson")``).
    """
    n = np.asarray(n, dtype=float)
    low, high = wilson(np.asarray(p_hat, dtype=float) * n, n, z, fpc_factor(n, population_size))
    return np.asarray((high - low) / 2)


def _clopper_pearson(x: IntArray, n: IntArray, alpha: float) -> tuple[FloatArray, FloatArray]:
    from scipy.stats import beta

    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        upper = np.where(x < n, beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def _exact_alpha(value: float | Fraction) -> Fraction:
    """``alpha`` as the fraction its decimal spells (0.2 is 1/5, not 0.200000000000000011)."""
    from fractions import Fraction  # exact arithmetic, for the exact method only

    return value if isinstance(value, Fraction) else Fraction(repr(float(value)))


def _exact_tail(x: int, n: int, big_n: int, m: int, *, upper: bool) -> Fraction:
    """``P(X >= x)`` (``upper``) or ``P(X <= x)`` for X hypergeometric, as an exact fraction."""
    ks = range(x, min(n, m) + 1) if upper else range(max(0, n - (big_n - m)), x + 1)
    total = sum(math.comb(m, k) * math.comb(big_n - m, n - k) for k in ks)
    from fractions import Fraction

    return Fraction(total, math.comb(big_n, n))


def _above(
    tail: Any, half: Fraction, x: IntArray, n: IntArray, big_n: int, m: IntArray, upper: bool
) -> npt.NDArray[np.bool_]:
    """``tail > half``, with tails within a relative 1e-9 of ``half`` decided exactly.

    A tail equal to ``alpha / 2`` is outside the interval; in floating point it can land on
    either side of it (``(1 - 0.8) / 2`` is 0.09999999999999998), so near-ties are recomputed
    with integers.
    """
    limit = float(half)
    tail = np.asarray(tail, dtype=float)
    ok = np.asarray(tail > limit)
    near = np.abs(tail - limit) <= 1e-9 * limit
    for i in zip(*np.nonzero(near), strict=True):
        exact = _exact_tail(int(x[i]), int(n[i]), big_n, int(m[i]), upper=upper)
        ok[i] = exact > half
    return ok


def hypergeometric_bounds(
    x: IntArray, n: IntArray, population_size: int, alpha: float | Fraction
) -> tuple[IntArray, IntArray]:
    """Exact interval ``[M_L, M_U]`` for the number of successes in a population of size N.

    ``M_L`` is the smallest M with ``P(X >= x | M) > alpha / 2`` and ``M_U`` the largest with
    ``P(X <= x | M) > alpha / 2``; both tails are monotone in M, so a vectorised bisection over
    ``x <= M <= N - n + x`` finds them in ``log2(N)`` steps for all (x, n) pairs at once.
    ``alpha`` is taken as the decimal it spells (0.2 is exactly 1/5) and tails equal to
    ``alpha / 2`` are excluded exactly.

    Examples
    --------
    One case of 1 from 250: ``P(X >= 1 | M) = M / 250`` is 0.1 = alpha / 2 exactly at M = 25,
    which is outside, so the interval starts at 26:

    >>> lower, upper = hypergeometric_bounds(np.array([1]), np.array([1]), 250, 0.2)
    >>> int(lower[0]), int(upper[0])
    (26, 250)
    """
    from scipy.stats import hypergeom

    big_n = int(population_size)
    x = np.asarray(x, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    x, n = np.broadcast_arrays(x, n)
    half = _exact_alpha(alpha) / 2

    lo, hi = x.copy(), big_n - n + x
    while np.any(lo < hi):
        mid = (lo + hi) // 2
        ok = _above(hypergeom.sf(x - 1, big_n, mid, n), half, x, n, big_n, mid, upper=True)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid + 1)
    m_lower = lo

    lo, hi = x.copy(), big_n - n + x
    while np.any(lo < hi):
        mid = (lo + hi + 1) // 2
        ok = _above(hypergeom.cdf(x, big_n, mid, n), half, x, n, big_n, mid, upper=False)
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid - 1)
    return m_lower, lo


def exact_half_width(
    x: IntArray, n: IntArray, confidence_level: float, population_size: float
) -> FloatArray:
    """Half-width of the exact interval: Clopper-Pearson if N is infinite, else hypergeometric.

    ``alpha = 1 - confidence_level`` is computed as a fraction (1 - 4/5 = 1/5 exactly). Above
    ``EXACT_LIMIT`` cases the binomial limit (Clopper-Pearson) is used.
    """
    alpha = 1 - _exact_alpha(confidence_level)
    if np.isinf(population_size) or population_size > EXACT_LIMIT:
        lower, upper = _clopper_pearson(np.asarray(x), np.asarray(n), float(alpha))
        return np.asarray((upper - lower) / 2)
    m_lower, m_upper = hypergeometric_bounds(x, n, int(population_size), alpha)
    return np.asarray((m_upper - m_lower) / (2.0 * population_size))


def half_width(
    method: str,
    n: IntArray,
    *,
    confidence_level: float,
    proportion: float,
    population_size: float,
) -> FloatArray:
    """Half-width for each sample size in ``n`` (one confidence level, proportion and N)."""
    n = np.asarray(n, dtype=np.int64)
    z = z_value(confidence_level)
    big_n = np.asarray(population_size, dtype=float)
    if method == "normal":
        return normal_half_width(n.astype(float), z, np.asarray(proportion), big_n)
    counts = (np.floor(n * proportion), np.ceil(n * proportion))
    if method == "wilson":
        widths = [wilson_half_width(n.astype(float), z, c / n, big_n) for c in counts]
    else:
        widths = [
            exact_half_width(c.astype(np.int64), n, confidence_level, population_size)
            for c in counts
        ]
    return np.asarray(np.maximum(*widths))


def smallest_n(
    method: str,
    *,
    margin_of_error: float,
    confidence_level: float,
    proportion: float,
    population_size: float,
) -> tuple[int, int]:
    """Smallest n from which every larger n (up to N) meets the margin, and the same for N = inf.

    Half-widths of the ``wilson`` and ``exact`` methods are computed for every candidate n at once.
    Discrete intervals zig-zag, so the answer is the smallest n after which the half-width never
    goes back above the margin: a planner can add cases without losing the guarantee.
    """

    def first_stable(widths: FloatArray) -> int:
        bad = np.flatnonzero(widths > margin_of_error * (1 + _TOL))
        return int(bad[-1]) + 2 if bad.size else 1

    kwargs = {"confidence_level": confidence_level, "proportion": proportion}
    upper = 16
    while half_width(method, np.array([upper]), population_size=np.inf, **kwargs)[0] > (
        margin_of_error * 0.98
    ):
        upper *= 2
        if upper > MAX_CANDIDATES:
            raise ParameterError(
                "margin_of_error",
                f"is too small for the {method} method: {margin_of_error:g} needs more than "
                f"{MAX_CANDIDATES} cases; use the normal method for samples this large",
            )
    candidates = np.arange(1, upper + 1)
    n_infinite = first_stable(half_width(method, candidates, population_size=np.inf, **kwargs))
    if np.isinf(population_size):
        return n_infinite, n_infinite
    limit = int(min(population_size, upper))
    widths = half_width(method, candidates[:limit], population_size=population_size, **kwargs)
    while widths[-1] > margin_of_error * (1 + _TOL) and limit < population_size:
        limit = int(min(population_size, 2 * limit))
        widths = half_width(
            method, np.arange(1, limit + 1), population_size=population_size, **kwargs
        )
    return min(first_stable(widths), int(population_size)), n_infinite
