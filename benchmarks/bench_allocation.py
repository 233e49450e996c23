"""The allocation alone: unbiased and deterministic controlled rounding from 32 to 5,900 cells.

Times ``sampling.allocate(counts, n, method=...)`` on seeded cell-count tables (each cell 1 to
399 cases; the sizes of issues 12 and 16):

* 32 cells, three variables (2 x 4 x 4, gender x disposal x risk), n = 1,000;
* 100 cells, three variables (2 x 5 x 10), n = 1,000;
* 1,000 cells, four variables (2 x 4 x 5 x 25), n = 1,000;
* 5,000 cells, five variables (2 x 4 x 5 x 5 x 25), n = 1,000;
* 5,900 cells, five variables (2 x 2 x 5 x 5 x 59), n = 1,000.

Each figure is the median of a few repeats with the spread (min-max), wall and CPU time (the
decomposition cache is cleared before each run, so every run solves from scratch), the
route the unbiased rounding took, and whether every margin came out in range. The machine's
load average is recorded before and after, because on a shared machine wall times move with it.
Not a test.

Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_allocation.py [--repeats 3]``
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from sampling import _rounding_unbiased, allocate

SIZES: tuple[tuple[tuple[int, ...], int], ...] = (
    ((2, 4, 4), 1_000),
    ((2, 5, 10), 1_000),
    ((2, 4, 5, 25), 1_000),
    ((2, 4, 5, 5, 25), 1_000),
    ((2, 2, 5, 5, 59), 1_000),
)
TARGETS = {32: None, 100: 1.0, 1_000: None, 5_000: 10.0, 5_900: 10.0}  # seconds (issues 12, 16)


def counts(levels: tuple[int, ...], seed: int = 1) -> pd.Series:
    """Seeded cell counts (1 to 399 cases per cell) indexed by the strata."""
    names = [f"v{j}" for j in range(len(levels))]
    index = pd.MultiIndex.from_tuples(
        list(itertools.product(*[[f"l{k:03d}" for k in range(size)] for size in levels])),
        names=names,
    )
    return pd.Series(np.random.default_rng(seed).integers(1, 400, len(index)), index=index)


def load() -> float:
    """The one-minute load average (NaN where the system does not report it)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def measure(
    repeats: int = 3,
    methods: tuple[str, ...] = ("unbiased", "controlled"),
    sizes: tuple[tuple[tuple[int, ...], int], ...] = SIZES,
) -> list[dict[str, Any]]:
    """One row per table size and method: median and spread of wall and CPU seconds, and checks."""
    warnings.simplefilter("ignore")
    allocate(counts((2, 4, 4)), 100, seed=1)  # imports and caches, not timed
    rows = []
    for levels, n in sizes:
        table = counts(levels)
        for method in methods:
            walls, cpus = [], []
            before = load()
            result = None
            for i in range(repeats):
                _rounding_unbiased._CACHE.clear()  # every run solves: no decomposition reused
                start, cpu = time.perf_counter(), time.process_time()
                result = allocate(table, n, method=method, seed=1000 + i)
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            assert result is not None
            rows.append(
                {
                    "cells": len(table),
                    "variables": len(levels),
                    "n": n,
                    "method": method,
                    "median": statistics.median(walls),
                    "min": min(walls),
                    "max": max(walls),
                    "cpu": statistics.median(cpus),
                    "route": result.rounding.route,
                    "exact": bool(result.rounding.exact),
                    "in_range": bool(result.missed.empty),
                    "solver": result.rounding.solver,
                    "load_before": before,
                    "load_after": load(),
                    "target": TARGETS.get(len(table)),
                }
            )
            r = rows[-1]
            print(
                f"  {r['cells']:>6,} cells x {r['variables']} variables, {method:<10} median "
                f"{r['median']:.2f} s ({r['min']:.2f}-{r['max']:.2f}; CPU {r['cpu']:.2f} s), "
                f"{r['route']}, margins in range {r['in_range']}, load {before:.1f}",
                flush=True,
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    measure(args.repeats)


if __name__ == "__main__":
    main()
