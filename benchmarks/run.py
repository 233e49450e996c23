"""Every benchmark in one run: ``make bench`` (or ``.venv/bin/python benchmarks/run.py``).

Times each figure beside its comparator in the same process and run (medians over repeats, the
figure and its comparator timed in turn within each repeat), describes the machine, and writes
``docs/benchmarks.md`` with the tables and ``docs/img/draw_scaling.png`` (a log-log plot of the
draw's time against the frame size, pandas alongside). The measurements live in the sibling
modules, which also run alone:

* ``bench_draw``: ``sampling.draw`` vs pandas ``groupby(...).sample(frac=...)`` (and here also
  scikit-learn ``train_test_split(stratify=...)``), margin misses, the whole ``draw`` command;
* ``bench_allocation``: the allocation alone, unbiased and deterministic, 32 to 5,900 cells;
* ``bench_ztest``: one million z-tests vs the bare numpy expression and statsmodels per call;
* ``bench_power``: cases per round and detectable differences vs statsmodels;
* ``bench_exact``: Barnard's and Boschloo's tests at their size limits, Fisher's on many tables;
* ``bench_startup``: whole commands (every scalar one, the draw, the report) vs ``python -c
  pass``.
* ``bench_webapp``: the web app's interactions, a 100,000-case upload and its start-up.

This module adds the scikit-learn comparison, the coverage simulation's throughput and the
draw's scaling from 10^3 to 10^7 cases. ``--quick`` runs small sizes and writes nothing unless
``--out`` is given (a smoke test of the script itself). Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import os
import platform
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_allocation  # sibling modules, importable once the folder is on the path
import bench_draw
import bench_exact
import bench_power
import bench_startup
import bench_webapp
import bench_ztest

from sampling import draw

ROOT = Path(__file__).resolve().parents[1]
STRATA = bench_draw.STRATA
TARGETS = {
    "draw_vs_pandas": 1.0,  # issues 3 and 12: at least as fast as pandas groupby.sample
    "whole_draw_seconds": 1.5,  # issue 3: the whole draw command on the example
    "ztest_vs_bare": 2.0,  # issue 4: within 2x of the bare numpy expression
    "statsmodels_vs_ztest": 500.0,  # issue 4: at least 500x faster than statsmodels per call
}


# --- the machine ----------------------------------------------------------------------------


def _cpuinfo_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """CPU model, cores, memory, load, OS, Python and the numeric libraries' versions."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "load average at start (1, 5, 15 min)": ", ".join(
            f"{v:.1f}" for v in (os.getloadavg() if hasattr(os, "getloadavg") else ())
        ),
        "CPU": _cpuinfo_model(),
        "cores": f"{os.cpu_count()} logical ({usable} usable by this process)",
        "memory": _memory_gib(),
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        **{
            name: _version(name)
            for name in (
                "numpy",
                "scipy",
                "pandas",
                "pyarrow",
                "statsmodels",
                "scikit-learn",
                "matplotlib",
            )
        },
    }


# --- the stratified draw against pandas and scikit-learn --------------------------------------


def sklearn_sample(frame: pd.DataFrame, labels: pd.Series, n: int, seed: int) -> pd.DataFrame:
    """scikit-learn's stratified split: n cases, stratified on one combined label."""
    from sklearn.model_selection import train_test_split

    sample, _rest = train_test_split(frame, train_size=n, stratify=labels, random_state=seed)
    return sample  # type: ignore[no-any-return]


def draw_comparison(cases: int, n: int, repeats: int) -> dict[str, Any]:
    """Times and margin misses of draw, pandas and scikit-learn on one frame."""
    frame = bench_draw.make_frame(cases)
    # scikit-learn stratifies on one label: the three variables joined (built once, not timed)
    labels = frame["gender"] + "|" + frame["disposal"] + "|" + frame["risk"]
    medians = bench_draw.interleaved(
        {
            "sampling.draw": lambda i: draw(frame, n, seed=i, strata=STRATA),
            "pandas": lambda i: bench_draw.pandas_sample(frame, n, i),
            "scikit-learn": lambda i: sklearn_sample(frame, labels, n, i),
        },
        repeats,
    )
    cold = []
    for i in range(3):  # a first draw from this population: the decomposition is solved too
        from sampling import _rounding_unbiased

        _rounding_unbiased._CACHE.clear()
        start = time.perf_counter()
        draw(frame, n, seed=100 + i, strata=STRATA)
        cold.append(time.perf_counter() - start)
    result = draw(frame, n, seed=1, strata=STRATA)
    samples = {
        "sampling.draw": result.sample,
        "pandas": bench_draw.pandas_sample(frame, n, 1),
        "scikit-learn": sklearn_sample(frame, labels, n, 1),
    }
    table = bench_draw.margin_misses(samples, result.allocation.margins)
    misses = {
        name: {
            "total": len(sample),
            "largest": int(bench_draw.outside(table, name).abs().max()),
            "sum": int(bench_draw.outside(table, name).abs().sum()),
            "levels_off": int((bench_draw.outside(table, name) != 0).sum()),
        }
        for name, sample in samples.items()
    }
    return {
        "cases": cases,
        "n": n,
        "medians": medians,
        "table": table,
        "misses": misses,
        "cold": sorted(cold)[1],
        "route": result.allocation.rounding.route,
    }


@contextlib.contextmanager
def one_core() -> Iterator[bool]:
    """Pin every thread of this process to one CPU for the block (Linux); yields whether it could.

    Threads started inside the block inherit the pin, so the draw's second thread (it sorts the
    IDs while the strata are coded) must share the core with the main thread.
    """
    if not hasattr(os, "sched_setaffinity") or not os.path.isdir("/proc/self/task"):
        yield False
        return
    saved = os.sched_getaffinity(0)
    core = min(saved)

    def pin(cpus: set[int]) -> None:
        for tid in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                os.sched_setaffinity(int(tid), cpus)

    pin({core})
    try:
        yield True
    finally:
        pin(saved)


def draw_one_core(cases: int, n: int, repeats: int) -> dict[str, float] | None:
    """Draw and pandas medians with the whole process pinned to one CPU (None if impossible)."""
    frame = bench_draw.make_frame(cases)
    with one_core() as pinned:
        if not pinned:
            return None
        return bench_draw.interleaved(
            {
                "sampling.draw": lambda i: draw(frame, n, seed=i, strata=STRATA),
                "pandas": lambda i: bench_draw.pandas_sample(frame, n, i),
            },
            repeats,
        )


def scaling(sizes: list[int], fraction: float) -> list[dict[str, float]]:
    """Draw and pandas medians for frames of each size (n = fraction of the frame)."""
    rows = []
    for cases in sizes:
        frame = bench_draw.make_frame(cases)
        n = max(1, round(cases * fraction))
        repeats = 3 if cases >= 5_000_000 else 5 if cases >= 500_000 else 11
        medians = bench_draw.interleaved(
            {
                "draw": lambda i, f=frame, k=n: draw(f, k, seed=i, strata=STRATA),
                "pandas": lambda i, f=frame, k=n: bench_draw.pandas_sample(f, k, i),
            },
            repeats,
        )
        rows.append({"cases": cases, "n": n, "repeats": repeats, **medians})
        print(
            f"  {cases:>12,} cases: draw {medians['draw']:.4f} s, pandas {medians['pandas']:.4f} s"
        )
        del frame
    return rows


def plot_scaling(rows: list[dict[str, float]], path: Path) -> None:
    """Log-log plot of the draw's and pandas' median time against the frame size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = [r["cases"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    ax.loglog(cases, [r["draw"] for r in rows], "o-", label="sampling.draw (unbiased rounding)")
    ax.loglog(cases, [r["pandas"] for r in rows], "s--", label="pandas groupby(...).sample(frac)")
    ax.set_xlabel("cases in the frame (sample = 1% of them)")
    ax.set_ylabel("median wall time (s)")
    ax.set_title("Stratified draw by gender x disposal x risk")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


# --- the coverage simulation ----------------------------------------------------------------


def coverage_throughput(draws: int, loop: int) -> dict[str, float]:
    """Draws per second of the seeded coverage simulation (tests/test_coverage.py) and a naive one.

    The simulation asks how often n = 100 cases from N = 254 (127 with the attribute) land within
    +/-5 points of the true 50%. The library's tests draw the count in the sample directly
    (``Generator.hypergeometric``, vectorised); the comparator draws each sample of cases
    (``Generator.choice(N, n, replace=False)``) once per replicate, timed on ``loop`` replicates.
    """
    big_n, m, n = 254, 127, 100
    start = time.perf_counter()
    rng = np.random.default_rng(2026)
    counts = rng.hypergeometric(m, big_n - m, n, size=draws)
    covered = float(np.mean(np.abs(counts / n - m / big_n) <= 0.05 + 1e-12))
    vectorised = time.perf_counter() - start

    start = time.perf_counter()
    rng = np.random.default_rng(2026)
    hits = 0
    for _ in range(loop):
        x = int(np.count_nonzero(rng.choice(big_n, n, replace=False) < m))
        hits += abs(x / n - m / big_n) <= 0.05 + 1e-12
    naive = time.perf_counter() - start
    return {
        "draws": draws,
        "loop": loop,
        "vectorised_per_second": draws / vectorised,
        "naive_per_second": loop / naive,
        "coverage": covered,
        "coverage_naive": hits / loop,
    }


def _best_of(fn: Any, repeats: int) -> dict[str, float]:
    runs = [fn() for _ in range(repeats)]
    return sorted(runs, key=lambda r: r["vectorised_per_second"])[len(runs) // 2]


# --- the page -------------------------------------------------------------------------------


def _load() -> float:
    return bench_allocation.load()


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def write_page(results: dict[str, Any], path: Path, plot: str) -> None:
    """Write the benchmark page from one run's results."""
    m = results["machine"]
    d = results["draw"]
    z = results["ztest"]
    s = results["startup"]
    c = results["coverage"]
    rows = results["scaling"]
    med = d["medians"]
    ours, pandas_t = med["sampling.draw"], med["pandas"]
    ratio_pd = ours / pandas_t
    base = s["python -c pass"]
    whole = results["whole_draw"]
    lines = [
        "# Benchmarks",
        "",
        "Every figure on this page comes from one run of one command, `make bench` (which installs",
        "the `bench` extra, scikit-learn, and runs `benchmarks/run.py`). Each figure was timed",
        "beside its comparator in the same run, the two called in turn within each repeat so both",
        "meet the same state of the machine; the page reports medians and the ratio. Timings never",
        "run inside the tests. This page and the plot are generated: edit `benchmarks/run.py`, not",
        "this file.",
        "",
        f"Run on {results['date']} in {results['seconds']:.0f} s. Load average (1 minute) "
        f"{results['load_start']:.1f} at the start and {results['load_end']:.1f} at the end on "
        f"{os.cpu_count()} logical cores"
        + (
            ": the machine was shared with other work, so the wall times are **provisional**"
            " (CPU times are given beside the allocation's)."
            if max(results["load_start"], results["load_end"]) > 1.5
            else "."
        ),
        "",
        "## The machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in m.items()],
        "",
        "## Summary against the targets",
        "",
        "| figure | measured | comparator | ratio | target | verdict |",
        "|---|---|---|---|---|---|",
        f"| draw {d['n']:,} of {d['cases']:,} cases | {_ms(ours)} | pandas "
        f"`groupby.sample` {_ms(pandas_t)} | {ratio_pd:.2f} | at most 1 (issues 3, 12) | "
        f"{_verdict(ratio_pd <= TARGETS['draw_vs_pandas'])} |",
        f"| the same, first draw from the population (decomposition solved) | {_ms(d['cold'])} | "
        f"pandas {_ms(pandas_t)} | {d['cold'] / pandas_t:.2f} | at most 1 (issue 12) | "
        f"{_verdict(d['cold'] / pandas_t <= TARGETS['draw_vs_pandas'])} |",
        f"| whole `draw` command on the example (250 cases) | {whole:.2f} s | `python -c pass` "
        f"{_ms(base)} | {whole / base:.0f} | under 1.5 s (issue 3) | "
        f"{_verdict(whole < TARGETS['whole_draw_seconds'])} |",
        *bench_ztest.summary_rows(z),
        *bench_power.summary_rows(results["power"]),
        *bench_exact.summary_rows(results["exact"]),
        *_allocation_summary(results),
        *bench_startup.summary_rows(results["startup_stats"]),
        "",
        f"## Stratified draw: {d['n']:,} of {d['cases']:,} cases",
        "",
        f"A seeded synthetic frame of {d['cases']:,} cases (shuffled IDs `CRN0000000`..., the case",
        "mix of the domain notes: 14% women, four disposals, four RoSH levels with 0.5% very",
        "high), stratified by gender x disposal x risk (32 cells), medians of "
        f"{results['repeats']} interleaved repeats:",
        "",
        "| method | median | ratio to pandas | sample size | largest margin miss | "
        "levels off target | total miss (cases) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, call in (
        ("sampling.draw", f"`sampling.draw(frame, {d['n']:_}, seed=i)`"),
        ("pandas", f"pandas `frame.groupby(strata).sample(frac={d['n'] / d['cases']:g})`"),
        (
            "scikit-learn",
            f"scikit-learn `train_test_split(frame, train_size={d['n']:_}, stratify=label)`",
        ),
    ):
        mi = d["misses"][name]
        lines.append(
            f"| {call} | {_ms(med[name])} | {med[name] / pandas_t:.2f} | {mi['total']:,} | "
            f"{mi['largest']} | {mi['levels_off']} of {len(d['table'])} | {mi['sum']} |"
        )
    lines += [
        "",
        "`sampling.draw` does more than the other two in that time: it checks every ID is filled",
        "in and unique (a sort of the IDs) and every stratum value is filled in, draws the",
        "unbiased controlled rounding (every margin on its floor or",
        "ceiling and every case's inclusion probability n/N), hashes every ID into its permanent",
        "random number (so the sample does not depend on the row order or numpy's stream) and",
        "selects within each cell. pandas rounds each cell's `frac * N_h` on its own, so its",
        f"total drifts from {d['n']:,} and the margins miss; scikit-learn hits the total (it",
        "needs one combined label, built once outside the timing, and refuses any cell of a",
        "single case) but spreads the rounding over cells without looking at the margins.",
        "The margin columns compare each method's count of every variable level with the floor",
        f"and ceiling of that level's quota for a sample of {d['n']:,} (a miss is a count outside",
        "that range):",
        "",
        "| variable | level | population | quota | range | sampling.draw | pandas | scikit-learn |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, r in d["table"].iterrows():
        lines.append(
            f"| {r['variable']} | {r['level']} | {int(r['population']):,} | {r['quota']:,.2f} | "
            f"{int(r['floor']):,}-{int(r['ceiling']):,} | "
            + " | ".join(
                f"{int(r[k]):,}"
                + (
                    ""
                    if r["floor"] <= r[k] <= r["ceiling"]
                    else f" ({int(r[k] - min(max(r[k], r['floor']), r['ceiling'])):+d})"
                )
                for k in ("sampling.draw", "pandas", "scikit-learn")
            )
            + " |"
        )
    one = results.get("draw_one_core")
    one_ratio = None if one is None else one["sampling.draw"] / one["pandas"]
    verdict_draw = (
        f"The draw takes {ratio_pd:.2f} times pandas' time while keeping every margin on its "
        "floor or ceiling and every case's inclusion probability at n/N, so the target of issues "
        "3 and 12 (at least as fast as pandas `groupby.sample`, margins exact) is "
        f"{'met' if ratio_pd <= 1 else 'missed'} on this machine."
    )
    one_core_text = (
        []
        if one is None
        else [
            "",
            "The draw uses a second core: the IDs are checked on a second thread while the strata",
            "columns are coded (both are mostly Arrow and numpy work that releases the GIL);",
            "pandas uses one. With the whole process pinned to one CPU (every thread, measured",
            "in the same run, interleaved as above):",
            "",
            "| on one CPU | median | ratio to pandas |",
            "|---|---|---|",
            f"| `sampling.draw` | {_ms(one['sampling.draw'])} | {one_ratio:.2f} |",
            f"| pandas `groupby(...).sample(frac=...)` | {_ms(one['pandas'])} | 1.00 |",
            "",
            f"On one core the draw takes {one_ratio:.2f} times pandas' time: that is the limit "
            "of this design on a one-core machine, or when the other core is busy (the",
            "1,000,000-case row of the scaling table below can land there too when the machine",
            "is shared). The work that remains is what any",
            "stratified draw must do and pandas' groupby also does: hash-encoding three",
            "1,000,000-value text columns (about 18 ms each with Arrow), one sort of the IDs to",
            "check they are unique (about 27 ms of `argsort`), and, for the row-order guarantee",
            "pandas does not give, the keyed hash of every ID (about 35 ms of CPU, on a second",
            "thread).",
        ]
    )
    lines += [
        "",
        verdict_draw,
        "",
        f"The allocation's decomposition (route: {d['route']}) depends only on the population",
        "and n, so it is solved once and reused by later draws from the same population (the",
        "timed repeats above, after one untimed call). A first draw from a population also",
        f"solves it: median of 3 such cold draws {_ms(d['cold'])}, "
        f"{d['cold'] / pandas_t:.2f} times pandas' time.",
        *one_core_text,
        "",
        "Where the time goes (cProfile of `sampling.draw` on this frame): about two thirds is",
        "checking and coding the frame (hash-encoding each strata column, and checking and",
        "sorting the IDs), the rest the selection (the keyed hash of every ID, then a partial",
        "sort within cells), the allocation and building the output frames.",
        "",
        *_allocation_section(results),
        "## How the draw grows with the frame",
        "",
        f"![Draw time against frame size, log-log]({plot})",
        "",
        "| cases | sample (1%) | repeats | sampling.draw | pandas | ratio |",
        "|---|---|---|---|---|---|",
        *[
            f"| {int(r['cases']):,} | {int(r['n']):,} | {int(r['repeats'])} | {_ms(r['draw'])} | "
            f"{_ms(r['pandas'])} | {r['draw'] / r['pandas']:.2f} |"
            for r in rows
        ],
        "",
    ]
    small, big = rows[0], rows[-1]
    slope = float(np.log(big["draw"] / rows[-2]["draw"]) / np.log(big["cases"] / rows[-2]["cases"]))
    pandas_slope = float(
        np.log(big["pandas"] / rows[-2]["pandas"]) / np.log(big["cases"] / rows[-2]["cases"])
    )
    growth = (
        "close to linear in the frame"
        if 0.85 <= slope <= 1.12
        else "not yet linear: fixed costs still weigh"
        if slope < 0.85
        else "a little faster than linear: the ID sort's N log N shows, and arrays of that many "
        "values no longer fit the CPU's caches (pandas' time grows as "
        f"N^{pandas_slope:.2f})"
    )
    faster = [r for r in rows if r["draw"] <= r["pandas"]]
    crossing = (
        f"the draw is at least as fast as pandas from {int(faster[0]['cases']):,} cases up"
        if faster and all(r["draw"] <= r["pandas"] for r in rows[rows.index(faster[0]) :])
        else "the draw is at least as fast as pandas at "
        + ", ".join(f"{int(r['cases']):,}" for r in faster)
        + " cases"
        if faster
        else "pandas stays faster at every size"
    )
    lines += [
        f"From {int(rows[-2]['cases']):,} to {int(big['cases']):,} cases the draw's time grows "
        f"as about N^{slope:.2f}, {growth}. At {int(small['cases']):,} cases the draw's fixed "
        "costs dominate (the allocation, the checks and building the output frames: about "
        f"{_ms(small['draw'])} whatever the size), where pandas' groupby is cheaper. As the frame "
        "grows the per-case work takes over, and the draw codes the strata once with integer "
        "arithmetic and sorts only the cases whose random number can make the sample; in this "
        f"run {crossing}. Small frames are what inspections draw from (a few hundred cases), and "
        "there both take milliseconds.",
        "",
        *bench_ztest.page_lines(z),
        *bench_power.page_lines(results["power"]),
        *bench_exact.page_lines(results["exact"]),
        *bench_startup.page_lines(results["startup_stats"]),
        "## The coverage simulation",
        "",
        "The seeded simulation behind the coverage claim (`tests/test_coverage.py`: does a sample",
        "of 100 from 254 cases land within +/-5 points of the true 50%?) draws the sample's count",
        "directly from the hypergeometric distribution, vectorised. The comparator simulates the",
        f"same thing by drawing each sample of case numbers (`Generator.choice(254, 100, "
        f"replace=False)`) in a loop, timed on {c['loop']:,} replicates:",
        "",
        "| simulation | draws per second | ratio | estimated coverage |",
        "|---|---|---|---|",
        f"| `Generator.hypergeometric`, {c['draws']:,} draws | {c['vectorised_per_second']:,.0f} | "
        f"{c['vectorised_per_second'] / c['naive_per_second']:,.0f} | {c['coverage']:.4f} |",
        f"| one `Generator.choice` per replicate | {c['naive_per_second']:,.0f} | 1 | "
        f"{c['coverage_naive']:.4f} |",
        "",
        "Both estimate the exact coverage, 0.8424 (hypergeometric sum); the test's 200,000 draws",
        f"take about {1000 * 200_000 / c['vectorised_per_second']:.0f} ms, which is why the "
        "simulation can run in every test run.",
        "",
        *bench_webapp.page_lines(results.get("webapp")),
        "## Re-running",
        "",
        "```bash",
        "make bench                          # installs .[dev,bench], runs benchmarks/run.py",
        ".venv/bin/python benchmarks/run.py --quick --out /tmp/bench.md   # a fast smoke run",
        ".venv/bin/python benchmarks/bench_draw.py      # one benchmark alone",
        "```",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _allocation_summary(results: dict[str, Any]) -> list[str]:
    """Summary rows for the allocation targets (issues 12 and 16)."""
    out = []
    for r in results["allocation"]:
        if r["target"] is None:
            continue
        what = f"{r['method']} allocation, {r['cells']:,} cells x {r['variables']} variables"
        ok = r["median"] < r["target"] and r["max"] < r["target"] and r["in_range"]
        out.append(
            f"| {what} | {r['median']:.2f} s ({r['min']:.2f}-{r['max']:.2f}; CPU {r['cpu']:.2f} s) "
            f"| | | under {r['target']:.0f} s every run (issues 12, 16) | {_verdict(ok)} |"
        )
    return out


def _unbiased_cell(r: dict[str, Any]) -> str:
    if r["exact"]:
        return "yes"
    return "no (deterministic)" if r["route"] == "deterministic" else "no"


def _allocation_section(results: dict[str, Any]) -> list[str]:
    """The allocation table: every size and method, spread, CPU, route and checks."""
    lines = [
        "## The allocation alone",
        "",
        "`sampling.allocate(counts, n, method=...)` on seeded cell-count tables (1 to 399 cases",
        "per cell, n = 1,000), the median of "
        f"{results['allocation_repeats']} runs with the spread; CPU time beside the wall time,",
        "since a shared machine stretches the wall time but not the CPU time. `unbiased` is the",
        "default (the whole table decomposed up to 40 fractional cells: every rounding",
        "enumerated up to 20, column generation beyond; otherwise flight phase and landing);",
        "`controlled` is release 0.1's deterministic rounding, now solved in stages (the",
        "tie-break over the variables reduced-cost fixing leaves free) with a time limit on every",
        "solver call.",
        "",
        "| cells | variables | method | median | min-max | CPU | route | margins in range | "
        "unbiased | load before |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["allocation"]:
        lines.append(
            f"| {r['cells']:,} | {r['variables']} | {r['method']} | {r['median']:.2f} s | "
            f"{r['min']:.2f}-{r['max']:.2f} s | {r['cpu']:.2f} s | {r['route']} | "
            f"{'yes' if r['in_range'] else 'no'} | "
            f"{_unbiased_cell(r)}"
            f" | {r['load_before']:.1f} |"
        )
    lines += [
        "",
        "Targets: the unbiased allocation under 1 s for 100 cells and under 10 s for 5,900"
        " (issue 12); 5,000 cells with five variables under 10 s, every run (issue 16).",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="repeats of the in-process timings")
    parser.add_argument("--startup-repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--out", type=Path, default=None, help="page to write (docs/benchmarks.md)")
    args = parser.parse_args()
    quick = args.quick
    out = args.out if args.out is not None else (None if quick else ROOT / "docs/benchmarks.md")
    repeats = 3 if quick else args.repeats
    start = time.perf_counter()
    warnings.simplefilter("ignore")  # the timed calls' small-count warnings are not the point

    results: dict[str, Any] = {"machine": machine(), "repeats": repeats, "load_start": _load()}
    print("machine:", ", ".join(f"{k} {v}" for k, v in results["machine"].items()))
    cases = 100_000 if quick else 1_000_000
    print(f"draw {cases // 100:,} of {cases:,} ...")
    results["draw"] = draw_comparison(cases, cases // 100, repeats)
    print("  medians:", {k: round(v, 4) for k, v in results["draw"]["medians"].items()})
    print("  margin misses:", results["draw"]["misses"])
    results["draw_one_core"] = draw_one_core(cases, cases // 100, repeats)
    print("  one core:", results["draw_one_core"])
    print("allocation ...")
    results["allocation_repeats"] = 1 if quick else 3
    results["allocation"] = bench_allocation.measure(
        results["allocation_repeats"],
        sizes=bench_allocation.SIZES[:2] if quick else bench_allocation.SIZES,
    )
    print("z-tests ...")
    results["ztest"] = bench_ztest.measure(100_000 if quick else 1_000_000, repeats, 2000)
    print("  ", {k: results["ztest"][k] for k in ("api", "bare", "statsmodels")})
    print("power solvers ...")
    results["power"] = bench_power.measure(
        3 if quick else 7, sizes=(1_000, 10_000) if quick else bench_power.SIZES
    )
    print("exact tests ...")
    results["exact"] = bench_exact.measure(1 if quick else 3)
    print("start-up ...")
    results["startup_repeats"] = 3 if quick else args.startup_repeats
    results["startup_stats"] = bench_startup.measure(results["startup_repeats"])
    results["startup"] = results["startup_stats"]["medians"]
    results["whole_draw"] = bench_draw.whole_command(3 if quick else 7)
    print("  ", {k: round(v, 3) for k, v in results["startup"].items()}, results["whole_draw"])
    print("coverage simulation ...")
    results["coverage"] = _best_of(lambda: coverage_throughput(200_000, 2_000), 3 if quick else 5)
    print("  ", results["coverage"])
    print("web app ...")
    results["webapp"] = bench_webapp.measure(quick=quick)
    print("scaling ...")
    sizes = [10**3, 10**4, 10**5] if quick else [10**3, 10**4, 10**5, 10**6, 10**7]
    results["scaling"] = scaling(sizes, 0.01)
    results["seconds"] = time.perf_counter() - start
    results["load_end"] = _load()
    results["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if out is None:
        print("--quick: no page written (give --out to write one)")
        return
    plot_path = out.parent / "img" / "draw_scaling.png"
    plot_scaling(results["scaling"], plot_path)
    write_page(results, out, os.path.relpath(plot_path, out.parent))
    print(f"wrote {out} and {plot_path} in {results['seconds']:.0f} s")


if __name__ == "__main__":
    main()
