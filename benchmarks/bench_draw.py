"""Stratified draw: n = 10,000 from a 1,000,000-case frame by three variables, against pandas.

Compares, in the same run and on the same frame, medians over repeats of

* ``sampling.draw(frame, 10_000, seed=...)``: checks the frame (IDs filled in and unique,
  strata filled in), allocates with controlled rounding (``scipy.optimize.milp``), selects within
  each cell in a row-order-invariant way and lists no reserves;
* ``frame.groupby(strata).sample(frac=0.01, random_state=...)``: pandas' stratified sample, which
  does none of the checks and whose cell sizes round independently (its total and margins drift).

and the wall time of the whole command
``python -m sampling draw <example population> --n auto --seed 2026 --reserves 2 --out DIR``
(start-up, reading, drawing, balance report, chart and manifest). Not a test.

Run: ``.venv/bin/python benchmarks/bench_draw.py [--repeats 7] [--cases 1000000]``
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
from pathlib import Path

import numpy as np
import pandas as pd

from sampling import draw

STRATA = ["gender", "disposal", "risk"]
ROOT = Path(__file__).resolve().parents[1]


def make_frame(cases: int, seed: int = 1) -> pd.DataFrame:
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


def median_seconds(fn: object, repeats: int) -> tuple[float, list[float]]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


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
    frac = args.n / args.cases
    warnings.simplefilter("ignore")
    draw(frame, args.n, seed=0, strata=STRATA)  # warm imports and caches
    frame.groupby(STRATA).sample(frac=frac, random_state=0)

    ours, _ = median_seconds(lambda i: draw(frame, args.n, seed=i, strata=STRATA), args.repeats)
    theirs, _ = median_seconds(
        lambda i: frame.groupby(STRATA).sample(frac=frac, random_state=i), args.repeats
    )
    result = draw(frame, args.n, seed=1, strata=STRATA)
    pandas_sample = frame.groupby(STRATA).sample(frac=frac, random_state=1)
    targets = result.allocation.margins
    drift = []
    for variable in STRATA:
        got = pandas_sample[variable].value_counts()
        want = targets[targets["variable"] == variable].set_index("level")["target"]
        drift.append(int((got.reindex(want.index, fill_value=0) - want).abs().max()))
    print(f"{args.n:,} of {args.cases:,} cases by {' x '.join(STRATA)}, medians of {args.repeats}:")
    print(f"  sampling.draw (checks + controlled rounding + selection)  {1000 * ours:8.1f} ms")
    print(f"  pandas groupby(...).sample(frac=...)                      {1000 * theirs:8.1f} ms")
    print(f"  ratio draw / pandas                                       {ours / theirs:8.2f}")
    print(
        f"  sampling.draw: total {len(result.sample):,}, largest margin miss "
        f"{int(result.allocation.margins['deviation'].abs().max())} case(s); pandas: total "
        f"{len(pandas_sample):,}, largest margin miss {max(drift)} case(s)"
    )

    example = ROOT / "sampling" / "data" / "example_population.csv"
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(max(3, args.repeats // 2)):
            out = Path(tmp) / f"run{i}"
            cmd = [sys.executable, "-m", "sampling", "draw", str(example), "--n", "auto",
                   "--seed", "2026", "--reserves", "2", "--out", str(out)]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
    print(
        f"whole `python -m sampling draw` on the example population (250 cases): median "
        f"{statistics.median(walls):.2f} s over {len(walls)} runs (target under 1.5 s)"
    )


if __name__ == "__main__":
    main()
