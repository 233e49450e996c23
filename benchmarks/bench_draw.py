"""Stratified draw: n = 10,000 from frames of 10^3 to 10^7 cases by three variables.

Compares, in the same run and on the same frame, timed in turn within each repeat
(interleaved, so all meet the same state of the machine), the median and spread of

* ``sampling.draw(frame, 10_000, seed=..., reserves=0)``: checks the frame (IDs filled in and
  unique, strata filled in), allocates with unbiased controlled rounding, selects within each
  cell by permanent random numbers (a keyed hash of each ID);
* the same with the allocation's decomposition solved afresh (the first draw from a
  population; later draws from the same population and n reuse it);
* ``frame.groupby(strata).sample(frac=..., random_state=...)``: pandas' stratified sample, which
  does none of the checks and whose cell sizes round independently (its total and margins drift);
* :func:`numpy_limit`: the fastest correct stratified simple random sample written in plain
  numpy (factorise the strata, one uniform number per case, the smallest below a per-cell
  threshold), with no checks and margins not controlled.

Also the peak memory of each (a fresh process per method: :func:`peak_memory`), the time of
each stage of the draw (:func:`stages`), and the whole command
``python -m sampling draw <example population> --n auto --seed 2026 --reserves 2 --out DIR``.
Not a test.

Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_draw.py [--repeats 7] [--cases 1000000]``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sampling import _rounding_unbiased, draw

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


@dataclass(frozen=True)
class Timing:
    """Wall times of one method over the repeats: median and spread (seconds)."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def low(self) -> float:
        return min(self.times)

    @property
    def high(self) -> float:
        return max(self.times)


def median_seconds(fn: Callable[[int], Any], repeats: int) -> tuple[float, list[float]]:
    """Median and all wall times of ``fn(i)`` for i = 0 .. repeats - 1."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def interleaved_timings(fns: dict[str, Callable[[int], Any]], repeats: int) -> dict[str, Timing]:
    """Wall times of each ``fn(i)``, the functions called in turn within each repeat.

    Each function is called once first (imports, caches) and not timed; the garbage of one call
    is collected before the next is timed.
    """
    for fn in fns.values():
        fn(0)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(repeats):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn(i + 1)
            times[name].append(time.perf_counter() - start)
    return {name: Timing(tuple(t)) for name, t in times.items()}


def interleaved(fns: dict[str, Callable[[int], Any]], repeats: int) -> dict[str, float]:
    """Median wall time of each ``fn(i)`` (see :func:`interleaved_timings`)."""
    return {name: t.median for name, t in interleaved_timings(fns, repeats).items()}


def sampling_draw(frame: pd.DataFrame, n: int, seed: int) -> Any:
    """The library's draw, no reserves (the comparators list none)."""
    return draw(frame, n, seed=seed, strata=STRATA, reserves=0)


def first_draw(frame: pd.DataFrame, n: int, seed: int) -> Any:
    """The library's draw with the allocation's decomposition solved afresh (a first draw)."""
    _rounding_unbiased._CACHE.clear()
    return sampling_draw(frame, n, seed)


def pandas_sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """pandas' stratified sample: the same fraction of every cell."""
    return frame.groupby(STRATA).sample(frac=n / len(frame), random_state=seed)


METHODS: dict[str, Callable[[pd.DataFrame, int, int], Any]] = {
    "sampling.draw": sampling_draw,
    "sampling.draw, first from the population": first_draw,
    "pandas": pandas_sample,
}


def _factorise(values: pd.Series) -> tuple[np.ndarray[Any, Any], int]:
    """Codes 0..k-1 of a column and k: Arrow's dictionary encoding for Arrow text, else pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = values.array.__arrow_array__() if hasattr(values.array, "__arrow_array__") else None
    if isinstance(arr, pa.ChunkedArray) and arr.null_count == 0:
        encoded = pc.dictionary_encode(arr.combine_chunks())
        return encoded.indices.to_numpy(), len(encoded.dictionary)
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)


def numpy_limit(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """The fastest correct stratified simple random sample written in plain numpy.

    Factorise the strata (the fastest way available: Arrow's dictionary encoding of each text
    column), one cell index per case by integer arithmetic, the cells' sizes by ``bincount``,
    n shared over the cells by largest remainder (total exact; margins not controlled), one
    uniform number per case (``Generator.random``), and in each cell the ``n_h`` smallest, found
    by keeping only the cases below a per-cell threshold and sorting those (every case when a
    cell has too few below it). No checks of IDs or strata, no row-order invariance. Returns
    the selected rows, as pandas does.
    """
    cell = np.zeros(len(frame), dtype=np.int32)
    for name in STRATA:
        codes, size = _factorise(frame[name])
        np.multiply(cell, np.int32(size), out=cell)
        np.add(cell, codes, out=cell, casting="unsafe")
    population = np.bincount(cell)
    total = len(frame)
    quota = n * population
    wanted = quota // total
    extra = n - int(wanted.sum())
    wanted[np.argsort(-(quota % total), kind="stable")[:extra]] += 1
    u = np.random.default_rng(seed).random(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(wanted > 0, (wanted + 6 * np.sqrt(wanted) + 16) / population, -1.0)
    candidates = np.flatnonzero(u < share[cell])
    if (np.bincount(cell[candidates], minlength=len(wanted)) < wanted).any():
        candidates = np.arange(total)  # some cell short of numbers below its threshold
    order = np.lexsort((u[candidates], cell[candidates]))
    rows, cells = candidates[order], cell[candidates][order]
    starts = np.searchsorted(cells, np.arange(len(wanted)))
    ranks = np.arange(len(rows)) - starts[cells]
    return frame.iloc[rows[ranks < wanted[cells]]]


METHODS["numpy limit"] = numpy_limit


def fitted_exponent(cases: list[int], seconds: list[float]) -> float:
    """The slope of log(time) on log(cases), least squares: time grows as cases**slope."""
    slope, _ = np.polyfit(np.log(np.asarray(cases, float)), np.log(np.asarray(seconds)), 1)
    return float(slope)


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field} in /proc/self/status")


def _peak_child(cases: int, method: str, n: int) -> None:
    """In a fresh process: the frame's bytes and the method's peak resident memory above it."""
    warnings.simplefilter("ignore")
    frame = make_frame(cases)
    fn = METHODS[method]
    fn(make_frame(2_000, seed=2), 20, 0)  # the libraries imported (not the big frame's memory)
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")  # reset the peak resident set size (VmHWM) to the current one
    before = _status_kib("VmRSS")
    fn(frame, n, 1)
    peak = _status_kib("VmHWM")
    print(json.dumps({"frame": int(frame.memory_usage(deep=True).sum()),
                      "extra": 1024 * (peak - before)}))  # fmt: skip


def peak_memory(cases: int, method: str, n: int = 10_000) -> dict[str, int] | None:
    """Peak resident memory of one call of ``method`` above what the process held before it.

    Measured in a fresh process (Linux: ``/proc/self/clear_refs`` resets the peak, ``VmHWM``
    reads it) once the frame is built and the libraries imported (by one call on a small
    frame), so it is the memory the call takes on top of the frame and the libraries. Returns
    the frame's own bytes (``memory_usage(deep=True)``) and that extra, or None where ``/proc``
    does not allow it.
    """
    if not os.path.exists("/proc/self/clear_refs"):
        return None
    proc = subprocess.run(
        [sys.executable, __file__, "--peak", method, "--cases", str(cases), "--n", str(n)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def stages(frame: pd.DataFrame, n: int, repeats: int) -> dict[str, float]:
    """Median seconds of each stage of ``sampling.draw`` on one frame, run one after another.

    The stages are the library's own internal steps, called in turn on one thread (the draw
    itself runs the first two on two threads when the frame is large): checking the IDs (text
    already clean, a keyed hash of each, their repeats found from the hashes), coding each
    stratum (Arrow's dictionary encoding), the cells, the allocation (decomposition reused),
    the selection (cases below their cell's threshold, sorted) and the result's tables.
    """
    from sampling import _frame, _selection

    rows = np.arange(len(frame), dtype=np.int64)
    table = _frame.prepare_cases(frame, id_column="case_id", strata=STRATA, seed=1)
    coded = [_frame._codes(frame[s], s, "error", rows, None) for s in STRATA]
    out: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = fn()
        out.setdefault(name, []).append(time.perf_counter() - start)
        return value

    for _ in range(repeats):
        timed("check the IDs (hash each, find repeats)", lambda: _frame._check_ids(
            frame["case_id"], 1))  # fmt: skip
        for s in STRATA:
            timed(f"code {s}", lambda s=s: _frame._codes(frame[s], s, "error", rows, None))
        timed("cells and their sizes", lambda: _frame._cells([c[0] for c in coded],
                                                             [c[1] for c in coded]))  # fmt: skip
        timed("allocation and selection, result tables", lambda: _selection.draw_table(
            table, n, seed=1, reserves=0, method="unbiased", minimum=1))  # fmt: skip
    return {name: statistics.median(t) for name, t in out.items()}


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
    parser.add_argument("--peak", default=None, help=argparse.SUPPRESS)  # the memory child
    args = parser.parse_args()
    if args.peak is not None:
        _peak_child(args.cases, args.peak, args.n)
        return
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )
    frame = make_frame(args.cases)
    warnings.simplefilter("ignore")
    timings = interleaved_timings(
        {name: lambda i, fn=fn: fn(frame, args.n, i) for name, fn in METHODS.items()},
        args.repeats,
    )
    pandas_t = timings["pandas"].median
    print(f"{args.n:,} of {args.cases:,} cases by {' x '.join(STRATA)}, {args.repeats} repeats:")
    for name, t in timings.items():
        print(f"  {name:45s} median {1000 * t.median:8.1f} ms ({1000 * t.low:.1f}-"
              f"{1000 * t.high:.1f}), {t.median / pandas_t:.2f} x pandas")  # fmt: skip
    print("  stages:", {k: round(1000 * v, 1) for k, v in stages(frame, args.n, 3).items()})
    for name in METHODS:
        print(f"  peak memory {name}: {peak_memory(args.cases, name, args.n)}")
    wall = whole_command(max(3, args.repeats // 2))
    print(f"whole `python -m sampling draw` on the example population: median {wall:.2f} s")


if __name__ == "__main__":
    main()
