"""``python -m significance compare``: the printed report, files written, one-line refusals."""

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from significance._cli import main

TV = Path(
    str(resources.files("significance").joinpath("data/thames_valley_2019_key_questions.csv"))
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_prints_and_writes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_path, plot_path = tmp_path / "report.xlsx", tmp_path / "chart.png"
    code, out, err = run(
        capsys, "compare", str(TV), "--previous-n", "100", "--out", str(out_path),
        "--plot", str(plot_path),
    )  # fmt: skip
    assert code == 0 and err == ""
    assert out.startswith("15 key questions compared at alpha = 0.1: 2 significant changes")
    assert "previous-round n assumed to be 100 for every key question" in out
    assert f"Wrote {out_path} and {plot_path}" in out
    assert pd.read_excel(out_path, sheet_name="report")["significant"].sum() == 2
    assert plot_path.read_bytes()[:4] == b"\x89PNG"


def test_compare_options_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "kq.csv"
    pd.read_csv(TV).rename(columns={"key_question": "question text"}).to_csv(table, index=False)
    ratings = ["1.1=Good", "1.2=Good", "1.3=Good", "1.4=Good", "2.2=Good", "4.1=Good"]
    ratings += ["4.2=Outstanding"]
    code, out, err = run(
        capsys, "compare", str(table), "--previous-n", "100", "--alpha", "0.05",
        "--column", "key_question=question text", "--comparator-n", "2000", "--json",
        *[arg for r in ratings for arg in ("--standard-rating", r)],
    )  # fmt: skip
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["alpha"] == 0.05 and d["written"] == []
    assert d["provider"]["rating"] == "Good" and d["provider"]["score"] == 17
    assert "two-sample" in d["comparator_method"]
    assert sum(r["significant"] for r in d["table"]) == 1  # only 55% -> 100% at 0.05


def test_compare_markdown_and_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_path = tmp_path / "report.md"
    out_path.write_text("keep")
    code, _, err = run(capsys, "compare", str(TV), "--previous-n", "100", "--out", str(out_path))
    assert code == 2 and "already exists; pass --force to replace it" in err
    assert out_path.read_text() == "keep"
    code, _, _ = run(
        capsys, "compare", str(TV), "--previous-n", "100", "--out", str(out_path), "--force"
    )
    assert code == 0 and out_path.read_text().startswith("# Round-on-round comparison")


def _write(tmp_path: Path, text: str, name: str = "kq.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD_TABLES = {
    "missing columns": (
        "key_question,previous_pct,current_pct\nq1,70,65\n",
        ["--previous-n", "100"],
        "error: table is missing columns: needs current_n; it has: key_question, previous_pct, "
        "current_pct (name a differently called column with --column, report name = table name)",
    ),
    "previous n missing": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,65,100\n",
        [],
        "needs previous_n (or an assumed --previous-n)",
    ),
    "percentage above 100": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,165,100\n",
        ["--previous-n", "100"],
        "error: row 1 ('q1'): current_pct must be between 0 and 100; got 165",
    ),
    "negative percentage": (
        "key_question,previous_pct,current_pct,current_n\nq1,-5,65,100\n",
        ["--previous-n", "100"],
        "previous_pct must be between 0 and 100; got -5",
    ),
    "count above n": (
        "key_question,previous_x,previous_n,current_x,current_n\nq1,70,100,120,100\n",
        [],
        "error: row 1 ('q1'): current_x must be at most current_n (100); got 120",
    ),
    "neither counts nor percentages": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,65,100\nq2,,60,100\n",
        ["--previous-n", "100"],
        "error: row 2 ('q2') has neither counts (previous_x and previous_n) nor a percentage "
        "(previous_pct) for the previous round",
    ),
    "no count rounds to it": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,79,44\n",
        ["--previous-n", "100"],
        "error: row 1 ('q1'): current_pct: no count out of n = 44 rounds to 79%",
    ),
    "unknown column key": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,65,100\n",
        ["--previous-n", "100", "--column", "label=key_question"],
        "error: --column must name report columns, among standard, key_question",
    ),
    "malformed column option": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,65,100\n",
        ["--previous-n", "100", "--column", "label"],
        "error: --column must be NAME=VALUE, e.g. comparator_pct=all_crcs_pct; got 'label'",
    ),
    "bad previous n": (
        "key_question,previous_pct,current_pct,current_n\nq1,70,65,100\n",
        ["--previous-n", "0"],
        "error: --previous-n must be a whole number of at least 1; got 0",
    ),
    "bad standard rating": (
        "standard,key_question,previous_pct,current_pct,current_n\n2.1,q1,70,65,100\n",
        ["--previous-n", "100", "--standard-rating", "1.1=Great"],
        "error: rating must be one of 'Inadequate', 'Requires improvement', 'Good', "
        "'Outstanding'; got 'Great'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_TABLES), ids=list(BAD_TABLES))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_tables_one_line_exit_2_nothing_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str, suffix: str
) -> None:
    text, extra, message = BAD_TABLES[case]
    table = _write(tmp_path, text)
    if suffix == ".xlsx":
        xlsx = tmp_path / "kq.xlsx"
        pd.read_csv(table).to_excel(xlsx, index=False)
        table.unlink()
        table = xlsx
    before = table.read_bytes()
    out_path, plot_path = tmp_path / "out.csv", tmp_path / "chart.png"
    code, out, err = run(
        capsys, "compare", str(table), *extra, "--out", str(out_path), "--plot", str(plot_path)
    )
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err
    assert not out_path.exists() and not plot_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [table.name]
    assert table.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "{tmp}/r.txt"], "error: --out must end in .csv, .xlsx, .md, .html; got"),
        (["--plot", "{tmp}/c.jpg"], "error: --plot must end in .png, .svg; got"),
        (["--out", "{tmp}/kq.csv", "--force"], "error: --out would overwrite the input table"),
        (["--out", "{tmp}/no/r.csv"], "error: --out: folder does not exist"),
        (["--alpha", "5"], "error: --alpha must be between 0 and 1 (exclusive); got 5"),
        (["--previous-n", "many"], "error: --previous-n must be a number; got 'many'"),
    ],
)
def test_bad_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    table = tmp_path / "kq.csv"
    table.write_bytes(TV.read_bytes())
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, "compare", str(table), "--previous-n", "100", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kq.csv"]
    assert table.read_bytes() == TV.read_bytes()


def test_missing_and_unreadable_tables(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "compare", str(tmp_path / "none.csv"), "--previous-n", "100")
    assert code == 2 and "error: table file not found" in err
    (tmp_path / "bad.xlsx").write_bytes(b"PK not really")
    code, _, err = run(capsys, "compare", str(tmp_path / "bad.xlsx"), "--previous-n", "100")
    assert code == 2 and err.startswith("error: could not read") and err.count("\n") == 1


def test_subprocess_exit_status(tmp_path: Path) -> None:
    bad = _write(tmp_path, "key_question,previous_x,previous_n,current_x,current_n\nq,1,10,12,10\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "significance",
            "compare",
            str(bad),
            "--out",
            str(tmp_path / "o.md"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: row 1 ('q'): current_x must be at most current_n (10); got 12\n"
    assert not (tmp_path / "o.md").exists()


def test_compare_comparator_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", str(TV), "--previous-n", "100", "--json")
    rows = json.loads(out)["table"]
    assert code == 0 and rows[7]["comparator_significant"] is None  # depends on the unknown n
    assert rows[7]["comparator_pvalue_low"] < 0.1 < rows[7]["comparator_pvalue_high"]
    code, out, _ = run(
        capsys, "compare", str(TV), "--previous-n", "100", "--json",
        "--no-comparator-includes-provider",
    )  # fmt: skip
    d = json.loads(out)
    assert code == 0 and d["comparator_method"].startswith("exact binomial test")
    assert "one-sample z-test" in d["comparator_method"]
    assert d["table"][7]["comparator_significant"] is False
    code, out, err = run(capsys, "compare", str(TV), "--max-provider-share", "2")
    assert code == 2 and err.startswith("error: --max-provider-share must be between 0 and 1")
    code, out, _ = run(
        capsys, "compare", str(TV), "--previous-n", "100", "--test", "fisher", "--json"
    )
    assert code == 0 and {r["test"] for r in json.loads(out)["table"]} == {"Fisher's exact test"}
    code, _, err = run(capsys, "compare", str(TV), "--test", "paired")
    assert code == 2 and "--test: invalid choice: 'paired'" in err
