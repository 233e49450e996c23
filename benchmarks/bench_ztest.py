"""Benchmark: one million two-proportion z-tests.

Compares, in the same run:

* ``significance.ztest`` on arrays (validation, pooled z, p-value, the small-count check and the
  result object; the Newcombe interval is computed when first read, and is timed separately);
* the bare numpy expression for the pooled z and its two-sided p-value (no validation, no
  interval), the floor for any vectorised implementation;
* statsmodels ``proportions_ztest`` called once per comparison, timed on a subsample and
  extrapolated to one million.

The vectorised timings are interleaved (each repeat runs each in turn). Prints the median over
repeats and the ratios the issue sets: vectorised within 2x of bare numpy, and at least 500x
faster than per-comparison statsmodels. Used by ``benchmarks/run.py`` (``make bench``) and
runnable alone: ``.venv/bin/python benchmarks/bench_ztest.py [--size 1000000] [--repeats 7]
[--loop 2000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import ndtr
from statsmodels.stats.proportion import proportions_ztest

from significance import ztest


def median_time(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    p = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 2 * ndtr(-np.abs(z))


def make_counts(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Seeded counts x1 of n1 and x2 of n2 (30 to 199 cases, rates near 65% and 70%)."""
    rng = np.random.default_rng(20190601)
    n1 = rng.integers(30, 200, size)
    n2 = rng.integers(30, 200, size)
    return rng.binomial(n1, 0.65), n1, rng.binomial(n2, 0.70), n2


def measure(size: int = 1_000_000, repeats: int = 7, loop: int = 2000) -> dict[str, float]:
    """Seconds for ``size`` comparisons: keys api, api_with_interval, bare, statsmodels.

    ``statsmodels`` is the time of ``loop`` per-comparison calls scaled to ``size``.
    """
    x1, n1, x2, n2 = make_counts(size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no small expected counts here; keep the timing clean
        result = ztest(x1, n1, x2, n2)
        p_bare = bare(x1.astype(float), n1.astype(float), x2.astype(float), n2.astype(float))
        z_made = np.asarray(result.test) == "z"  # small counts: Fisher's test makes the call
        if not np.allclose(result.pvalue[z_made], p_bare[z_made], rtol=1e-10, atol=0):
            raise AssertionError("ztest and the bare expression disagree")
        fns: dict[str, Callable[[], Any]] = {
            "api": lambda: ztest(x1, n1, x2, n2),
            "bare": lambda: bare(x1, n1, x2, n2),
            "api_with_interval": lambda: ztest(x1, n1, x2, n2).confidence_interval(),
        }
        times: dict[str, list[float]] = {name: [] for name in fns}
        for _ in range(repeats):
            for name, fn in fns.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)

        def per_call() -> None:
            for i in range(loop):
                proportions_ztest([x1[i], x2[i]], [n1[i], n2[i]])

        t_loop = median_time(per_call, max(3, repeats // 2)) * size / loop
    out = {name: statistics.median(t) for name, t in times.items()}
    out["statsmodels"] = t_loop
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--loop", type=int, default=2000, help="statsmodels subsample size")
    args = parser.parse_args()
    t = measure(args.size, args.repeats, args.loop)
    print(f"comparisons: {args.size:,} (statsmodels timed on {args.loop:,}, extrapolated)")
    print(f"repeats: {args.repeats} (median reported)")
    print(f"significance.ztest (vectorised): {1000 * t['api']:9.1f} ms")
    print(f"ztest + Newcombe intervals read: {1000 * t['api_with_interval']:9.1f} ms")
    print(f"bare numpy expression:           {1000 * t['bare']:9.1f} ms")
    print(f"statsmodels, once per comparison: {t['statsmodels']:8.1f} s")
    print(f"ztest / bare numpy:    {t['api'] / t['bare']:7.2f}x  (target: at most 2x)")
    print(f"statsmodels / ztest:   {t['statsmodels'] / t['api']:7.0f}x  (target: at least 500x)")


if __name__ == "__main__":
    main()
