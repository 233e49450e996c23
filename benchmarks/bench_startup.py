"""Cold start of the command line against ``python -c pass`` (medians over repeated runs).

Run: ``.venv/bin/python benchmarks/bench_startup.py [--repeats 20]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -m sampling size --population 254": [
        sys.executable,
        "-m",
        "sampling",
        "size",
        "--population",
        "254",
    ],
}


def median_seconds(cmd: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )
    base = None
    for name, cmd in COMMANDS.items():
        median_seconds(cmd, 2)  # warm the file cache
        t = median_seconds(cmd, args.repeats)
        base = base or t
        print(f"{name:<45} median {1000 * t:7.1f} ms   ratio {t / base:5.2f}")


if __name__ == "__main__":
    main()
