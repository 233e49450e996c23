"""Benchmark: cases per round and detectable differences for many settings (issue 16).

Compares, in the same run and interleaved (each repeat runs each in turn):

* ``significance.sample_size_per_group(p1, p2)`` on arrays (validation, the closed-form n, the
  finite population stage, rounding up, the achieved power and the result object) against
  statsmodels ``samplesize_proportions_2indep_onetail(p1 - p2, p2, power)``, its vectorised
  closed form for the same pooled-null approximation (n only: no rounding, no achieved power),
  at 10^3 to 10^6 settings;
* ``minimum_detectable_difference`` on arrays (a vectorised bisection to the last bit), with the
  arcsine method, against statsmodels ``NormalIndPower().solve_power`` for the same Cohen's h,
  which takes one setting at a time (timed on a subsample and extrapolated);
* ``sample_size_per_group(..., strict=True)`` (vectorised bisection; statsmodels has none).

Wall and CPU time, median (min-max). Used by ``benchmarks/run.py`` (``make bench``) and runnable
alone: ``.venv/bin/python benchmarks/bench_power.py [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

from significance import minimum_detectable_difference, sample_size_per_group

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _interleaved(fns: dict[str, Callable[[], Any]], repeats: int) -> dict[str, Any]:
    wall: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    for fn in fns.values():
        fn()
    for _ in range(repeats):
        for name, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
    out: dict[str, Any] = {k: {"wall": _spread(wall[k]), "cpu": _spread(cpu[k])} for k in fns}
    if len(fns) == 2:
        first, second = fns
        out["ratio"] = _spread([a / b for a, b in zip(wall[first], wall[second], strict=True)])
    return out


def _settings(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    p2 = rng.uniform(0.05, 0.9, size)
    p1 = np.clip(p2 + rng.uniform(0.02, 0.1, size), 0.0, 0.99)
    return p1, p2


def measure(repeats: int = 7, sizes: tuple[int, ...] = SIZES, loop: int = 200) -> dict[str, Any]:
    """Timings of the group size (by size), the detectable difference and strict sizes."""
    rng = np.random.default_rng(2026)
    group = []
    for size in sizes:
        p1, p2 = _settings(size, rng)
        # the same n from both (statsmodels uses alpha / 2 per tail, as we do two-sided)
        ours = sample_size_per_group(p1, p2, power=0.8, alpha=0.1).n_unrounded
        theirs = samplesize_proportions_2indep_onetail(p1 - p2, p2, 0.8, alpha=0.1)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        stats = _interleaved(
            {
                "ours": lambda p1=p1, p2=p2: sample_size_per_group(p1, p2, power=0.8, alpha=0.1),
                "statsmodels": lambda p1=p1, p2=p2: samplesize_proportions_2indep_onetail(
                    p1 - p2, p2, 0.8, alpha=0.1
                ),
            },
            repeats,
        )
        group.append({"size": size, **stats})
    read = _interleaved(  # the achieved power is computed when first read
        {"read": lambda: sample_size_per_group(p1, p2, power=0.8, alpha=0.1).achieved_power},
        max(3, repeats // 2),
    )
    read_size = sizes[-1]
    size = 100_000
    p1, p2 = _settings(size, rng)
    n = rng.integers(20, 500, size)
    mdd = _interleaved(
        {"mdd": lambda: minimum_detectable_difference(n, n, p2, method="arcsine")},
        max(3, repeats // 2),
    )
    power = NormalIndPower()
    start = time.perf_counter()
    for i in range(loop):
        power.solve_power(effect_size=None, nobs1=int(n[i]), alpha=0.1, power=0.8, ratio=1.0)
    per_setting = (time.perf_counter() - start) / loop
    strict = _interleaved(
        {"strict": lambda: sample_size_per_group(p1, p2, strict=True)}, max(3, repeats // 2)
    )
    return {
        "repeats": repeats,
        "group": group,
        "read_size": read_size,
        "read": read["read"],
        "mdd_size": size,
        "mdd": mdd["mdd"],
        "mdd_statsmodels": per_setting * size,
        "loop": loop,
        "strict": strict["strict"],
    }


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:,.2f} ms" if seconds < 1 else f"{seconds:,.1f} s"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def summary_rows(r: dict[str, Any]) -> list[str]:
    """Rows of the benchmark page's summary table."""
    rows = []
    for g in r["group"]:
        if g["size"] in (100_000, 1_000_000):
            ratio = g["ratio"]
            rows.append(
                f"| `sample_size_per_group`, {g['size']:,} settings | "
                f"{_ms(g['ours']['wall']['median'])} | statsmodels vectorised n "
                f"{_ms(g['statsmodels']['wall']['median'])} | {ratio['median']:.2f} "
                f"({ratio['min']:.2f}-{ratio['max']:.2f}) | at most 1 (issue 16) | "
                f"{_verdict(ratio['median'] <= 1.0)} |"
            )
    ours, theirs = r["mdd"]["wall"]["median"], r["mdd_statsmodels"]
    rows.append(
        f"| `minimum_detectable_difference`, {r['mdd_size']:,} settings (arcsine) | "
        f"{_ms(ours)} | statsmodels `solve_power` per setting {_ms(theirs)} (extrapolated) | "
        f"{ours / theirs:.3f} | at most 1, vectorised (issue 16) | {_verdict(ours <= theirs)} |"
    )
    return rows


def page_lines(r: dict[str, Any]) -> list[str]:
    """The page's section on the power solvers."""
    lines = [
        "## Cases per round and detectable differences",
        "",
        f"Seeded settings (p2 from 5% to 90%, p1 2 to 10 points above), {r['repeats']} "
        "interleaved repeats, wall time median (min-max). statsmodels "
        "`samplesize_proportions_2indep_onetail` gives the same unrounded n (checked to 1e-12) "
        "and nothing else; `sample_size_per_group` also checks the inputs, rounds up (guarding "
        "float noise), applies a finite population when given, and keeps n0 and copies of p1 "
        "and p2; the achieved power at the rounded n (and `n_unrounded`, a copy of n0 without "
        "a population) is computed when first read.",
        "",
        "| settings | `sample_size_per_group` | statsmodels (n only) | ratio | CPU ours | CPU "
        "statsmodels |",
        "|---|---|---|---|---|---|",
    ]
    for g in r["group"]:
        lines.append(
            f"| {g['size']:,} | {_ms(g['ours']['wall']['median'])} "
            f"({_ms(g['ours']['wall']['min'])}-{_ms(g['ours']['wall']['max'])}) | "
            f"{_ms(g['statsmodels']['wall']['median'])} | {g['ratio']['median']:.2f} "
            f"({g['ratio']['min']:.2f}-{g['ratio']['max']:.2f}) | "
            f"{_ms(g['ours']['cpu']['median'])} | {_ms(g['statsmodels']['cpu']['median'])} |"
        )
    mdd, strict, read = r["mdd"]["wall"], r["strict"]["wall"], r["read"]["wall"]
    lines += [
        "",
        f"With `achieved_power` read, {r['read_size']:,} settings take {_ms(read['median'])} "
        f"({_ms(read['min'])}-{_ms(read['max'])}).",
        "",
        f"`minimum_detectable_difference` on {r['mdd_size']:,} settings (arcsine method, each "
        f"setting bisected to the last bit, all at once): {_ms(mdd['median'])} "
        f"({_ms(mdd['min'])}-{_ms(mdd['max'])}), {1e6 * mdd['median'] / r['mdd_size']:.1f} us "
        "a setting; statsmodels solves Cohen's h one setting at a time (`NormalIndPower()."
        f"solve_power`, timed on {r['loop']} and extrapolated): {_ms(r['mdd_statsmodels'])}. "
        f"`sample_size_per_group(..., strict=True)` (a vectorised bisection; statsmodels has "
        f"no strict sizes) on the same settings: {_ms(strict['median'])}.",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    r = measure(args.repeats)
    for line in [*summary_rows(r), "", *page_lines(r)]:
        print(line)


if __name__ == "__main__":
    main()
