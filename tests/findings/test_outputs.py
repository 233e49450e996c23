"""Outputs: workbook, Markdown, HTML, JSON, the chart, the CLI, and the comparison report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import significance
from significance._cli import build_parser, main
from significance.findings import CaseFindings, case_findings

from .conftest import RESULTS

ROOT = Path(__file__).resolve().parents[2]
THAMES_VALLEY = ROOT / "significance/data/thames_valley_2019_key_questions.csv"


def test_workbook_sheets_and_round_trip(example_findings: CaseFindings, tmp_path: Path) -> None:
    path = example_findings.write(tmp_path / "findings.xlsx")
    with pd.ExcelFile(path) as book:
        sheets = book.sheet_names
    assert sheets == [
        "key_questions", "subgroups", "subgroup_tests", "standards", "cases", "about",
    ]  # fmt: skip
    back = pd.read_excel(path, sheet_name="key_questions", dtype={"key_question": str})
    assert back["yes"].tolist() == example_findings.key_questions["yes"].tolist()
    assert back["design_se"].tolist() == pytest.approx(
        example_findings.key_questions["design_se"].tolist(), rel=1e-12
    )
    with pytest.raises(FileExistsError):
        example_findings.write(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.xlsx"]  # no temporary left


def test_markdown_html_csv_and_json(example_findings: CaseFindings, tmp_path: Path) -> None:
    md = example_findings.write(tmp_path / "f.md").read_text(encoding="utf-8")
    assert md.startswith("# Findings") and "## Sub-groups" in md and "| 2.1.1 " in md
    page = example_findings.write(tmp_path / "f.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "CaseFindings" in page
    csv = pd.read_csv(example_findings.write(tmp_path / "f.csv"), dtype={"key_question": str})
    assert list(csv["key_question"]) == list(example_findings.key_questions["key_question"])
    record = json.loads(json.dumps(example_findings.to_dict()))
    assert record["provider"]["rating"] == "Good" and record["cases"] == 100
    assert record["key_questions"][0]["key_question"] == "2.1.1"
    assert "<table" in example_findings._repr_html_()
    with pytest.raises(ValueError, match="out must end in"):
        example_findings.write(tmp_path / "f.txt")


def test_chart_displays_inline_and_saves(example_findings: CaseFindings, tmp_path: Path) -> None:
    chart = example_findings.plot()
    assert chart._repr_png_().startswith(b"\x89PNG")
    ys = chart.figure.axes[0].get_yticks()
    assert len(ys) == len(example_findings.key_questions)
    saved = chart.save(tmp_path / "f.svg")
    assert saved.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match="plot path must end in"):
        chart.save(tmp_path / "f.jpg")


def test_ztest_loads_only_the_light_findings_modules_and_no_pandas() -> None:
    # the parser reads case_findings' defaults from its signature; nothing heavier is loaded
    code = (
        "import sys, significance\n"
        "from significance._cli import main\n"
        "assert main(['ztest', '--x1', '74', '--n1', '100', '--x2', '65', '--n2', '100']) == 0\n"
        "light = {'significance.findings', 'significance.findings._findings'}\n"
        "assert {m for m in sys.modules if m.startswith('significance.findings')} <= light\n"
        "assert 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


def test_cli_writes_the_workbook_and_chart(
    example_draw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, plot = tmp_path / "findings.xlsx", tmp_path / "findings.png"
    code = main(["findings", RESULTS, "--sample", str(example_draw), "--out", str(out),
                 "--plot", str(plot), "--standard-rating", "1.1=Good"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    assert out.is_file() and plot.read_bytes().startswith(b"\x89PNG")
    assert "12 key questions from 100 inspected cases" in captured.out
    assert f"Wrote {out} and {plot}" in captured.out


def test_cli_json_with_a_previous_round(
    example_draw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["findings", RESULTS, "--sample", str(example_draw), "--group", "officer_grade",
                 "--previous", str(THAMES_VALLEY), "--previous-n", "100", "--json"])  # fmt: skip
    record = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["group"] for r in record["subgroups"]} == {"officer_grade"}
    rows = record["comparison"]["table"]
    assert [r["current_x"] for r in rows][:3] == [65, 81, 41]


def test_cli_defaults_are_the_signatures() -> None:
    from inspection_core.cli import default_of

    for action in build_parser()._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            sub = action.choices["findings"]
    shown = {a.dest: a.default for a in sub._actions}
    for name in ("confidence_level", "alpha"):
        assert shown[name] == default_of(significance.case_findings, name)


def _typed_in() -> pd.DataFrame:
    """The same counts typed in by hand (the planted ones) beside Thames Valley's 2018 figures."""
    published = pd.read_csv(THAMES_VALLEY)
    counts = [(65, 100), (81, 100), (41, 58), (74, 100), (74, 100), (35, 58),
              (67, 100), (44, 100), (27, 58), (55, 96), (57, 96), (24, 58)]  # fmt: skip
    table = published.iloc[:12][["standard", "key_question", "previous_pct", "all_crcs_pct"]]
    table = table.assign(current_x=[x for x, _ in counts], current_n=[n for _, n in counts])
    return table


def test_comparison_from_findings_equals_the_one_from_counts_typed_in(
    example_findings: CaseFindings,
) -> None:
    from_findings = example_findings.compare(THAMES_VALLEY, previous_n=100)
    typed = significance.compare_rounds(
        _typed_in(), previous_n=100, standard_ratings={"1.1": "Good", "1.2": "Good",
                                                       "1.3": "Good", "1.4": "Good",
                                                       "4.1": "Good", "4.2": "Outstanding"},
    )  # fmt: skip
    pd.testing.assert_frame_equal(from_findings.table, typed.table)
    pd.testing.assert_frame_equal(from_findings.standards, typed.standards)
    assert from_findings.provider == typed.provider
    assert from_findings.table["current_x"].tolist()[:3] == [65, 81, 41]
    # nothing recovered from a percentage for the current round
    assert not any("current_pct" in a for a in from_findings.assumptions)


def test_comparison_against_a_previous_findings_file(
    example_findings: CaseFindings, tmp_path: Path
) -> None:
    path = example_findings.write(tmp_path / "previous.xlsx")
    report = example_findings.compare(path)
    t = report.table
    assert (t["previous_x"] == t["current_x"]).all() and (t["previous_n"] == t["current_n"]).all()
    assert not t["previous_n_assumed"].any() and (t["change_points"] == 0).all()
    same = example_findings.compare(example_findings)
    pd.testing.assert_frame_equal(same.table, t)


def test_comparison_table_leaves_out_unmatched_questions(example_findings: CaseFindings) -> None:
    previous = pd.DataFrame({"key_question": ["2.1.1", "2.2.1"], "previous_pct": [74, 69],
                             "previous_n": [100, 100]})  # fmt: skip
    table = example_findings.comparison_table(previous)
    assert table["current_x"].tolist() == [65, 74]
    assert table["previous_pct"].tolist() == [74, 69]
    with pytest.raises(ValueError, match="previous has no key question that matches"):
        example_findings.comparison_table(
            pd.DataFrame({"key_question": ["x"], "previous_pct": [1]})
        )


def test_public_names(example_draw: Path) -> None:
    assert significance.case_findings is case_findings
    for name in ("CaseFindings", "case_findings", "check_case_answers", "design_proportion"):
        assert name in significance.__all__


def test_chart_needs_no_pyplot(example_draw: Path) -> None:
    code = (
        "import sys\n"
        "from significance import case_findings\n"
        f"chart = case_findings({RESULTS!r}, sample={str(example_draw)!r}, groups=[]).plot()\n"
        "assert chart._repr_png_().startswith(b'\\x89PNG')\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
