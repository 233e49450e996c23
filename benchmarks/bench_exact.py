"""Benchmark: the exact tests at the largest tables they take (issue 16).

Barnard's and Boschloo's tests maximise over a nuisance rate, and their time grows with the
table; ``significance`` refuses them above the sizes in ``significance._exact.EXACT_TESTS``
(about a second a table), naming Fisher's test or the z-test instead. This times one table at
each limit, and Fisher's test (which has no limit) on the same tables and on 100,000 tables at
once. Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_exact.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any

import numpy as np

from significance import ztest

# one table at each refusal limit: Barnard's n1 + n2 <= 2,000; Boschloo's (n1 + 1)(n2 + 1) <=
# 100,000 (315 a group)
TABLES = {
    "barnard": (550, 1000, 500, 1000),
    "boschloo": (170, 315, 150, 315),
}
TARGET_SECONDS = 1.0


def _seconds(fn: Any, repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return {"median": statistics.median(runs), "min": min(runs), "max": max(runs)}


def measure(repeats: int = 3) -> dict[str, Any]:
    """Seconds for one table at each test's limit, the refusal just above it, and Fisher's."""
    out: dict[str, Any] = {"repeats": repeats, "tests": {}}
    for test, (x1, n1, x2, n2) in TABLES.items():
        timed = _seconds(lambda t=test, a=(x1, n1, x2, n2): ztest(*a, exact=t), repeats)
        fisher = _seconds(lambda a=(x1, n1, x2, n2): ztest(*a, exact="fisher"), repeats)
        try:
            ztest(x1, n1 + 1, x2, n2 + 1, exact=test)
            refusal = "accepted"
        except ValueError as exc:
            refusal = str(exc)
        out["tests"][test] = {"table": (x1, n1, x2, n2), "seconds": timed, "fisher": fisher,
                              "refusal": refusal}  # fmt: skip
    rng = np.random.default_rng(16)
    n1, n2 = rng.integers(5, 60, 100_000), rng.integers(5, 60, 100_000)
    x1, x2 = rng.binomial(n1, 0.3), rng.binomial(n2, 0.4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["fisher_many"] = _seconds(lambda: ztest(x1, n1, x2, n2, exact="fisher"), repeats)
    return out


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def summary_rows(r: dict[str, Any]) -> list[str]:
    """Rows of the benchmark page's summary table."""
    rows = []
    for test, t in r["tests"].items():
        x1, n1, x2, n2 = t["table"]
        s = t["seconds"]
        refused = t["refusal"] != "accepted"
        rows.append(
            f"| {test.capitalize()}'s test at its limit ({x1}/{n1} vs {x2}/{n2}) | "
            f"{s['median']:.2f} s ({s['min']:.2f}-{s['max']:.2f}) | refused one case a group "
            f"larger: {'yes' if refused else 'no'} | | about 1 s at most, refused beyond "
            f"(issue 16) | {_verdict(s['median'] <= 1.5 * TARGET_SECONDS and refused)} |"
        )
    return rows


def page_lines(r: dict[str, Any]) -> list[str]:
    """The page's section on the exact tests."""
    lines = [
        "## Exact tests at their limits",
        "",
        f"One table at each test's largest accepted size, {r['repeats']} runs, median (min-max):",
        "",
        "| test | table | time | Fisher's test, same table | one case more a group |",
        "|---|---|---|---|---|",
    ]
    for test, t in r["tests"].items():
        x1, n1, x2, n2 = t["table"]
        s, f = t["seconds"], t["fisher"]
        lines.append(
            f"| {test} | {x1}/{n1} vs {x2}/{n2} | {s['median']:.2f} s ({s['min']:.2f}-"
            f"{s['max']:.2f}) | {1000 * f['median']:.1f} ms | {t['refusal']} |"
        )
    fm = r["fisher_many"]
    lines += [
        "",
        f"Fisher's test on 100,000 tables at once (5 to 59 cases a group): "
        f"{1000 * fm['median']:.0f} ms ({1000 * fm['min']:.0f}-{1000 * fm['max']:.0f}), by the "
        "ratios of neighbouring hypergeometric weights (no scipy; a table in pure Python gives "
        "the same double).",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    r = measure(args.repeats)
    for line in [*summary_rows(r), "", *page_lines(r)]:
        print(line)


if __name__ == "__main__":
    main()
