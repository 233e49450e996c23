"""Stratified draw: n = 10,000 from a 1,000,000-case frame by three variables, against pandas.

Compares, in the same run and on the same frame, medians over repeats of

* ``sampling.draw(frame, 10_000, seed=...)``: checks the frame (IDs filled in and unique,
  strata filled in), allocates with unbiased controlled rounding (``linprog``/``milp``), selects
  within each cell by permanent random numbers (a keyed hash of each ID) and lists no reserves;
* ``frame.groupby(strata).sample(frac=0.01, random_state=...)``: pandas' stratified sample, which
  does none of the checks and whose cell sizes round independently (its total and margins drift).

The two are timed in turn within each repeat (interleaved), so both meet the same state of the
machine and of the memory allocator. Also times the whole command
``python -m sampling draw <example population> --n auto --seed 2026 --reserves 2 --out DIR``
(start-up, reading, drawing, balance report, chart and manifest). Not a test.

Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_draw.py [--repeats 7] [--cases 1000000]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sampling import draw

STRATA = ["gender", "disposal", "risk"]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"


def make_frame(cases: int, seed: int = 1) -> pd.DataFrame:
    """A synthetic eligible population: shuffled IDs and the case mix of the domain notes."""
    rng = np.random.default_rng(seed)
    ids = [f"CRN{i:07d}" for i in rng.permutation(cases)]  # shuffled, as an extract may be
    return pd.DataFrame(
        {
            "case_id": ids,
            "gender": rng.choice(["male", "female"], cases, p=[0.86, 0.14]),
            "disposal": rng.choice(
                [
                    "community order",
                    "suspended sentence order",
                    "licence",
                    "post-sentence supervision",
                ],
                cases,
                p=[0.38, 0.21, 0.28, 0.13],
            ),
            "risk": rng.choice(
                ["low", "medium", "high", "very high"], cases, p=[0.42, 0.47, 0.105, 0.005]
            ),
            "office": rng.choice(["Oxford", "Reading", "Slough"], cases),
        }
    ).astype("str")


def median_seconds(fn: Callable[[int], Any], repeats: int) -> tuple[float, list[float]]:
    """Median and all wall times of ``fn(i)`` for i = 0 .. repeats - 1."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def interleaved(fns: dict[str, Callable[[int], Any]], repeats: int) -> dict[str, float]:
    """Median wall time of each ``fn(i)``, the functions called in turn within each repeat.

    Each function is called once first (imports, caches) and not timed.
    """
    for fn in fns.values():
        fn(0)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn(i + 1)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def pandas_sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """pandas' stratified sample: the same fraction of every cell."""
    return frame.groupby(STRATA).sample(frac=n / len(frame), random_state=seed)


def margin_misses(samples: dict[str, pd.DataFrame], targets: pd.DataFrame) -> pd.DataFrame:
    """Cases per variable level in each sample beside the level's quota, floor and ceiling.

    ``targets`` is ``Draw.allocation.margins`` (variable, level, population, quota, floor,
    ceiling, target, ...). Returns one row per level with a column per sample giving its count.
    """
    table = targets[["variable", "level", "population", "quota", "floor", "ceiling"]].copy()
    for name, sample in samples.items():
        table[name] = [
            int((sample[variable] == level).sum())
            for variable, level in zip(table["variable"], table["level"], strict=True)
        ]
    return table.reset_index(drop=True)


def outside(table: pd.DataFrame, name: str) -> pd.Series:
    """Cases by which each level's count in sample ``name`` is outside its floor-ceiling range."""
    got = table[name]
    return got - got.clip(lower=table["floor"], upper=table["ceiling"])


def whole_command(repeats: int) -> float:
    """Median wall time of the whole ``draw`` command on the bundled example population."""
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            out = Path(tmp) / f"run{i}"
            cmd = [sys.executable, "-m", "sampling", "draw", str(EXAMPLE), "--n", "auto",
                   "--seed", "2026", "--reserves", "2", "--out", str(out)]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )
    frame = make_frame(args.cases)
    warnings.simplefilter("ignore")
    medians = interleaved(
        {
            "draw": lambda i: draw(frame, args.n, seed=i, strata=STRATA),
            "pandas": lambda i: pandas_sample(frame, args.n, i),
        },
        args.repeats,
    )
    ours, theirs = medians["draw"], medians["pandas"]
    result = draw(frame, args.n, seed=1, strata=STRATA)
    table = margin_misses(
        {"draw": result.sample, "pandas": pandas_sample(frame, args.n, 1)},
        result.allocation.margins,
    )
    miss = {name: int(outside(table, name).abs().max()) for name in ("draw", "pandas")}
    print(f"{args.n:,} of {args.cases:,} cases by {' x '.join(STRATA)}, medians of {args.repeats}:")
    print(f"  sampling.draw (checks + unbiased rounding + selection)    {1000 * ours:8.1f} ms")
    print(f"  pandas groupby(...).sample(frac=...)                      {1000 * theirs:8.1f} ms")
    print(f"  ratio draw / pandas                                       {ours / theirs:8.2f}")
    print(
        f"  largest margin miss (outside floor-ceiling): sampling.draw {miss['draw']} case(s), "
        f"pandas {miss['pandas']} case(s)"
    )
    wall = whole_command(max(3, args.repeats // 2))
    print(
        f"whole `python -m sampling draw` on the example population (250 cases): median "
        f"{wall:.2f} s (target under 1.5 s)"
    )


if __name__ == "__main__":
    main()
