"""The web app: each interaction on the 250-case example, a 100,000-case upload, start-up.

* Interactions: Streamlit's AppTest runs the app's script in this process, as the server does
  for a browser; each interaction (a changed field, an upload, the draw button) is one rerun,
  timed after a first run has loaded the libraries (the app warms them in the background when
  it starts). Median and slowest over repeats. Target: under 1 s each.
* A 100,000-case upload (a seeded synthetic frame as CSV, from ``bench_draw.make_frame``): the
  upload's run (read and checked by ``sampling.read_cases``) plus the draw button's run (draw,
  balance, pack). Target: under 5 s.
* Start-up: ``python -m webapp`` on a free port until the first page shows its answer in
  Debian's chromium (Playwright), or, without a browser, until the server answers its health
  check. Target: under 5 s.

Used by ``benchmarks/run.py`` (``make bench``) and runnable alone:
``.venv/bin/python benchmarks/bench_webapp.py [--repeats 5]``. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_draw  # sibling module

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
CHROMIUM = Path("/usr/bin/chromium")
TARGETS = {"interaction": 1.0, "large_upload": 5.0, "startup": 5.0}


def _app() -> Any:
    from streamlit.testing.v1 import AppTest

    from webapp import APP_SCRIPT

    return AppTest.from_file(str(APP_SCRIPT), default_timeout=300).run()


def _timed(step: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    at = step(*args)
    seconds = time.perf_counter() - start
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return seconds


Step = Callable[[Any, int], Any]  # (the AppTest, the repeat) -> the AppTest after its run
STEPS: dict[str, Step] = {
    "size: change the population": lambda at, i: (
        at.number_input(key="size_population").set_value(254 + i).run()
    ),
    "size: Wilson method": lambda at, i: at.selectbox(key="size_method").set_value("wilson").run(),
    "change: open the page": lambda at, i: at.switch_page("pages/change.py").run(),
    "change: change a count": lambda at, i: (
        at.number_input(key="change_x1").set_value(70 + i).run()
    ),
    "change: whole Thames Valley report": lambda at, i: (
        at.radio(key="change_mode").set_value("A table of key questions").run()
    ),
    "ratings: open the page": lambda at, i: at.switch_page("pages/ratings.py").run(),
    "ratings: change a standard": lambda at, i: (
        at.selectbox(key="rating_std_2.3").set_value("Good").run()
    ),
    "draw: open the page": lambda at, i: at.switch_page("pages/draw.py").run(),
    "draw: upload the example (read, check)": lambda at, i: (
        at.file_uploader(key="draw_upload")
        .set_value(("cases.csv", EXAMPLE.read_bytes(), "text/csv"))
        .run()
    ),
    "draw: type the seed": lambda at, i: at.text_input(key="draw_seed").set_value("2026").run(),
    "draw: draw (sample, balance, chart, pack)": lambda at, i: (
        at.button(key="draw_button").click().run()
    ),
    "draw: change the reserves": lambda at, i: (
        at.number_input(key="draw_reserves").set_value(3).run()
    ),
}


def interactions(repeats: int) -> dict[str, dict[str, float]]:
    """Median and slowest seconds of each interaction on the bundled example."""
    times: dict[str, list[float]] = {}
    for i in range(repeats):
        at = _app()
        for name, step in STEPS.items():
            times.setdefault(name, []).append(_timed(step, at, i))
    return {k: {"median": statistics.median(v), "slowest": max(v)} for k, v in times.items()}


def _upload(at: Any, upload: tuple[str, bytes, str]) -> Any:
    return at.file_uploader(key="draw_upload").set_value(upload).run()


def _draw(at: Any) -> Any:
    return at.button(key="draw_button").click().run()


def large_upload(cases: int, repeats: int) -> dict[str, float]:
    """Seconds to read and check, then draw, an upload of ``cases`` cases (medians)."""
    frame = bench_draw.make_frame(cases)
    data = frame.to_csv(index=False).encode("utf-8")
    read, drawn = [], []
    for _ in range(repeats):
        at = _app()
        at.switch_page("pages/draw.py").run()
        read.append(_timed(_upload, at, ("cases.csv", data, "text/csv")))
        at.text_input(key="draw_seed").set_value("1").run()
        drawn.append(_timed(_draw, at))
    return {
        "cases": cases,
        "megabytes": len(data) / 1e6,
        "read_and_check": statistics.median(read),
        "draw": statistics.median(drawn),
        "total": statistics.median(r + d for r, d in zip(read, drawn, strict=True)),
    }


def startup_once() -> tuple[float, str]:
    """Seconds from ``python -m webapp`` to the first page's answer, and what was waited for."""
    from webapp._launch import free_port

    port = free_port("127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - start > 120:
                    raise
                time.sleep(0.05)
        if not CHROMIUM.exists():
            return time.perf_counter() - start, "server health check (no chromium here)"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("Inspect 100 cases for a margin of error").first.wait_for(
                timeout=120_000
            )
            seconds = time.perf_counter() - start
            browser.close()
        return seconds, "first page's answer shown in chromium"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def startup(repeats: int) -> dict[str, Any]:
    runs = [startup_once() for _ in range(repeats)]
    return {"median": statistics.median(s for s, _ in runs), "until": runs[0][1]}


def measure(*, quick: bool = False, repeats: int = 5) -> dict[str, Any]:
    """Every figure of the web app's benchmark (``quick``: fewer repeats, a smaller upload)."""
    repeats = 2 if quick else repeats
    return {
        "interactions": interactions(repeats),
        "large_upload": large_upload(20_000 if quick else 100_000, 1 if quick else 3),
        "startup": startup(1 if quick else 3),
        "repeats": repeats,
    }


def page_lines(results: dict[str, Any] | None) -> list[str]:
    """The benchmark page's section on the web app."""
    if results is None:
        return []
    inter, big, start = results["interactions"], results["large_upload"], results["startup"]
    worst = max(v["slowest"] for v in inter.values())

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    return [
        "## The web app",
        "",
        "`benchmarks/bench_webapp.py`: Streamlit's AppTest runs the app's script in-process as the",
        "server does for a browser; each interaction is one rerun, timed after a first run has",
        f"loaded the libraries, over {results['repeats']} repeats:",
        "",
        "| interaction on the 250-case example | median | slowest |",
        "|---|---|---|",
        *[
            f"| {k} | {1000 * v['median']:.0f} ms | {1000 * v['slowest']:.0f} ms |"
            for k, v in inter.items()
        ],
        "",
        "| figure | measured | target | verdict |",
        "|---|---|---|---|",
        f"| slowest interaction above | {worst:.2f} s | under 1 s (issue 17) | "
        f"{verdict(worst < TARGETS['interaction'])} |",
        f"| {big['cases']:,}-case upload ({big['megabytes']:.1f} MB CSV): read and checked "
        f"{big['read_and_check']:.2f} s, drawn {big['draw']:.2f} s | {big['total']:.2f} s | "
        f"under 5 s (issue 17) | {verdict(big['total'] < TARGETS['large_upload'])} |",
        f"| start-up, `python -m webapp` to the {start['until']} | {start['median']:.2f} s | "
        f"under 5 s (issue 17) | {verdict(start['median'] < TARGETS['startup'])} |",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    print("\n".join(page_lines(measure(quick=args.quick, repeats=args.repeats))))


if __name__ == "__main__":
    main()
