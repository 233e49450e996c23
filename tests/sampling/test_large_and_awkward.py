"""Large and awkward case lists: a million rows, a single-case level, unicode and spaces, IDs with
leading zeros through every format, and Excel workbooks with more than one sheet.

Nothing here is timed (timings live in benchmarks/); the million-row draw checks its margins.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sampling import allocate, draw, read_cases
from sampling._cli import main

STRATA = ["gender", "disposal", "risk"]


def largest_remainder(counts: dict[Any, int], n: int) -> dict[Any, int]:
    """Each level's share of n by largest remainder (ties to the level listed first), by hand."""
    total = sum(counts.values())
    quotas = {k: n * v / total for k, v in counts.items()}
    floors = {k: int(np.floor(q)) for k, q in quotas.items()}
    left = n - sum(floors.values())
    by_remainder = sorted(counts, key=lambda k: -(quotas[k] - floors[k]))
    return {k: floors[k] + (1 if k in by_remainder[:left] else 0) for k in counts}


def million_cases(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = 1_000_000
    return pd.DataFrame(
        {
            "case_id": pd.Series(rng.permutation(size)).map("{:07d}".format),
            "gender": rng.choice(["male", "female"], size, p=[0.86, 0.14]),
            "disposal": rng.choice(
                [
                    "community order",
                    "suspended sentence order",
                    "licence",
                    "post-sentence supervision",
                ],
                size,
                p=[0.38, 0.21, 0.28, 0.13],
            ),
            "risk": rng.choice(
                ["low", "medium", "high", "very high"], size, p=[0.42, 0.47, 0.1, 0.01]
            ),
        }
    )


def test_a_million_cases_hit_every_margin_exactly() -> None:
    cases = million_cases()
    before = cases.copy()
    result = draw(cases, 10_000, seed=2026, reserves=1)
    sample = result.sample
    assert len(sample) == 10_000 and sample["case_id"].is_unique
    assert set(sample["case_id"]) <= set(cases["case_id"])
    for variable in STRATA:  # every level within the floor and ceiling of its quota
        population = cases[variable].value_counts().to_dict()
        got = sample[variable].value_counts().to_dict()
        for level, count in population.items():
            quota = Fraction(10_000 * count, len(cases))
            assert math.floor(quota) <= got.get(level, 0) <= math.ceil(quota), (variable, level)
    assert (result.allocation.margins["deviation"] == 0).all()
    assert result.allocation.rounding.exact
    cells = sample.groupby(STRATA).size()
    allocated = result.allocation.cells.set_index(STRATA)["allocated"]
    assert cells.reindex(allocated.index, fill_value=0).tolist() == allocated.tolist()
    assert not set(result.reserves["case_id"]) & set(sample["case_id"])
    pd.testing.assert_frame_equal(cases, before)  # the caller's frame is not modified


def _frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["case_id", *STRATA])


def test_a_level_with_a_single_case() -> None:
    rows = [(f"C{i:03d}", "male" if i % 5 else "female", "licence", "low") for i in range(59)]
    rows.append(("C999", "male", "licence", "very high"))  # the only very-high case
    cases = _frame(rows)
    for n in (1, 10, 30, 60):
        result = draw(cases, n, seed=n, reserves=2)
        margins = result.allocation.margins
        row = margins[(margins["variable"] == "risk") & (margins["level"] == "very high")]
        target = int(row["target"].to_numpy()[0])
        assert target == largest_remainder({"low": 59, "very high": 1}, n)["very high"]
        chosen = int((result.sample["risk"] == "very high").sum())
        assert chosen in {n // 60, -(-n // 60)}  # floor or ceiling of its quota n / 60
        # ... and its chance is n/60, like every other case's, whichever way this draw went
        assert float(result.allocation.cells["inclusion_probability"].iloc[-1]) == n / 60
        controlled = draw(cases, n, seed=n, reserves=2, method="controlled")
        kept = int((controlled.sample["risk"] == "very high").sum())
        assert kept == target
        reserve = result.reserves[result.reserves["risk"] == "very high"]
        assert reserve.empty  # a cell of one case has nothing in reserve
    whole = draw(cases, 60, seed=1)
    assert "C999" in set(whole.sample["case_id"])


def test_a_single_case_level_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(f"C{i:03d}", "male", "licence", "low") for i in range(40)]
    rows.append(("C999", "female", "licence", "low"))
    _frame(rows).to_csv(tmp_path / "cases.csv", index=False)
    code = main(["draw", str(tmp_path / "cases.csv"), "--n", "41", "--seed", "1", "--out",
                 str(tmp_path / "out")])  # fmt: skip
    capsys.readouterr()
    assert code == 0
    balance = pd.read_csv(tmp_path / "out" / "balance.csv", dtype=str)
    female = balance[(balance["variable"] == "gender") & (balance["level"] == "female")]
    assert female[["population", "target", "sample"]].to_numpy().tolist() == [["1", "1", "1"]]


AWKWARD = [
    ("A1", "  female ", "licence", "low"),
    ("A2", "female", " licence", "low "),
    ("A3", "male", "licence\t", "\u00e9lev\u00e9"),  # élevé
    ("A4", "male", "ordre communautaire \u2013 \u00e9t\u00e9", "\u00e9lev\u00e9"),  # en dash
    ("A5", "\u5973\u6027", "licence", "low"),  # 女性
    ("A6", "\u5973\u6027", "licence", " \U0001f7e2 low"),  # a symbol outside the BMP
    ("A7", "male", "ordre communautaire \u2013 \u00e9t\u00e9", "low"),
    ("A8", "male", "licence", "\u00e9lev\u00e9"),
]


def test_unicode_and_surrounding_spaces_in_strata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.csv"
    _frame(AWKWARD).to_csv(source, index=False, encoding="utf-8")
    cases = read_cases(source)
    assert sorted(set(cases["gender"])) == ["female", "male", "\u5973\u6027"]  # spaces stripped
    assert sorted(set(cases["risk"])) == ["low", "\u00e9lev\u00e9", "\U0001f7e2 low"]
    assert "licence" in set(cases["disposal"]) and len(set(cases["disposal"])) == 2
    allocation = allocate(cases, 8)
    assert allocation.cells["allocated"].sum() == 8

    out = tmp_path / "out"
    code = main(["draw", str(source), "--n", "8", "--seed", "3", "--out", str(out)])
    capsys.readouterr()
    assert code == 0
    sample = pd.read_csv(out / "sample.csv", dtype=str, encoding="utf-8")
    assert sorted(sample["case_id"]) == [f"A{i}" for i in range(1, 9)]
    by_id = sample.set_index("case_id")
    assert by_id.loc["A1", "gender"] == "female" and by_id.loc["A2", "risk"] == "low"
    assert by_id.loc["A4", "disposal"] == "ordre communautaire \u2013 \u00e9t\u00e9"
    assert by_id.loc["A6", "risk"] == "\U0001f7e2 low"
    balance = pd.read_csv(out / "balance.csv", dtype=str, encoding="utf-8")
    assert "\u5973\u6027" in set(balance["level"]) and "  female " not in set(balance["level"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    levels = {c["gender"] for c in manifest["allocation"]}
    assert levels == {"female", "male", "\u5973\u6027"}


LEADING_ZERO_IDS = ["000123", "0042", "7", "00000", "0000001", "0100", "010", "10", "001", "0001"]


def _leading_zero_frame() -> pd.DataFrame:
    k = len(LEADING_ZERO_IDS)
    return pd.DataFrame(
        {
            "case_id": LEADING_ZERO_IDS,
            "gender": ["male", "female"] * (k // 2),
            "disposal": ["licence"] * k,
            "risk": ["01", "1", "02", "2", "01"] * (k // 5),  # codes, not numbers: "01" != "1"
        }
    )


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False)  # text cells: Excel keeps the zeros
    else:
        frame.to_parquet(path, index=False)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_ids_with_leading_zeros_stay_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    source = tmp_path / f"cases{suffix}"
    _write(_leading_zero_frame(), source)
    cases = read_cases(source)
    assert cases["case_id"].tolist() == LEADING_ZERO_IDS
    assert sorted(set(cases["risk"])) == ["01", "02", "1", "2"]

    out = tmp_path / "out"
    code = main(["draw", str(source), "--n", "10", "--seed", "5", "--reserves", "0", "--out",
                 str(out)])  # fmt: skip
    capsys.readouterr()
    assert code == 0
    sample = pd.read_csv(out / "sample.csv", dtype=str, keep_default_na=False)
    assert sorted(sample["case_id"]) == sorted(LEADING_ZERO_IDS)
    raw = (out / "sample.csv").read_text(encoding="utf-8")
    assert "000123," in raw and "0000001," in raw  # written as text, zeros kept
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["sample_ids"]) == sorted(LEADING_ZERO_IDS)
    assert {c["risk"] for c in manifest["allocation"]} == {"01", "1", "02", "2"}


def test_numbers_stored_as_numbers_read_without_a_decimal_point(tmp_path: Path) -> None:
    """A spreadsheet that holds IDs as numbers has already lost its zeros; no '.0' is added."""
    frame = pd.DataFrame(
        {"case_id": [123, 42, 7, 1000], "gender": ["m", "f", "m", "f"], "disposal": ["licence"] * 4,
         "risk": [1, 2, 1, 2]}
    )  # fmt: skip
    frame.to_excel(tmp_path / "numbers.xlsx", index=False)
    frame.to_parquet(tmp_path / "numbers.parquet", index=False)
    for name in ("numbers.xlsx", "numbers.parquet"):
        cases = read_cases(tmp_path / name)
        assert cases["case_id"].tolist() == ["123", "42", "7", "1000"], name
        assert cases["risk"].tolist() == ["1", "2", "1", "2"], name


def _workbook(path: Path, sheets: list[tuple[str, list[list[str]]]], active: int) -> None:
    """A workbook with the given sheets in tab order, ``active`` the sheet shown on opening."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for title, rows in sheets:
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=title, index=False)
        writer.book.active = active


CASE_ROWS: list[list[str]] = [
    ["case_id", "gender", "disposal", "risk"],
    *[[f"0{i:03d}", "male" if i % 4 else "female", "licence", "low"] for i in range(20)],
]


def test_excel_reads_the_first_sheet_whatever_is_active(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Documented (read_cases, methods page): the first sheet in tab order; others are ignored."""
    path = tmp_path / "extract.xlsx"
    notes: list[list[str]] = [["note"], ["extract run 2019-05-01"], ["exclusions applied"]]
    lookup: list[list[str]] = [["case_id", "gender", "disposal", "risk"], ["X1", "m", "x", "y"]]
    _workbook(path, [("cases", CASE_ROWS), ("notes", notes), ("lookup", lookup)], active=2)
    cases = read_cases(path)
    assert len(cases) == 20 and cases["case_id"].iloc[0] == "0000"
    assert "X1" not in set(cases["case_id"])
    out = tmp_path / "out"
    code = main(["draw", str(path), "--n", "10", "--seed", "1", "--out", str(out)])
    capsys.readouterr()
    assert code == 0
    assert len(pd.read_csv(out / "sample.csv", dtype=str)) == 10


def test_excel_with_the_cases_on_a_later_sheet_says_what_it_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "extract.xlsx"
    _workbook(path, [("README", [["about"], ["see the next sheet"]]), ("cases", CASE_ROWS)], 1)
    before = path.read_bytes()
    code = main(["allocate", str(path), "--n", "10"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "no column 'case_id' in sheet 'README' of extract.xlsx" in err
    assert "its columns are 'about'; sheet 'cases' has them: --sheet cases" in err
    assert path.read_bytes() == before
