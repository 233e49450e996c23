"""Benchmark: cases per round for many settings at once, against statsmodels' vectorised call.

Compares, in the same run and interleaved (each repeat runs each in turn):

* ``significance.sample_size_per_group(p1, p2)`` on arrays (validation, the closed-form n, the
  finite population stage, rounding up, the achieved power and the result object);
* statsmodels ``samplesize_proportions_2indep_onetail(p1 - p2, p2, power)``, its vectorised
  closed form for the same pooled-null approximation (n only: no rounding, no achieved power);
* ``sample_size_per_group(..., strict=True)`` (vectorised bisection; statsmodels has no strict
  equivalent) and ``minimum_detectable_difference`` on arrays, for scale.

Prints the median CPU time over repeats. Runnable alone:
``.venv/bin/python benchmarks/bench_power.py [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

from significance import minimum_detectable_difference, sample_size_per_group


def _calls(p1: np.ndarray, p2: np.ndarray) -> dict[str, Callable[[], Any]]:
    return {
        "sample_size_per_group": lambda: sample_size_per_group(p1, p2, power=0.8, alpha=0.1),
        "statsmodels": lambda: samplesize_proportions_2indep_onetail(p1 - p2, p2, 0.8, alpha=0.1),
    }


def run(sizes: tuple[int, ...], repeats: int) -> None:
    rng = np.random.default_rng(2026)
    for size in sizes:
        p2 = rng.uniform(0.05, 0.9, size)
        p1 = np.clip(p2 + rng.uniform(0.02, 0.1, size), 0.0, 0.99)
        # the same n from both (statsmodels uses alpha / 2 per tail, as we do two-sided)
        ours = sample_size_per_group(p1, p2, power=0.8, alpha=0.1).n_unrounded
        theirs = samplesize_proportions_2indep_onetail(p1 - p2, p2, 0.8, alpha=0.1)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        calls = _calls(p1, p2)
        times: dict[str, list[float]] = {k: [] for k in calls}
        for _ in range(repeats):
            for name, fn in calls.items():
                start = time.process_time()
                fn()
                times[name].append(time.process_time() - start)
        ms = {k: 1000 * statistics.median(v) for k, v in times.items()}
        ratio = ms["statsmodels"] / ms["sample_size_per_group"]
        print(
            f"{size:>9,} settings: sample_size_per_group {ms['sample_size_per_group']:8.2f} ms, "
            f"statsmodels {ms['statsmodels']:8.2f} ms ({ratio:.2f}x as long)"
        )
    size = 100_000
    p2 = rng.uniform(0.05, 0.9, size)
    p1 = np.clip(p2 + rng.uniform(0.02, 0.1, size), 0.0, 0.99)
    start = time.process_time()
    sample_size_per_group(p1, p2, strict=True)
    strict = time.process_time() - start
    n = rng.integers(20, 500, size)
    start = time.process_time()
    minimum_detectable_difference(n, n, p2)
    mdd = time.process_time() - start
    print(f"{size:,} settings: strict=True {1000 * strict:.0f} ms, detectable difference "
          f"{1000 * mdd:.0f} ms (vectorised bisection)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    run((1_000, 10_000, 100_000, 1_000_000), args.repeats)


if __name__ == "__main__":
    main()
