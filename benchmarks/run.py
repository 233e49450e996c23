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
import datetime as dt
import importlib.metadata
import os
import platform
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_allocation  # sibling modules, importable once the folder is on the path
import bench_draw
import bench_exact
import bench_power
import bench_startup
import bench_webapp
import bench_ztest
import draw_page

ROOT = Path(__file__).resolve().parents[1]
STRATA = bench_draw.STRATA


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


def _cpuinfo_details() -> str:
    """Clock, cache and the vector extensions numpy's sort and hashing use (from /proc)."""
    found: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                if key in ("cpu mhz", "cache size", "flags") and key not in found:
                    found[key] = value.strip()
    except OSError:
        return "unknown"
    flags = set(found.get("flags", "").split())
    vector = ", ".join(f for f in ("avx2", "avx512f") if f in flags) or "no AVX2"
    return f"{found.get('cpu mhz', '?')} MHz, cache {found.get('cache size', '?')}, {vector}"


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
        "CPU details": _cpuinfo_details(),
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


# --- the coverage simulation ----------------------------------------------------------------


def coverage_throughput(draws: int, loop: int) -> dict[str, float]:
    """Draws per second of the seeded coverage simulation and a naive one.

    The simulation (tests/sampling/test_coverage.py) asks how often n = 100 cases from
    N = 254 (127 with the attribute) land within +/-5 points of the true 50%. The library's
    tests draw the count in the sample directly (``Generator.hypergeometric``, vectorised);
    the comparator draws each sample of cases (``Generator.choice(N, n, replace=False)``) once
    per replicate, timed on ``loop`` replicates.
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


QUIET_LOAD = 1.0
"""One-minute load average the run waits for (up to :data:`QUIET_WAIT` seconds) before it starts."""
QUIET_WAIT = 120.0


def wait_for_quiet() -> float:
    """Seconds waited for the load average to fall below :data:`QUIET_LOAD` (a run just before
    leaves it high for a minute or two, which would read as other work on the machine)."""
    start = time.perf_counter()
    while _load() >= QUIET_LOAD and time.perf_counter() - start < QUIET_WAIT:
        time.sleep(5)
    return time.perf_counter() - start


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def write_page(results: dict[str, Any], path: Path, plot: str) -> None:
    """Write the benchmark page from one run's results."""
    m = results["machine"]
    z = results["ztest"]
    c = results["coverage"]
    lines = [
        "# Benchmarks",
        "",
        "Every figure on this page comes from one run of one command, `make bench` (which installs",
        "the `bench` extra, scikit-learn, and runs `benchmarks/run.py`). Each figure was timed",
        "beside its comparator in the same run, the two called in turn within each repeat so both",
        "meet the same state of the machine; the page reports medians, for the draw and the",
        "allocation with their spread (min-max) beside them, and the ratios. Timings never",
        "run inside the tests. This page and the plot are generated: edit `benchmarks/run.py`, not",
        "this file.",
        "",
        f"Run on {results['date']} in {results['seconds']:.0f} s. Load average (1 minute) "
        f"{results['load_start']:.1f} at the start (after waiting {results['waited']:.0f} s, "
        f"at most {QUIET_WAIT:.0f}, for it to fall below {QUIET_LOAD:g}) and "
        f"{results['load_end']:.1f} at the end on {os.cpu_count()} logical cores"
        + (
            ": the machine was busy with other work when the run started, so the wall times are "
            "**provisional** (CPU times are given beside the allocation's)."
            if results["load_start"] >= QUIET_LOAD
            else ". The benchmark's own steps raise the load during the run: the draw checks "
            "the IDs on a second thread, the `draw` command draws its chart in a second "
            "process, and the web app's server runs beside its test client."
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
        *draw_page.summary_rows(results),
        *bench_ztest.summary_rows(z),
        *bench_power.summary_rows(results["power"]),
        *bench_exact.summary_rows(results["exact"]),
        *bench_startup.summary_rows(results["startup_stats"]),
        "",
        *draw_page.sections(results, plot),
        *bench_ztest.page_lines(z),
        *bench_power.page_lines(results["power"]),
        *bench_exact.page_lines(results["exact"]),
        *bench_startup.page_lines(results["startup_stats"]),
        "## The coverage simulation",
        "",
        "The seeded simulation behind the coverage claim (`tests/sampling/test_coverage.py`: does",
        "a sample of 100 from 254 cases land within +/-5 points of the true 50%?) draws the",
        "sample's count",
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

    waited = 0.0 if quick else wait_for_quiet()
    results: dict[str, Any] = {"machine": machine(), "repeats": repeats, "load_start": _load()}
    results["waited"] = waited
    print("machine:", ", ".join(f"{k} {v}" for k, v in results["machine"].items()))
    results.update(draw_page.measure(quick, repeats))
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
    print("  ", {k: round(v, 3) for k, v in results["startup"].items()})
    print("coverage simulation ...")
    results["coverage"] = _best_of(lambda: coverage_throughput(200_000, 2_000), 3 if quick else 5)
    print("  ", results["coverage"])
    print("web app ...")
    results["webapp"] = bench_webapp.measure(quick=quick)
    results["seconds"] = time.perf_counter() - start
    results["load_end"] = _load()
    results["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if out is None:
        print("--quick: no page written (give --out to write one)")
        return
    plot_path = out.parent / "img" / "draw_scaling.png"
    draw_page.plot_scaling(results["scaling"], plot_path)
    write_page(results, out, os.path.relpath(plot_path, out.parent))
    print(f"wrote {out} and {plot_path} in {results['seconds']:.0f} s")


if __name__ == "__main__":
    main()
