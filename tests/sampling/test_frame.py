"""Reading case lists: formats, text IDs, and every kind of bad input named in the issue."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from sampling import read_cases

HEADER = "case_id,gender,disposal,risk\n"


def write(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_stay_text_and_values_are_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "000123, female ,licence,low\n000124,male,licence, high\n")
    cases = read_cases(path)
    assert cases["case_id"].tolist() == ["000123", "000124"]
    assert cases["gender"].tolist() == ["female", "male"]
    assert cases["risk"].tolist() == ["low", "high"]


def test_excel_and_parquet_read_like_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "case_id": ["007", "008", "009"],
            "gender": ["male", "female", "male"],
            "disposal": ["licence"] * 3,
            "risk": ["low", "medium", "low"],
            "age": [30, 41, 25],
        }
    )
    frame.to_excel(tmp_path / "cases.xlsx", index=False)
    frame.to_parquet(tmp_path / "cases.parquet")
    for name in ("cases.xlsx", "cases.parquet"):
        got = read_cases(tmp_path / name)
        assert got["case_id"].tolist() == ["007", "008", "009"], name
        assert got["risk"].tolist() == ["low", "medium", "low"]


def test_numeric_ids_in_parquet_become_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"case_id": [12, 3], "gender": ["m", "f"], "disposal": ["x", "x"],
                          "risk": [1, 2]})  # fmt: skip
    frame.to_parquet(tmp_path / "c.parquet")
    got = read_cases(tmp_path / "c.parquet")
    assert got["case_id"].tolist() == ["12", "3"] and got["risk"].tolist() == ["1", "2"]


def test_blank_lines_are_skipped_and_rows_keep_file_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A1,male,licence,low\n\nA2,,licence,low\n")
    with pytest.raises(ValueError, match=r"gender is blank in 1 row: 4 of cases.csv \(the header"):
        read_cases(path)


def test_blank_strata_as_own_level(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A1,male,licence,low\nA2,,licence,low\nA3,female,licence,\n")
    cases = read_cases(path, blank_strata="level")
    assert cases["gender"].tolist() == ["male", "(blank)", "female"]
    assert cases["risk"].tolist() == ["low", "low", "(blank)"]


BAD = [
    ("missing.csv", None, "cannot read .*missing.csv: the file does not exist"),
    ("cases.txt", "", "cases.txt is empty"),
    ("cases.csv", "", "cases.csv is empty"),
    ("cases.csv", HEADER, "cases.csv has no cases"),
    ("cases.xls", HEADER, "must be a .csv, .xlsx or .parquet file; got 'cases.xls'. Save .xls"),
    ("cases.json", "{}", "must be a .csv, .xlsx or .parquet file"),
    (
        "cases.csv",
        "crn,gender,disposal,risk\nA1,male,licence,low\n",
        r"no column 'case_id' in cases.csv; did you mean --id crn \(id_column='crn'\)\? Its "
        "columns are 'crn', 'gender', 'disposal', 'risk'",
    ),
    (
        "cases.csv",
        "case_id,sex,sentence,risk\nA1,male,licence,low\n",
        r"no columns 'gender', 'disposal' in cases.csv; did you mean --strata sex,sentence,risk\? "
        "Its columns are 'case_id', 'sex', 'sentence', 'risk'",
    ),
    (
        "cases.csv",
        HEADER + "A1,male,licence,low\nA2,male,licence,low\nA1,female,licence,low\n"
        "A2,male,licence,low\nA3,male,licence,low\n",
        r"case_id must identify each case once; cases.csv repeats 2 IDs: 'A1' \(rows 2, 4\), "
        r"'A2' \(rows 3, 5\)",
    ),
    (
        "cases.csv",
        HEADER + "".join(f"A{i},,licence,low\n" for i in range(8)),
        "gender is blank in 8 rows: 2, 3, 4, 5, 6 and 3 more of cases.csv",
    ),
    ("cases.csv", HEADER + "A1,male,licence,low\n ,male,licence,low\n", "case_id is blank in 1"),
    ("cases.xlsx", "not a zip file", r"cases.xlsx is text \(a CSV file\?\) with an Excel name"),
    ("cases.parquet", "not parquet", "cannot read cases.parquet as parquet"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD)
def test_bad_input(tmp_path: Path, name: str, text: str | None, message: str) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest() if text is not None else None
    with pytest.raises(ValueError, match=message):
        read_cases(path)
    if before is not None:  # the input is only ever read
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "cases.csv").mkdir()
    with pytest.raises(ValueError, match="the file is a folder"):
        read_cases(tmp_path / "cases.csv")


def test_strata_option_and_id_in_strata(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A1,male,licence,low\n")
    assert list(read_cases(path, strata="gender,risk").columns)[:2] == ["case_id", "gender"]
    with pytest.raises(ValueError, match="id_column must not also be a stratum"):
        read_cases(path, strata=["case_id", "gender"])
    with pytest.raises(ValueError, match="strata must name at least one column"):
        read_cases(path, strata="")
