"""Cold start of the command line against ``python -c pass`` (medians over repeated runs).

Each repeat runs every command once, in turn, so a slow moment of the machine touches all of
them alike. Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_startup.py [--repeats 20]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    # the floor for both commands below: the two imports they cannot do without
    "python -c 'import numpy, scipy.special'": [
        sys.executable,
        "-c",
        "import numpy, scipy.special",
    ],
    # the floor of the draw command: the libraries it reads, solves and plots with
    "python -c 'import pandas, scipy.optimize, matplotlib.pyplot'": [
        sys.executable,
        "-c",
        "import pandas, scipy.optimize, matplotlib.pyplot",
    ],
    "python -m sampling size --population 254": [
        sys.executable,
        "-m",
        "sampling",
        "size",
        "--population",
        "254",
    ],
    "python -m significance ztest --x1 74 --n1 100 --x2 65 --n2 100": [
        sys.executable,
        "-m",
        "significance",
        "ztest",
        *("--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100"),
    ],
}


def wall_seconds(cmd: list[str]) -> float:
    """Wall time of one run of ``cmd`` (stdout discarded; fails if the command fails)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def median_seconds(cmd: list[str], repeats: int) -> float:
    """Median wall time of ``cmd`` over ``repeats`` runs."""
    return statistics.median(wall_seconds(cmd) for _ in range(repeats))


def measure(repeats: int, commands: dict[str, list[str]] | None = None) -> dict[str, float]:
    """Median wall time of each command, the commands run round-robin after two warm-up runs."""
    commands = COMMANDS if commands is None else commands
    for cmd in commands.values():  # warm the file cache
        wall_seconds(cmd)
        wall_seconds(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            times[name].append(wall_seconds(cmd))
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )
    medians = measure(args.repeats)
    base = medians["python -c pass"]
    for name, t in medians.items():
        print(f"{name:<66} median {1000 * t:7.1f} ms   ratio {t / base:5.2f}")


if __name__ == "__main__":
    main()
