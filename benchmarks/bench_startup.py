"""Whole commands as a user runs them, against ``python -c pass`` (issue 16).

Every command of the command line that does scalar arithmetic (``sampling size``, ``margin``,
``implied``, ``plan``; ``significance rating``, ``provider-rating``, ``ztest``, ``power``,
``mdd``, ``sample-size``), the ``draw`` command on the bundled 250-case example and the
comparison report on the bundled key questions, each a fresh process. Each repeat runs every
command once, in turn, beside ``python -c pass`` (so a slow moment of the machine touches all of
them alike); each command's ratio to ``python -c pass`` is taken repeat by repeat, and the page
gives the median with the spread (min-max) of wall time, CPU time (``resource.getrusage`` of the
finished child) and the ratios.

Commands run with the interpreter's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` removed from
their environment, and two warm-up rounds to write it), as an installed package runs. The heavy
packages each command imports are found with ``python -X importtime``.

Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_startup.py [--repeats 15]``
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BASE = "python -c pass"
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
KEY_QUESTIONS = ROOT / "significance" / "data" / "thames_valley_2019_key_questions.csv"
TEN = ["Good"] * 6 + ["Inadequate"] * 2 + ["Good", "Outstanding"]

# name -> arguments after `python -m`; the scalar commands (target: at most 2x python -c pass)
SCALAR: dict[str, list[str]] = {
    "sampling size --population 254": ["sampling", "size", "--population", "254"],
    "sampling margin --n 100 --population 250": [
        "sampling", "margin", "--n", "100", "--population", "250",
    ],
    "sampling implied --n 100": ["sampling", "implied", "--n", "100"],
    "sampling plan": ["sampling", "plan"],
    "significance rating 64": ["significance", "rating", "64"],
    "significance provider-rating (ten ratings)": ["significance", "provider-rating", *TEN],
    "significance ztest --x1 74 --n1 100 --x2 65 --n2 100": [
        "significance", "ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100",
    ],
    "significance ztest --x1 3 --n1 10 --x2 1 --n2 12 (small counts: Fisher)": [
        "significance", "ztest", "--x1", "3", "--n1", "10", "--x2", "1", "--n2", "12",
    ],
    "significance power --n1 100 --n2 100 --p1 0.74 --p2 0.65": [
        "significance", "power", "--n1", "100", "--n2", "100", "--p1", "0.74", "--p2", "0.65",
    ],
    "significance mdd --n1 100 --n2 100 --baseline 0.65": [
        "significance", "mdd", "--n1", "100", "--n2", "100", "--baseline", "0.65",
    ],
    "significance sample-size --p1 0.74 --p2 0.65": [
        "significance", "sample-size", "--p1", "0.74", "--p2", "0.65",
    ],
}  # fmt: skip

DRAW = "sampling draw (the 250-case example, five files and the PNG chart)"
DRAW_ONE_CORE = "sampling draw, pinned to one core (so no chart helper process)"
REPORT = "significance compare (the bundled key questions, --previous-n 100)"
REPORT_FILES = "significance compare ... --out report.md --plot report.png"
FLOORS = {
    "python -c 'import numpy'": ["-c", "import numpy"],
    "python -c 'import pandas, scipy.optimize'": ["-c", "import pandas, scipy.optimize"],
    "python -c 'import pandas, scipy.optimize, matplotlib.figure, xlsxwriter'": [
        "-c", "import pandas, scipy.optimize, matplotlib.figure, xlsxwriter",
    ],
}  # fmt: skip

TARGETS = {"scalar_ratio": 2.0, "draw_seconds": 0.8, "report_seconds": 1.0}
HEAVY = (
    "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "statsmodels", "openpyxl", "xlsxwriter",
)  # fmt: skip


def commands(folder: Path) -> dict[str, list[str]]:
    """Every timed command (interpreter arguments), ``python -c pass`` first."""
    out = {BASE: ["-c", "pass"]}
    out.update({name: ["-m", *argv] for name, argv in SCALAR.items()})
    out[DRAW] = ["-m", "sampling", "draw", str(EXAMPLE), "--id", "case_id",
                 "--strata", "gender,disposal,risk", "--n", "auto", "--seed", "2026",
                 "--reserves", "2", "--out", str(folder / "draw"), "--force"]  # fmt: skip
    draw_args = [*out[DRAW][2:-2], str(folder / "draw1"), "--force"]
    out[DRAW_ONE_CORE] = ["-c", (
        "import os, runpy, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        f"sys.argv = ['sampling', *{draw_args!r}]; "
        "runpy.run_module('sampling', run_name='__main__')"
    )]  # fmt: skip
    out[REPORT] = ["-m", "significance", "compare", str(KEY_QUESTIONS), "--previous-n", "100"]
    out[REPORT_FILES] = [*out[REPORT], "--out", str(folder / "report.md"),
                         "--plot", str(folder / "report.png"), "--force"]  # fmt: skip
    out.update(FLOORS)
    return out


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``python ARGV`` (output discarded; must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([PY, *argv], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT, env=env)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def heavy_imports(argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy packages a command imports (``python -X importtime``)."""
    done = subprocess.run([PY, "-X", "importtime", *argv], capture_output=True, text=True,
                          cwd=ROOT, env=env)  # fmt: skip
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return [h for h in HEAVY if h in names]


def measure(repeats: int = 15, *, quick: bool = False) -> dict[str, Any]:
    """Interleaved runs of every command: wall, CPU and the ratio to ``python -c pass``.

    Returns ``{"medians": {name: median wall seconds}, "stats": {name: {...}}, "heavy": ...}``;
    each stats entry has ``wall``, ``cpu`` and ``ratio_wall``, ``ratio_cpu`` (each a median,
    min and max; the ratios paired repeat by repeat).
    """
    env = _environment()
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(Path(tmp))
        if quick:
            cmds = {k: v for k, v in cmds.items() if k in (BASE, *list(SCALAR)[:2])}
        for argv in cmds.values():  # warm up: the bytecode cache, the file cache
            run_once(argv, env)
            run_once(argv, env)
        walls: dict[str, list[float]] = {name: [] for name in cmds}
        cpus: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(repeats):
            for name, argv in cmds.items():
                wall, cpu = run_once(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        heavy = {name: heavy_imports(argv, env) for name, argv in cmds.items() if name != BASE}
    stats = {}
    for name in cmds:
        stats[name] = {
            "wall": _spread(walls[name]),
            "cpu": _spread(cpus[name]),
            "ratio_wall": _spread([a / b for a, b in zip(walls[name], walls[BASE], strict=True)]),
            "ratio_cpu": _spread([a / b for a, b in zip(cpus[name], cpus[BASE], strict=True)]),
        }
    return {
        "medians": {name: s["wall"]["median"] for name, s in stats.items()},
        "stats": stats,
        "heavy": heavy,
        "repeats": repeats,
    }


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _range(s: dict[str, float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}-{fmt.format(s['max'])})"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def summary_rows(results: dict[str, Any]) -> list[str]:
    """Rows of the benchmark page's summary table."""
    stats = results["stats"]
    rows = []
    scalar = [name for name in SCALAR if name in stats]
    worst = max(scalar, key=lambda n: stats[n]["ratio_wall"]["median"])
    ratio = stats[worst]["ratio_wall"]
    ok = all(stats[n]["ratio_wall"]["median"] <= TARGETS["scalar_ratio"] for n in scalar)
    rows.append(
        f"| every scalar command ({len(scalar)}; slowest: `{worst.split(' (')[0]}`) | "
        f"{_ms(stats[worst]['wall']['median'])} | `python -c pass` "
        f"{_ms(stats[BASE]['wall']['median'])} | {_range(ratio)} | at most 2 (issue 16) | "
        f"{_verdict(ok)} |"
    )
    for name, target in ((DRAW, "draw_seconds"), (REPORT, "report_seconds")):
        if name in stats:
            wall, base = stats[name]["wall"], _ms(stats[BASE]["wall"]["median"])
            rows.append(
                f"| whole `{name.split(' (')[0]}` command ({name.split(' (')[1][:-1]}) | "
                f"{_range(wall, '{:.2f}')} s | `python -c pass` {base}"
                f" | {stats[name]['ratio_wall']['median']:.0f} | under {TARGETS[target]:g} s "
                f"(issue 16) | {_verdict(wall['median'] < TARGETS[target])} |"
            )
    return rows


def page_lines(results: dict[str, Any]) -> list[str]:
    """The page's section on whole commands."""
    stats, heavy = results["stats"], results["heavy"]
    lines = [
        "## Whole commands: start-up and the scalar paths",
        "",
        f"Each command a fresh process, {results['repeats']} interleaved rounds (every command "
        "once per round, beside `python -c pass`), bytecode cache on. Median with the spread "
        "(min-max); the ratios are taken round by round against that round's `python -c pass`. "
        "CPU is user + system time of the finished process (`resource.getrusage`).",
        "",
        "| command | wall | CPU | ratio to `python -c pass` (wall) | ratio (CPU) | heavy "
        "packages imported |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in stats.items():
        found = ", ".join(heavy.get(name, [])) or ("-" if name == BASE else "none")
        lines.append(
            f"| `{name}` | {_range(s['wall'], '{:.3f}')} s | {_range(s['cpu'], '{:.3f}')} s | "
            f"{_range(s['ratio_wall'])} | {_range(s['ratio_cpu'])} | {found} |"
        )
    lines += [
        "",
        "The scalar commands compute in pure Python: numbers given as plain numbers take the "
        "library's pure-Python path (the normal quantile and distribution function are "
        "scipy's Cephes algorithms step for step, Fisher's and the binomial exact tests by "
        "ratios of neighbouring probabilities), bit for bit what the numpy code gives "
        "(`tests/significance/test_scalar_paths.py`), so they import neither numpy nor scipy, "
        "pandas or matplotlib (`tests/cli/test_light_commands.py`). What remains over "
        "`python -c pass` is the standard library they need (argparse, dataclasses and its "
        "`inspect`, about 10 ms) and the toolkit's own modules.",
        "",
        "The `draw` and `compare` commands import pandas (and for the draw scipy's linear "
        "programming, matplotlib for the chart and XlsxWriter for the workbook): the rows "
        "`python -c 'import ...'` are those imports alone. The draw imports matplotlib in a "
        "helper process that starts with the command and draws `balance.png` on the second "
        "core (`sampling/_chart_process.py`), so the floor of its own process is "
        "`import pandas, scipy.optimize`; the chart's drawing (about 0.13 s once the sample "
        "is known) and the workbook, which shows the chart, follow it. "
        "The commands tune the garbage collector for a short process (fewer collections "
        "while the libraries load, none at exit).",
        "",
    ]
    floor_name = "python -c 'import pandas, scipy.optimize'"
    if DRAW in stats and floor_name in stats:
        draw, floor = stats[DRAW]["wall"]["median"], stats[floor_name]["wall"]["median"]
        if draw >= TARGETS["draw_seconds"]:
            lines += [
                f"The `draw` command misses its {TARGETS['draw_seconds']:g} s target: "
                f"{draw:.2f} s, where importing pandas and scipy's linear programming alone "
                f"takes {floor:.2f} s here (pandas reads the list; the allocation's "
                "decomposition is solved by HiGHS through `scipy.optimize`, whose package "
                "imports all of scipy's optimisers and `scipy.linalg`, and its solutions fix "
                "the samples that manifests already written repeat). What is left over that "
                "floor is the command's own work, and the chart: it needs the sample's "
                "shares, so its drawing (about 0.13 s in the helper process) starts only "
                "when the draw is done, and the workbook shows it. Without the helper "
                "process (the row pinned to one core) the command takes "
                f"{stats[DRAW_ONE_CORE]['wall']['median']:.2f} s.",
                "",
            ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    results = measure(args.repeats)
    for line in [*summary_rows(results), "", *page_lines(results)]:
        print(line)


if __name__ == "__main__":
    main()
