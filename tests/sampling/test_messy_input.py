"""Case lists as providers send them: the committed messy fixtures read, recoded and checked.

The fixtures in tests/fixtures/messy/ are made by scripts/make_messy_fixtures.py; planted.json is
that script's record of every problem it planted and the spreadsheet row it is in, so the rows
asserted here come from the construction, not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from sampling import (
    CaseListError,
    check_cases,
    load_mapping,
    read_case_list,
    read_cases,
    vocabulary_table,
)
from sampling._cli import main

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "tests" / "fixtures" / "messy"
PLANTED: dict[str, Any] = json.loads((MESSY / "planted.json").read_text(encoding="utf-8"))
WORKBOOK = MESSY / "messy_cases.xlsx"
MAPPING = MESSY / "messy_mapping.toml"
CLEAN = MESSY / "clean_cases.csv"
# file, encoding, delimiter as written by the script
VARIANTS = [
    ("messy_cases_cp1252.csv", "cp1252", ","),
    ("messy_cases_semicolon.csv", "utf-8", ";"),
    ("messy_cases_bom.csv", "utf-8-sig", ","),
    ("messy_cases_tab.txt", "utf-8", "\t"),
]
MESSY_FILES = ["messy_cases.xlsx", *(v[0] for v in VARIANTS)]
AS_PROVIDED: dict[str, Any] = {"id_column": "CRN", "strata": ["Gender", "Sentence Type", "RoSH"]}
FIXED: dict[str, Any] = {"mapping": MAPPING, "drop_totals": True, "drop_repeats": True}


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_messy", ROOT / "scripts" / "make_messy_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_remakes_the_committed_fixtures(tmp_path: Path) -> None:
    planted = _script().write_all(tmp_path)
    assert planted == PLANTED
    for path in sorted(MESSY.iterdir()):
        if path.suffix == ".md":
            continue
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_workbook_is_laid_out_as_the_issue_describes() -> None:
    book = load_workbook(WORKBOOK)
    assert book.sheetnames == ["Cases", "Notes"]
    sheet = book["Cases"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert str(rows[0][0]).startswith("Eligible population") and all(v is None for v in rows[1])
    assert rows[2] == [
        "CRN",
        "Gender",
        "Sentence Type",
        "RoSH",
        "Start Date",
        "Office",
        "Offender Manager",
    ]
    assert rows[PLANTED["total_row"] - 1][:2] == ["Total", 301]
    genders = {r[1] for r in rows[3 : PLANTED["data_rows"][1]]}
    assert genders == {"Male", "M", "male ", "MALE", "Female", "F"}
    assert isinstance(sheet.cell(4, 5).value, dt.datetime) and sheet.cell(4, 1).data_type == "s"


@pytest.mark.parametrize("name", MESSY_FILES)
def test_one_check_reports_every_planted_problem_with_its_rows(name: str) -> None:
    problems = check_cases(MESSY / name, **AS_PROVIDED)
    by_kind = {k: g for k, g in problems.groupby("problem")}
    errors = problems[problems["blocks_draw"]]
    assert set(errors["problem"]) == {
        "totals rows",
        "repeated ID",
        "blank stratum",
        "near-duplicate levels",
    }
    totals = by_kind["totals rows"].iloc[0]
    assert totals["rows"] == (PLANTED["total_row"], PLANTED["footer_row"])
    assert "'Total | 301'" in totals["message"]
    repeated = by_kind["repeated ID"].iloc[0]
    assert repeated["rows"] == tuple(PLANTED["repeated_rows"])
    assert (
        repr(PLANTED["repeated_id"]) in repeated["message"]
        and "--drop-repeats" in (repeated["message"])
    )
    blank = by_kind["blank stratum"].iloc[0]
    assert blank["column"] == "RoSH" and blank["rows"] == tuple(PLANTED["blank_rosh_rows"])
    near = by_kind["near-duplicate levels"].set_index("column")["message"]
    assert set(near.index) == {"Gender", "Sentence Type", "RoSH"}
    assert "'M' (40)" in near["Gender"] and "-> 'male'" in near["Gender"]
    assert (
        "'SSO'" in near["Sentence Type"]
        and "-> 'suspended sentence order'" in near["Sentence Type"]
    )
    assert "'medium'" in near["RoSH"] and "--vocab apply" in near["RoSH"]
    zeros = by_kind["leading zeros"].iloc[0]
    assert zeros["count"] == PLANTED["leading_zero_ids"] + 0  # the repeated CRN has no zero
    assert "single-case cells" in by_kind


def test_without_the_column_flags_the_check_suggests_them_and_still_checks() -> None:
    problems = check_cases(WORKBOOK)
    messages = problems["message"].tolist()
    assert messages[0].startswith(
        "no column 'case_id' in sheet 'Cases' of messy_cases.xlsx; "
        "did you mean --id CRN (id_column='CRN')?"
    )
    assert "did you mean --strata 'Gender,Sentence Type,RoSH'?" in messages[1]
    assert {"totals rows", "repeated ID", "blank stratum"} <= set(problems["problem"])


@pytest.mark.parametrize(("name", "encoding", "delimiter"), VARIANTS)
def test_csv_encoding_and_delimiter_are_detected_and_recorded(
    name: str, encoding: str, delimiter: str
) -> None:
    listing = read_case_list(MESSY / name, **FIXED)
    assert (listing.encoding, listing.delimiter) == (encoding, delimiter)
    record = listing.to_dict()
    assert (record["encoding"], record["delimiter"], record["header_row"]) == (
        encoding,
        delimiter,
        3,
    )
    assert record["title_rows"] == PLANTED["title_rows"]
    assert "High Wycombe \u2013 Town" in set(listing.cases["office"])  # byte 0x96 in cp1252
    assert "Zo\u00eb Clarke" in set(listing.cases["offender_manager"])


def test_the_workbook_says_which_sheet_it_read_and_lists_the_others() -> None:
    listing = read_case_list(WORKBOOK, **FIXED)
    assert listing.sheet == "Cases" and listing.sheets == ("Cases", "Notes")
    assert listing.summary().startswith(
        "Read 300 cases from sheet 'Cases' of messy_cases.xlsx (other sheets: 'Notes'; --sheet "
        "chooses); header in row 3 (row 1 above it skipped); dropped rows 305 (totals), "
        "307 (footer), 232 (repeat of row 26)"
    )
    by_number = read_case_list(WORKBOOK, sheet=1, **FIXED)
    assert by_number.cases.equals(listing.cases)
    with pytest.raises(
        ValueError,
        match=r"no sheet 'Casez' in messy_cases.xlsx; its sheets are "
        "'Cases', 'Notes'",
    ):
        read_case_list(WORKBOOK, sheet="Casez", **FIXED)
    with pytest.raises(ValueError, match=r"sheet 'Notes' of messy_cases.xlsx has no column 'CRN'"):
        read_case_list(WORKBOOK, sheet="Notes", **FIXED)


def test_the_header_row_can_be_given() -> None:
    listing = read_case_list(WORKBOOK, header_row=3, **FIXED)
    assert len(listing.cases) == 300
    with pytest.raises(
        ValueError,
        match=r"^header_row 400 is beyond the last row \(307\) of "
        "sheet 'Cases' of messy_cases.xlsx",
    ):
        read_case_list(WORKBOOK, header_row=400, **FIXED)
    with pytest.raises(ValueError, match="no column 'CRN'"):  # the title row as header
        read_case_list(WORKBOOK, header_row=1, **FIXED)


def test_the_vocabularies_merge_the_variants_into_2_4_and_4_levels() -> None:
    for name in MESSY_FILES:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no unknown level is left over
            listing = read_case_list(
                MESSY / name,
                **AS_PROVIDED,
                vocabularies="apply",
                blank_strata="level",
                drop_totals=True,
                drop_repeats=True,
            )
        cases = listing.cases
        assert sorted(set(cases["Gender"])) == ["female", "male"]
        assert sorted(set(cases["Sentence Type"])) == sorted(
            ["community order", "suspended sentence order", "licence", "post-sentence supervision"]
        )
        assert sorted(set(cases["RoSH"]) - {"(blank)"}) == ["high", "low", "medium", "very high"]
        merged = listing.recodings.set_index(["column", "value"])["level"]
        assert merged["Gender", "M"] == "male" and merged["Gender", "F"] == "female"
        assert merged["Sentence Type", "SSO"] == "suspended sentence order"
        assert merged["Sentence Type", "PSS"] == "post-sentence supervision"


@pytest.mark.parametrize("name", MESSY_FILES)
def test_the_messy_list_with_its_mapping_is_the_clean_list(name: str) -> None:
    listing = read_case_list(MESSY / name, **FIXED)
    clean = read_cases(CLEAN)
    got = listing.cases
    columns = (
        list(clean.columns)
        if name.endswith(".xlsx")
        else [
            c
            for c in clean.columns
            if c != "start_date"  # the CSVs write dates as dd/mm/yyyy
        ]
    )
    pd.testing.assert_frame_equal(got[columns].reset_index(drop=True), clean[columns])
    assert listing.corrections["id"].tolist() == PLANTED["blank_rosh_ids"]
    assert listing.dropped["row"].tolist() == [305, 307, PLANTED["repeated_rows"][1]]


def test_column_names_match_without_regard_to_case_and_spacing() -> None:
    listing = read_case_list(
        WORKBOOK,
        id_column="crn",
        strata="gender, sentence_type ,ROSH",
        vocabularies="apply",
        drop_totals=True,
        drop_repeats=True,
        blank_strata="level",
    )
    assert listing.id_column == "CRN" and listing.strata == ("Gender", "Sentence Type", "RoSH")
    assert "CRN" in listing.cases.columns


def test_keep_levels_keeps_them_apart_and_says_so() -> None:
    listing = read_case_list(
        WORKBOOK,
        **AS_PROVIDED,
        keep_levels=True,
        drop_totals=True,
        drop_repeats=True,
        blank_strata="level",
    )
    assert set(listing.cases["Gender"]) == {"Male", "M", "male", "MALE", "Female", "F"}
    assert listing.options["keep_levels"] is True
    notes = listing.problems[listing.problems["problem"] == "near-duplicate levels"]
    assert len(notes) == 3 and set(notes["severity"]) == {"note"}


def test_with_vocabularies_off_only_case_and_spacing_variants_are_refused() -> None:
    with pytest.raises(CaseListError) as caught:
        read_case_list(
            WORKBOOK,
            **AS_PROVIDED,
            vocabularies="off",
            drop_totals=True,
            drop_repeats=True,
            blank_strata="level",
        )
    near = caught.value.problems.query("problem == 'near-duplicate levels'")
    assert set(near["column"]) == {"Gender", "RoSH"}  # SSO vs Suspended... is a synonym only
    gender = str(near.set_index("column").loc["Gender", "message"])
    assert "'Male' (199), 'MALE' (20), 'male' (12) -> 'Male'" in gender
    assert "--recode Gender:MALE=Male" in gender and "'M'" not in gender


def test_recode_flags_and_a_dict_mapping_recode_values() -> None:
    recode = [f"Gender:{v}=male" for v in ("M", "MALE", "Male")] + [
        "Gender:F=female",
        "Gender:Female=female",
    ]
    with pytest.warns(UserWarning, match="no row of sheet 'Cases' of messy_cases.xlsx has 'X'"):
        listing = read_case_list(
            WORKBOOK,
            id_column="CRN",
            strata=["Gender"],
            recode=[*recode, "Gender:X=male"],
            drop_totals=True,
            drop_repeats=True,
        )
    assert sorted(set(listing.cases["Gender"])) == ["female", "male"]
    as_dict = read_case_list(
        WORKBOOK,
        id_column="CRN",
        strata=["Gender"],
        drop_totals=True,
        drop_repeats=True,
        mapping={
            "values": {
                "Gender": {
                    "M": "male",
                    "MALE": "male",
                    "Male": "male",
                    "F": "female",
                    "Female": "female",
                }
            }
        },
    )
    assert as_dict.cases.equals(listing.cases)
    assert load_mapping(None, recode).values["Gender"]["F"] == "female"  # noqa: PD011  # a dict


def test_the_vocabularies_can_be_seen_and_extended() -> None:
    table = vocabulary_table()
    assert table.groupby("vocabulary").size().to_dict() == {"disposal": 4, "gender": 2, "risk": 4}
    extended = vocabulary_table({"gender": {"Non-binary": "non-binary"}})
    assert "non-binary" in set(extended["level"])


def test_a_totals_row_is_never_a_case_even_with_blank_strata_as_a_level() -> None:
    """The issue: following --blank-strata level drew from 301 cases with a gender called 301."""
    with pytest.raises(CaseListError, match="305 \\(totals: 'Total \\| 301'\\)"):
        read_case_list(
            WORKBOOK, **AS_PROVIDED, blank_strata="level", vocabularies="apply", drop_repeats=True
        )


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_command_prints_one_line_per_problem_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "check", WORKBOOK, "--id", "CRN", "--strata", "Gender,Sentence Type,RoSH"
    )
    lines = out.splitlines()
    assert code == 2
    assert lines[0].startswith("Read sheet 'Cases' of messy_cases.xlsx (other sheets: 'Notes'")
    assert [line.split(":")[0] for line in lines[1:]] == ["error"] * 6 + ["note"] * 2
    assert err.count("\n") == 1 and err.startswith("error: 6 problems in ")
    assert "block a draw (listed above; also 0 warnings, 2 notes)" in err
    code, out, err = run(
        capsys, "check", WORKBOOK, "--mapping", MAPPING, "--drop-totals", "--drop-repeats"
    )
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "No problem blocks a draw; 0 warnings, 2 notes."


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "check", WORKBOOK, "--json", "--id", "CRN", "--strata", "Gender,Sentence Type,RoSH"
    )
    data = json.loads(out)
    assert code == 2 and data["read"].startswith("Read sheet 'Cases'")
    blank = next(p for p in data["problems"] if p["problem"] == "blank stratum")
    assert blank["rows"] == PLANTED["blank_rosh_rows"] and blank["blocks_draw"] is True


def test_draw_reports_every_blocking_problem_together_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "draw"
    code, stdout, err = run(capsys, "draw", WORKBOOK, "--n", "auto", "--seed", "1", "--out", out)
    lines = err.splitlines()
    assert code == 2 and stdout == "" and not out.exists()
    assert [line.startswith("error: ") for line in lines] == [True] * len(lines)
    assert len(lines) == 9  # 8 problems, then the summary
    assert lines[-1].startswith(
        "error: 8 problems in sheet 'Cases' of messy_cases.xlsx block the draw; nothing was written"
    )


def test_vocab_command_lists_the_levels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "vocab")
    assert code == 0
    assert "gender (columns named gender, sex):" in out
    line = next(x for x in out.splitlines() if x.startswith("  suspended sentence order: "))
    assert "sso" in line.split(": ")[1].split(", ")


BAD_MAPPINGS = {
    "does not parse": ("columns = [\n", "messy.toml does not parse as TOML"),
    "unknown level": (
        "[values.Gender]\nM = 'mal'\n",
        "mapping recodes Gender 'M' to 'mal', which is not a gender level (female, male). "
        "Did you mean 'male'?",
    ),
    "two columns to one name": (
        "[columns]\nGender = 'gender'\nRoSH = 'gender'\n",
        "maps 'Gender' and 'RoSH' to one name 'gender'",
    ),
    "unknown key": ("colums = {}\n", "unknown key 'colums'"),
    "a column that is not there": ("[columns]\nEthnicity = 'ethnicity'\n", "renames 'Ethnicity'"),
}


@pytest.mark.parametrize("name", list(BAD_MAPPINGS))
def test_bad_mappings_are_one_line_exit_2(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text, message = BAD_MAPPINGS[name]
    mapping = tmp_path / "messy.toml"
    mapping.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(
        capsys,
        "draw",
        WORKBOOK,
        "--id",
        "CRN",
        "--n",
        "10",
        "--seed",
        "1",
        "--mapping",
        mapping,
        "--out",
        out,
    )
    assert code == 2 and stdout == "" and not out.exists()
    assert err.count("\n") == 1 and message in err, err


def _bad_files(folder: Path) -> None:
    (folder / "really.xlsx").write_text("CRN,Gender\n001,M\n", encoding="utf-8")
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    (folder / "calc.ods").write_bytes(
        b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
    )
    (folder / "book.csv").write_bytes(WORKBOOK.read_bytes())
    (folder / "utf16.csv").write_bytes("CRN,Gender\n001,M\n".encode("utf-16"))


BAD_FILES = {
    "an xlsx that is a CSV": (
        "really.xlsx",
        "really.xlsx is text (a CSV file?) with an Excel "
        "name, not a workbook: rename it to really.csv",
    ),
    "an xls": (
        "old.xls",
        "Save .xls files as .xlsx first: old.xls is an Excel 97-2003 "
        "workbook; open it in Excel or LibreOffice Calc",
    ),
    "an ods": (
        "calc.ods",
        "calc.ods is an OpenDocument spreadsheet (.ods), which is not read "
        "here; open it in Excel or LibreOffice Calc and save it as an Excel Workbook "
        "(.xlsx) or CSV UTF-8, or run: libreoffice --headless --convert-to xlsx calc.ods",
    ),
    "a workbook named .csv": ("book.csv", "book.csv is a workbook with a text name"),
    "UTF-16 text": ("utf16.csv", "it is UTF-16 text"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_files_of_another_format_are_refused_with_how_to_convert(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _bad_files(tmp_path)
    file, message = BAD_FILES[name]
    before = (tmp_path / file).read_bytes()
    code, stdout, err = run(capsys, "check", tmp_path / file)
    assert code == 2 and stdout == "" and err.count("\n") == 1
    assert message in err, err
    assert (tmp_path / file).read_bytes() == before


def test_sheet_and_header_row_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", WORKBOOK, "--sheet", "Casez")
    assert (
        code == 2 and "no sheet 'Casez' in messy_cases.xlsx; its sheets are 'Cases', 'Notes'" in err
    )
    code, _, err = run(capsys, "check", WORKBOOK, "--header-row", "999")
    assert code == 2 and "999 is beyond the last row (307) of sheet 'Cases'" in err
    code, _, err = run(capsys, "check", WORKBOOK, "--header-row", "three")
    assert code == 2 and "--header-row must be a row number" in err
    code, _, err = run(capsys, "check", MESSY / "clean_cases.csv", "--sheet", "1")
    assert code == 2 and "applies to Excel workbooks" in err


def test_the_docs_show_the_vocabularies_as_the_command_prints_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "vocab")
    assert code == 0
    assert (ROOT / "docs" / "vocabularies.txt").read_text(encoding="utf-8") == out, (
        "run: python -m sampling vocab > docs/vocabularies.txt"
    )
