"""Barnard's exact unconditional test, with the ordering of the statistic decided exactly.

Barnard's p-value is ``max over pi of P_pi(T >= T_obs)``: the chance, when both groups share a
success rate ``pi``, of a table whose Wald statistic ``T`` is at least as extreme as the one
observed, maximised over the nuisance rate. Which tables count as "at least as extreme" is a
question about ties: tables (3, 1) and (1, 3) of 3 and 3 have ``|z| = sqrt(3)`` exactly, but in
floating point the two values differ in the last bit and scipy's ``barnard_exact`` (scipy issue
#18798) drops one of them, giving 0.155 for ``3/3 vs 1/3`` where the test's definition gives
0.219.

Here the statistic is computed in floating point for every table, and every table within a
relative 1e-9 of the observed value is compared again in exact integer arithmetic: ``T**2`` is
a ratio of integers,

* pooled: ``T**2 = D**2 N / (n1 n2 s (N - s))``,
* unpooled: ``T**2 = D**2 n1 n2 / (a (n1 - a) n2**3 + b (n2 - b) n1**3)``,

with ``D = a n2 - b n1``, ``s = a + b`` and ``N = n1 + n2`` (``T = 0`` when ``D = 0``;
``T = +/-inf`` when the unpooled variance is 0 and ``D`` is not), so ties are ties.

The tail probability is written as ``sum_s Binom(s; N, pi) h_s``, where ``h_s`` is the
hypergeometric probability that a table with ``s`` successes in all is in the tail: every term
lies in [0, 1], so nothing overflows at any n. It is maximised over ``pi`` on a grid dense near 0
and 1 (uniform in ``asin(sqrt(pi))``, ``2 N + 65`` points), then every local maximum of the grid is
refined by Brent's bounded method to 1e-12.
"""

from __future__ import annotations

import math

from inspection_core.deferred import numpy_later

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())


__all__ = ["barnard_pvalue"]


_NEAR = 1e-9  # relative distance below which two statistics are compared exactly


def _statistic(a: FloatArray, b: FloatArray, n1: int, n2: int, *, pooled: bool) -> FloatArray:
    """The Wald statistic of every table ``(a, b)`` in floating point (0 where ``a/n1 = b/n2``)."""
    p1, p2 = a / n1, b / n2
    if pooled:
        p = (a + b) / (n1 + n2)
        var = p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)
    else:
        var = p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (p1 - p2) / np.sqrt(var)
    return np.asarray(np.where(p1 == p2, 0.0, t), dtype=float)


def _exact_key(a: int, b: int, n1: int, n2: int, *, pooled: bool) -> tuple[int, int, int]:
    """``(sign, num, den)`` with ``T = sign * sqrt(num / den)`` exactly (den 0: infinite)."""
    d = a * n2 - b * n1
    if d == 0:
        return 0, 0, 1
    if pooled:
        s, big_n = a + b, n1 + n2
        num, den = d * d * big_n, n1 * n2 * s * (big_n - s)
    else:
        num = d * d * n1 * n2
        den = a * (n1 - a) * n2**3 + b * (n2 - b) * n1**3
    return (1 if d > 0 else -1), num, den


def _at_least(key: tuple[int, int, int], obs: tuple[int, int, int], alternative: str) -> bool:
    """Whether a table's statistic is at least as extreme as the observed one, exactly."""
    sign, num, den = key
    sign_o, num_o, den_o = obs
    # sign of T**2 - T_obs**2 by cross-multiplication (works for den = 0: T infinite)
    square = (num * den_o > num_o * den) - (num * den_o < num_o * den)
    if alternative == "two-sided":
        return square >= 0
    if alternative == "less":
        sign, sign_o = -sign, -sign_o
    if sign != sign_o:
        return sign > sign_o
    return sign == 0 or (square >= 0 if sign > 0 else square <= 0)


def _tail(x1: int, n1: int, x2: int, n2: int, alternative: str, *, pooled: bool) -> FloatArray:
    """Boolean table of the outcomes ``(a, b)`` at least as extreme as ``(x1, x2)``."""
    a = np.arange(n1 + 1, dtype=float)[:, None]
    b = np.arange(n2 + 1, dtype=float)[None, :]
    t = _statistic(a, b, n1, n2, pooled=pooled)
    t_obs = float(t[x1, x2])
    if alternative == "two-sided":
        stat, obs = np.abs(t), abs(t_obs)
    else:
        stat, obs = (t, t_obs) if alternative == "greater" else (-t, -t_obs)
    tail = stat >= obs
    # Float comparisons are exact for infinite statistics; finite near-ties are decided exactly.
    near = np.zeros(tail.shape, dtype=bool)
    if math.isfinite(obs):
        near = np.abs(stat - obs) <= _NEAR * max(1.0, abs(obs))
    key_obs = _exact_key(x1, x2, n1, n2, pooled=pooled)
    for i, j in zip(*np.nonzero(near), strict=True):
        tail[i, j] = _at_least(
            _exact_key(int(i), int(j), n1, n2, pooled=pooled), key_obs, alternative
        )
    return np.asarray(tail)


def _log_comb(n: int) -> FloatArray:
    from scipy.special import gammaln

    k = np.arange(n + 1, dtype=float)
    return np.asarray(gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0))


def _bernstein(coef: FloatArray, pi: FloatArray) -> FloatArray:
    """``sum_j coef_j Binom(j; M, pi)`` for each ``pi`` (``M = len(coef) - 1``), in log space."""
    m = coef.size - 1
    if m < 0:
        return np.zeros(pi.shape)
    j = np.arange(m + 1, dtype=float)
    x = pi[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = _log_comb(m) + j * np.log(x) + (m - j) * np.log1p(-x)
    log_pmf = np.where((j == 0) & (x == 0.0), 0.0, log_pmf)
    log_pmf = np.where((j == m) & (x == 1.0), 0.0, log_pmf)
    return np.asarray(np.exp(log_pmf) @ coef)


def _maximise(h: FloatArray) -> float:
    """``max over pi in [0, 1] of sum_s h_s Binom(s; N, pi)``.

    A grid uniform in ``asin(sqrt(pi))`` (dense near 0 and 1, where peaks are narrow), then each
    interior local maximum of the grid refined by safeguarded Newton steps on the derivative
    (Bernstein form: ``g' = N sum_j Binom(j; N - 1, pi) (h_(j+1) - h_j)``), all at once.
    """
    big_n = h.size - 1
    grid = np.sin(np.linspace(0.0, np.pi / 2, 2 * big_n + 65)) ** 2
    grid[0], grid[-1] = 0.0, 1.0
    values = _bernstein(h, grid)
    best = float(values.max())
    if big_n < 2:
        return best  # linear in pi: the maximum is at an end
    peak = np.flatnonzero((values[1:-1] >= values[:-2]) & (values[1:-1] >= values[2:])) + 1
    if peak.size == 0:
        return best  # monotone: the maximum is at an end
    lo, hi = grid[peak - 1], grid[peak + 1]
    x = grid[peak].copy()
    d1_coef = big_n * np.diff(h)
    d2_coef = (big_n - 1) * np.diff(d1_coef)
    for _ in range(100):
        d1, d2 = _bernstein(d1_coef, x), _bernstein(d2_coef, x)
        lo = np.where(d1 > 0, x, lo)
        hi = np.where(d1 > 0, hi, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - d1 / d2
        inside = (d2 < 0) & (newton > lo) & (newton < hi)
        step = np.where(inside, newton, (lo + hi) / 2.0)
        done = (np.abs(step - x) <= 1e-15) | (d1 == 0) | (hi - lo <= 1e-15)
        x = np.where(d1 == 0, x, step)
        if done.all():
            break
    return max(best, float(_bernstein(h, x).max()))


def barnard_pvalue(
    x1: int, n1: int, x2: int, n2: int, alternative: str, *, pooled: bool = True
) -> float:
    """Barnard's exact p-value for ``x1`` of ``n1`` against ``x2`` of ``n2``.

    ``alternative='greater'`` means ``p1 > p2`` (scipy's orientation of the table
    ``[[x1, x2], [n1 - x1, n2 - x2]]``).

    Examples
    --------
    3 of 3 against 1 of 3: four tables tie at ``|z| = sqrt(3)`` and all four count.

    >>> round(barnard_pvalue(3, 3, 1, 3, "two-sided"), 6)
    0.21875
    """
    tail = _tail(x1, n1, x2, n2, alternative, pooled=pooled)
    big_n = n1 + n2
    # h_s: hypergeometric probability, given s successes in all, of a table in the tail
    log_h = _log_comb(n1)[:, None] + _log_comb(n2)[None, :]
    s = np.add.outer(np.arange(n1 + 1), np.arange(n2 + 1))
    log_h = log_h - _log_comb(big_n)[s]
    h = np.bincount(s[tail], weights=np.exp(log_h[tail]), minlength=big_n + 1)
    return min(_maximise(np.minimum(h, 1.0)), 1.0)
