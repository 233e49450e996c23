"""End to end in a real browser: the app as ``python -m webapp`` starts it, driven by Playwright.

Debian's chromium (``/usr/bin/chromium``) is the browser (Playwright's own download is not
reachable here). The test starts the app on a free port of 127.0.0.1, uploads the example case
list (CSV, then the same cases as a workbook, then the provider's messy workbook of
``tests/fixtures/messy``, whose problems it fixes with the tick boxes the check offers), draws,
downloads the fieldwork pack and checks its contents against the library's draw, visits every
page, takes a screenshot of each, and checks that the page fetched nothing from anywhere but
the app itself.

Screenshots go to a temporary folder; ``make screenshots`` sets ``WEBAPP_SCREENSHOTS=docs/img``
to refresh the ones the "Web app" docs page shows. In CI (``CI`` set) a missing browser is a
failure, not a skip: ``.ci/run`` installs it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sampling import draw, read_case_list, read_cases
from webapp._launch import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
MESSY = ROOT / "tests" / "fixtures" / "messy" / "messy_cases.xlsx"
FIXES = (  # the tick boxes the check's messages call for, as the page labels them
    "Drop totals, subtotal and footer rows",
    "Drop rows that repeat an earlier row exactly",
    "Merge look-alike spellings into the standard levels (M and Male to male, SSO to suspended "
    "sentence order)",
    "Keep cases with a blank stratum as a level of their own, '(blank)'",
)
START_TIMEOUT = 90.0  # seconds for the server to answer (the machine is shared)
WAIT = 60_000  # milliseconds for a page to show what it should

pytestmark = pytest.mark.slow


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("the browser test must run in CI: /usr/bin/chromium is missing")
    pytest.skip("browser test skipped: install Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    port = free_port("127.0.0.1", 0)
    cwd = tmp_path_factory.mktemp("app-cwd")  # no .streamlit/ here: the app's own settings
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp", "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"Inspection toolkit web app: open {url} in your browser."
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("WEBAPP_SCREENSHOTS") or tmp_path)
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _settle(page: Any) -> None:
    """Wait until the app has finished its run and drawn what it sent (for screenshots)."""
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached")
    page.wait_for_timeout(1000)


def _pack(path: str | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {Path(n).name: archive.read(n) for n in archive.namelist()}


def test_upload_draw_download_and_every_page(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT)
    shots = _shots(tmp_path)
    workbook = tmp_path / "cases.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as book:
        pd.read_csv(EXAMPLE, dtype=str).to_excel(book, sheet_name="Cases", index=False)
        pd.DataFrame({"note": ["extract of 1 March"]}).to_excel(book, sheet_name="Notes")
    expected = draw(read_cases(EXAMPLE), "auto", seed=2026, reserves=2)
    listing = read_case_list(MESSY, id_column="CRN", strata=["Gender", "Sentence Type", "RoSH"],
                             drop_totals=True, drop_repeats=True, vocabularies="apply",
                             blank_strata="level")  # fmt: skip
    messy = draw(listing.cases, "auto", seed=2026, id_column="CRN", strata=listing.strata,
                 reserves=2, blank_strata="level")  # fmt: skip
    requested: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 1500}
        )
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.on("request", lambda request: requested.append(request.url))

        # 1. How many cases (the start page)
        page.goto(app_url)
        expect(page.get_by_role("heading", name="How many cases")).to_be_visible()
        expect(page.get_by_text("Inspect 100 cases for a margin of error").first).to_be_visible()
        expect(page.get_by_text("rounded up: 100").first).to_be_visible()
        _settle(page)
        page.screenshot(path=shots / "webapp-size.png")

        # 2. Draw the sample: the CSV, then the same cases as a workbook
        page.goto(f"{app_url}/draw")
        expect(page.get_by_role("heading", name="Draw the sample")).to_be_visible()
        page.locator("input[type=file]").first.set_input_files(str(EXAMPLE))
        expect(page.get_by_text("Read 250 cases from example_population.csv")).to_be_visible()
        seed = page.get_by_label("Seed (leave blank and the computer picks one; it is recorded)")
        seed.fill("2026")
        seed.press("Enter")
        page.get_by_role("button", name="Draw the sample").click()
        expect(page.get_by_text("Drew 100 of 250 cases with seed 2026")).to_be_visible()
        button = page.get_by_role("button", name="Download the fieldwork pack (.zip)")
        expect(button).to_be_visible()
        _settle(page)
        page.screenshot(path=shots / "webapp-draw.png")
        page.get_by_text("The pack holds balance.csv").scroll_into_view_if_needed()
        _settle(page)
        page.screenshot(path=shots / "webapp-draw-results.png")
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == "fieldwork-pack-seed-2026.zip"
        from_csv = _pack(download.value.path())
        assert sorted(from_csv) == [
            ".inspection-toolkit", "balance.csv", "balance.png", "balance.txt", "fieldwork.xlsx",
            "manifest.json", "reserves.csv", "sample.csv",
        ]  # fmt: skip
        sample = pd.read_csv(io.BytesIO(from_csv["sample.csv"]), dtype=str)
        reserves = pd.read_csv(io.BytesIO(from_csv["reserves.csv"]), dtype=str)
        manifest = json.loads(from_csv["manifest.json"])
        assert sample["case_id"].tolist() == expected.sample["case_id"].tolist()
        assert reserves["case_id"].tolist() == expected.reserves["case_id"].tolist()
        assert (manifest["seed"], manifest["n"], manifest["input_file"]) == (
            2026, 100, "example_population.csv"
        )  # fmt: skip
        assert from_csv["balance.png"].startswith(b"\x89PNG")

        page.locator("input[type=file]").first.set_input_files(str(workbook))
        expect(page.get_by_text("Read 250 cases from sheet 'Cases' of cases.xlsx")).to_be_visible()
        page.get_by_role("button", name="Draw the sample").click()
        expect(page.get_by_text("Drew 100 of 250 cases with seed 2026")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the fieldwork pack (.zip)").click()
        from_workbook = _pack(download.value.path())
        assert from_workbook["sample.csv"] == from_csv["sample.csv"]

        # the provider's messy workbook: every problem at once, the fixes offered, the draw
        page.locator("input[type=file]").first.set_input_files(str(MESSY))
        expect(page.get_by_text("has 2 rows that are not cases")).to_be_visible()
        expect(page.get_by_text("repeats 1 ID: '187455'")).to_be_visible()
        _settle(page)
        page.screenshot(path=shots / "webapp-draw-problems.png")
        for label in FIXES:
            box = page.get_by_role("checkbox", name=label)
            page.get_by_text(label, exact=True).click()
            expect(box).to_be_checked()
            _settle(page)  # a click during the app's rerun can be undone by it (a busy machine)
        for label in FIXES:
            expect(page.get_by_role("checkbox", name=label)).to_be_checked()
        expect(page.get_by_text("Read 300 cases from sheet 'Cases' of messy_cases.xlsx")
               ).to_be_visible()  # fmt: skip
        page.get_by_role("button", name="Draw the sample").click()
        expect(page.get_by_text(f"Drew {messy.n} of 300 cases with seed 2026")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the fieldwork pack (.zip)").click()
        from_messy = _pack(download.value.path())
        assert "fieldwork.xlsx" in from_messy
        sample = pd.read_csv(io.BytesIO(from_messy["sample.csv"]), dtype=str)
        assert sample["CRN"].tolist() == messy.sample["CRN"].tolist()
        manifest = json.loads(from_messy["manifest.json"])
        assert manifest["reading"]["options"]["drop_totals"] is True

        # 3. Test a change, 4. Findings, 5. Ratings
        page.goto(f"{app_url}/change")
        expect(page.get_by_text("Rose from 65% to 74% (+9 points)").first).to_be_visible()
        _settle(page)
        page.screenshot(path=shots / "webapp-change.png")
        page.get_by_text("A table of key questions").click()
        expect(page.get_by_text("15 key questions compared at alpha = 0.1")).to_be_visible()
        with page.expect_download() as download:  # the workbook is made on the click
            page.get_by_role("button", name="Download the report workbook (.xlsx)").click()
        with zipfile.ZipFile(download.value.path()) as book:
            assert "xl/workbook.xml" in book.namelist()
        page.goto(f"{app_url}/findings")
        page.get_by_text("Use the bundled example: synthetic answers", exact=False).click()
        expect(page.get_by_text("12 key questions from 100 inspected cases")).to_be_visible()
        _settle(page)
        page.screenshot(path=shots / "webapp-findings.png")
        page.goto(f"{app_url}/ratings")
        expect(page.get_by_text("Score 17 of 30: Good.").first).to_be_visible()
        _settle(page)
        page.screenshot(path=shots / "webapp-ratings.png")
        browser.close()

    outside = sorted(
        {u for u in requested if not u.startswith((app_url, "data:", "blob:", "ws://127.0.0.1"))}
    )
    assert outside == []  # no external fonts, scripts or statistics
    for name in ("size", "draw", "draw-results", "draw-problems", "change", "findings", "ratings"):
        assert (shots / f"webapp-{name}.png").read_bytes().startswith(b"\x89PNG")


def test_without_a_browser_a_local_run_skips_and_ci_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tests.webapp.test_browser as here

    monkeypatch.setattr(here, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install chromium"):
        here._need_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        here._need_browser()
