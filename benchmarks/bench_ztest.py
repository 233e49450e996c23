"""Benchmark: one million two-proportion z-tests.

Compares, in the same run:

* ``significance.ztest`` on arrays (validation, pooled z, p-value, the small-count check and the
  result object; the Newcombe interval is computed when first read, and is timed separately);
* the bare numpy expression for the pooled z and its two-sided p-value (no validation, no
  interval), the floor for any vectorised implementation;
* statsmodels ``proportions_ztest`` called once per comparison, timed on a subsample and
  extrapolated to one million.

Prints the median over repeats and the ratios the issue sets: vectorised within 2x of bare numpy,
and at least 500x faster than per-comparison statsmodels. Run:
``.venv/bin/python benchmarks/bench_ztest.py [--size 1000000] [--repeats 7] [--loop 2000]``.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--loop", type=int, default=2000, help="statsmodels subsample size")
    args = parser.parse_args()

    rng = np.random.default_rng(20190601)
    n1 = rng.integers(30, 200, args.size)
    n2 = rng.integers(30, 200, args.size)
    x1 = rng.binomial(n1, 0.65)
    x2 = rng.binomial(n2, 0.70)

    warnings.simplefilter("ignore")  # no small expected counts here, but keep the timing clean
    result = ztest(x1, n1, x2, n2)
    p_bare = bare(x1.astype(float), n1.astype(float), x2.astype(float), n2.astype(float))
    assert np.allclose(result.pvalue, p_bare, rtol=1e-10, atol=0)

    t_api = median_time(lambda: ztest(x1, n1, x2, n2), args.repeats)
    t_bare = median_time(lambda: bare(x1, n1, x2, n2), args.repeats)
    t_full = median_time(lambda: ztest(x1, n1, x2, n2).confidence_interval, args.repeats)

    k = args.loop

    def loop() -> None:
        for i in range(k):
            proportions_ztest([x1[i], x2[i]], [n1[i], n2[i]])

    t_loop = median_time(loop, max(3, args.repeats // 2)) * args.size / k

    print(f"comparisons: {args.size:,} (statsmodels timed on {k:,}, extrapolated)")
    print(f"repeats: {args.repeats} (median reported)")
    print(f"significance.ztest (vectorised): {1000 * t_api:9.1f} ms")
    print(f"ztest + Newcombe intervals read: {1000 * t_full:9.1f} ms")
    print(f"bare numpy expression:           {1000 * t_bare:9.1f} ms")
    print(f"statsmodels, once per comparison: {t_loop:8.1f} s")
    print(f"ztest / bare numpy:    {t_api / t_bare:7.2f}x  (target: at most 2x)")
    print(f"statsmodels / ztest:   {t_loop / t_api:7.0f}x  (target: at least 500x)")


if __name__ == "__main__":
    main()
