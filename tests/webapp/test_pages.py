"""The pages driven headless (Streamlit AppTest): How many cases, Test a change, Ratings, Findings.

Bad input through the forms is in test_robustness_in_forms.py; the draw page in test_draw_page.py.

Expected values have their sources beside them: the published rule's worked figures in
docs/methods.md and the domain notes (250 -> 100, +/-4.97 points; 254 implied by 100; 165 for a
very large population), the README's command-line outputs (74/100 vs 65/100: z 1.382, p 0.1669,
interval -1.7 to +19.4 points), and the library functions the page calls (the page must show
their numbers, not its own).
"""

from __future__ import annotations

import io
import math
import tempfile
from importlib.resources import files
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from sampling import draw, implied_population, margin_of_error, read_cases, sample_size, write_draw
from significance import (
    CaseFindings,
    case_findings,
    minimum_detectable_difference,
    power,
    provider_rating,
    ztest,
)
from significance.report.standards import STANDARD_NAMES
from tests.webapp.conftest import Downloads, errors, metrics, open_page, shown_json

# --- page 1: how many cases -------------------------------------------------------------------


def test_start_page_sizes_the_example_population(size_page: AppTest) -> None:
    at = size_page
    assert at.title[0].value == "How many cases"
    shown = metrics(at)
    assert shown["Cases to inspect"] == "100"  # the rule at N = 250 (docs/methods.md)
    assert shown["Achieved margin"] == "+/-4.97 points"  # 0.0497 at N = 250, n = 100
    assert shown_json(at) == sample_size(250).to_dict()
    working = at.code[0].value
    assert "164.2374 x 250 / (164.2374 + 250 - 1) = 99.3602, rounded up: 100" in working
    assert "1.2815515655446004" in working  # the exact quantile, never 1.28
    assert errors(at) == []


def test_population_changes_and_the_infinite_case(size_page: AppTest) -> None:
    at = size_page
    at.number_input(key="size_population").set_value(254).run()
    assert metrics(at)["Cases to inspect"] == "100"  # 254 is the largest N giving 100
    at.number_input(key="size_population").set_value(255).run()
    assert metrics(at)["Cases to inspect"] == str(sample_size(255).n) == "101"
    at.checkbox(key="size_infinite").check().run()
    assert metrics(at)["Cases to inspect"] == "165"  # no population: n0 = 164.24 rounded up
    assert "no finite population correction" in at.code[0].value


def test_other_settings_reach_the_library(size_page: AppTest) -> None:
    at = size_page
    at.number_input(key="size_confidence").set_value(95.0).run()
    at.number_input(key="size_margin").set_value(3.0).run()
    expected = sample_size(250, margin_of_error=0.03, confidence_level=0.95)
    assert shown_json(at) == expected.to_dict()
    at.selectbox(key="size_method").set_value("wilson").run()
    wilson = sample_size(250, margin_of_error=0.03, confidence_level=0.95, method="wilson")
    assert shown_json(at)["n"] == wilson.n
    at.number_input(key="size_confidence").set_value(80.0).run()
    at.number_input(key="size_margin").set_value(5.0).run()
    at.selectbox(key="size_method").set_value("exact").run()
    exact = sample_size(250, method="exact")
    assert shown_json(at)["n"] == exact.n
    assert metrics(at)["Size for a very large population (n0)"] == f"{exact.n0:.2f}"
    assert "Wilson" not in at.code[0].value and "exact (hypergeometric)" in at.code[0].value


def test_subgroup_margins_curve_implied_population_and_record(size_page: AppTest) -> None:
    at = size_page
    shown = metrics(at)
    assert shown["Women: margin"] == f"+/-{100 * margin_of_error(16, 39):.2f} points"
    assert shown["Licence cases: margin"] == f"+/-{100 * margin_of_error(28, 71):.2f} points"
    at.number_input(key="size_sub0_n").set_value(13).run()
    at.number_input(key="size_sub0_pop").set_value(33).run()
    assert metrics(at)["Women: margin"] == "+/-14.05 points"  # README: 13 of 33 is 0.1405
    text = " ".join(str(m.value) for m in at.markdown)
    found = implied_population(100)
    assert found.summary() in text and "248 to 254" in text
    record = at.code[-1].value
    assert record.startswith("Sample size, inspection-toolkit")
    assert "Women: 13 of 33: +/-14.05 points" in record
    assert "Inspect 100 cases" in record
    assert len(at.get("arrow_line_chart")) + len(at.get("vega_lite_chart")) >= 1


# --- page 3: test a change --------------------------------------------------------------------


@pytest.fixture
def change_page() -> AppTest:
    return open_page("change")


def test_one_key_question_from_counts(change_page: AppTest) -> None:
    at = change_page
    shown = metrics(at)
    # README: ztest --x1 74 --n1 100 --x2 65 --n2 100 -> z = 1.382, p = 0.1669, -1.7 to +19.4
    assert shown["z"] == "1.382" and shown["p"] == "0.1669"
    assert shown["90% interval"] == "-1.7 to +19.4" and shown["Change"] == "+9.0 points"
    result = ztest(74, 100, 65, 100)  # the JSON the command line prints: fields and interval
    assert shown_json(at) == {
        **result.to_dict(),
        "confidence_interval": list(result.confidence_interval()),
    }
    call = at.info[0].value
    assert call == (
        "Rose from 65% to 74% (+9 points); within what chance could produce at the 0.1 level "
        "(p = 0.17)."
    )
    text = " ".join(str(m.value) for m in at.markdown)
    assert "about 17 times in 100" in text and "not called significant" in text
    assert f"Power {power(100, 100, 0.74, 0.65):.2f}" in text
    rise = minimum_detectable_difference(100, 100, 0.65, direction="increase")
    fall = minimum_detectable_difference(100, 100, 0.65, direction="decrease")
    assert rise.summary() in text and fall.summary() in text
    assert "Good" in text  # 74% is in the Good band
    assert errors(at) == []


def test_published_percentages_become_counts_as_the_command_line_does(change_page: AppTest) -> None:
    at = change_page
    at.radio(key="change_kind").set_value("Published percentages").run()
    at.number_input(key="change_p1").set_value(61.0).run()
    at.number_input(key="change_n1").set_value(79).run()
    at.number_input(key="change_p2").set_value(57.0).run()
    at.number_input(key="change_n2").set_value(79).run()
    data = shown_json(at)
    assert (data["x1"], data["x2"]) == (48, 45)  # 61% and 57% of 79, rounded half up
    assert data["statistic"] == ztest(48, 79, 45, 79).statistic
    assert data["method"].endswith("counts from published percentages (rounded half up)")
    assert at.info[0].value.startswith("Rose from 57% to 61%")


def test_comparator_and_one_sided_test(change_page: AppTest) -> None:
    at = change_page
    at.selectbox(key="change_comparator").set_value("All-provider aggregate: percentage").run()
    assert "6 points above the comparator's 68%" in at.info[0].value
    at.selectbox(key="change_alternative").set_value("greater").run()
    assert shown_json(at)["pvalue"] == ztest(74, 100, 65, 100, alternative="greater").pvalue
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Smallest detectable increase" in text and "decrease" not in text


def test_whole_table_report_chart_and_workbook(change_page: AppTest) -> None:
    at = change_page
    at.radio(key="change_mode").set_value("A table of key questions").run()
    assert not at.exception and errors(at) == []
    text = " ".join(str(m.value) for m in at.markdown)
    # Thames Valley 2019 with the previous n assumed 100: two significant changes (notebook 3)
    assert "15 key questions compared at alpha = 0.1: 2 significant changes" in text
    assert len(at.dataframe) == 3  # report, standards, sensitivity
    labels = [getattr(b, "label", None) for b in at.get("download_button")]
    assert labels == ["Download the report workbook (.xlsx)", "Download the chart (.png)"]


def test_workbook_download_is_the_report(change_page: AppTest, downloads: Downloads) -> None:
    at = change_page
    at.radio(key="change_mode").set_value("A table of key questions").run()
    book = openpyxl.load_workbook(io.BytesIO(downloads["comparison.xlsx"]))
    assert book.sheetnames == ["report", "standards", "sensitivity", "about"]
    rows = list(book["report"].iter_rows(values_only=True))
    assert len(rows) == 16 and "sentence" in rows[0]  # header and the 15 key questions
    assert downloads["comparison.png"].startswith(b"\x89PNG")


# --- page 5: ratings --------------------------------------------------------------------------


@pytest.fixture
def ratings_page() -> AppTest:
    return open_page("ratings")


def test_band_and_panel_options_as_the_command_line_gives_them(ratings_page: AppTest) -> None:
    at = ratings_page
    # python -m significance rating 64 --json (run in test_same_as_cli.py): RI, may consider Good
    assert metrics(at)["Band"] == "Requires improvement"
    assert shown_json(at)["panel_options"] == ["Requires improvement", "Good"]
    at.number_input(key="rating_pct").set_value(64.5).run()
    assert metrics(at)["Band"] == "Good"  # published basis: 64.5 is printed 65
    at.radio(key="rating_basis").set_value("unrounded").run()
    assert metrics(at)["Band"] == "Requires improvement"
    at.radio(key="rating_basis").set_value("published").run()
    at.number_input(key="rating_pct").set_value(90.0).run()
    assert metrics(at)["Band"] == "Outstanding" and shown_json(at)["near_boundary"] is False


def test_one_case_judged_differently(ratings_page: AppTest) -> None:
    at = ratings_page
    at.number_input(key="rating_pct").set_value(80.0).run()
    at.checkbox(key="rating_counted").check().run()
    at.number_input(key="rating_x").set_value(8).run()
    at.number_input(key="rating_n").set_value(10).run()
    reasons = shown_json(at)["reasons"]
    assert "one case judged differently (7 of 10) gives Good" in reasons


def test_provider_rating_of_the_published_example(ratings_page: AppTest) -> None:
    at = ratings_page
    shown = metrics(at)
    # Thames Valley CRC 2019: published overall rating Good (data/published_ratings.csv)
    assert shown["Provider rating"] == "Good" and shown["Score"] == "17 of 30"
    for code in ("2.3", "2.4"):
        at.selectbox(key=f"rating_std_{code}").set_value("Good").run()
    assert metrics(at)["Score"] == "21 of 30"
    for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2"):
        at.selectbox(key=f"rating_std_{code}").set_value("Outstanding").run()
    assert metrics(at)["Provider rating"] == "Outstanding"


# --- page 4: findings ------------------------------------------------------------------------


@pytest.fixture
def example_findings() -> CaseFindings:
    """The library on the bundled answers and the example draw they belong to (seed 2026)."""
    population = Path(str(files("sampling") / "data" / "example_population.csv"))
    folder = Path(tempfile.mkdtemp()) / "draw"
    write_draw(draw(read_cases(population), "auto", seed=2026, reserves=2), folder,
               input_path=population)  # fmt: skip
    answers = str(files("significance.findings") / "data" / "example_results.csv")
    return case_findings(answers, sample=folder)


def test_findings_of_the_bundled_example(
    example_findings: CaseFindings, downloads: Downloads
) -> None:
    at = open_page("findings")
    at.checkbox(key="findings_example").check().run()
    assert errors(at) == []
    assert at.success[0].value == example_findings.summary()
    shown = at.dataframe[0].value.set_index("key_question")
    # case_findings' own example: 2.1.1 is 65 of 100, 65%, Good
    assert (shown.loc["2.1.1", "yes"], shown.loc["2.1.1", "answered"]) == (65, 100)
    assert (shown.loc["2.1.1", "pct"], shown.loc["2.1.1", "band"]) == (65, "Good")
    expected = example_findings.key_questions.set_index("key_question")
    assert shown["margin_of_error"].tolist() == expected["margin_of_error"].tolist()
    book = openpyxl.load_workbook(io.BytesIO(downloads["findings.xlsx"]))
    assert "key_questions" in " ".join(book.sheetnames).replace(" ", "_").lower()
    assert downloads["findings.png"].startswith(b"\x89PNG")


def test_findings_with_the_other_standards_rated() -> None:
    at = open_page("findings")
    at.checkbox(key="findings_example").check().run()
    for code in ("1.1", "1.2", "1.3", "1.4", "4.1", "4.2"):
        at.selectbox(key=f"findings_{code}").set_value("Good")
    at.button(key="findings_compute").click().run()
    found = at.session_state["findings_state"]["findings"][0]
    assert found.provider is not None
    assert metrics(at)["Provider rating"] == found.provider.rating
    ratings = found.standards.set_index("standard")["rating"]
    assert provider_rating([ratings[c] for c in STANDARD_NAMES]).score == found.provider.score


def test_findings_from_this_sessions_draw_and_a_bad_pack() -> None:
    at = open_page("draw")
    data = (files("sampling") / "data" / "example_population.csv").read_bytes()
    at.file_uploader(key="draw_upload").set_value(("cases.csv", data, "text/csv")).run()
    at.text_input(key="draw_seed").set_value("2026").run()
    at.button(key="draw_button").click().run()
    at.switch_page("pages/findings.py").run()
    answers = (files("significance.findings") / "data" / "example_results.csv").read_bytes()
    at.file_uploader(key="findings_answers").set_value(("answers.csv", answers, "text/csv"))
    at.file_uploader(key="findings_pack").set_value(("pack.zip", b"not a zip", "x")).run()
    assert errors(at) == ["pack.zip is not a zip file (the pack the draw page gives)"]
    at.checkbox(key="findings_drawn").check().run()
    assert errors(at) == []
    assert at.success[0].value.startswith("12 key questions from 100 inspected cases")


def test_every_page_opens_without_error() -> None:
    at = open_page()
    for page in ("draw", "change", "findings", "ratings", "size"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert errors(at) == [], (page, errors(at))
    assert math.isfinite(float(metrics(at)["Cases to inspect"]))
