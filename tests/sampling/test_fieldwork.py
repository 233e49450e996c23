"""The fieldwork pack and reproduction that survives a re-save, from the messy fixtures.

fieldwork.xlsx is re-read with openpyxl (the library Excel files are checked with here): IDs must
come back as text with their leading zeros and dates as dates. A draw from the messy workbook plus
its mapping must equal the draw from the clean file; a re-saved or converted copy of the same
cases must repeat the draw, and a copy with other cases must be refused with what changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sampling import draw, read_case_list, reproduce_draw, write_draw
from sampling._case_table import DifferentFileWarning
from sampling._cli import main
from sampling._fieldwork import SHEETS

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "tests" / "fixtures" / "messy"
WORKBOOK = MESSY / "messy_cases.xlsx"
MAPPING = MESSY / "messy_mapping.toml"
CLEAN = MESSY / "clean_cases.csv"
DRAW = ("--n", "auto", "--seed", "2026", "--reserves", "2")
READ = ("--mapping", str(MAPPING), "--drop-totals", "--drop-repeats")


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The messy workbook drawn with its mapping (one draw shared by the tests below)."""
    out = tmp_path_factory.mktemp("fieldwork") / "draw"
    code = main(["draw", str(WORKBOOK), *READ, *DRAW, "--out", str(out)])
    assert code == 0
    return out


def test_the_messy_workbook_with_its_mapping_draws_what_the_clean_file_draws(
    drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "draw", CLEAN, *DRAW, "--out", tmp_path / "clean")
    assert code == 0
    for name in ("sample.csv", "reserves.csv", "balance.csv", "balance.txt"):
        assert (drawn / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
    messy = json.loads((drawn / "manifest.json").read_text(encoding="utf-8"))
    clean = json.loads((tmp_path / "clean" / "manifest.json").read_text(encoding="utf-8"))
    assert messy["case_table"]["sha256"] == clean["case_table"]["sha256"]
    assert messy["input_sha256"] != clean["input_sha256"]


def test_the_pack_reads_back_with_ids_as_text_and_dates_as_dates(drawn: Path) -> None:
    book = load_workbook(drawn / "fieldwork.xlsx")
    assert book.sheetnames == list(SHEETS)
    sample_csv = pd.read_csv(drawn / "sample.csv", dtype=str, keep_default_na=False)
    sheet = book["Sample"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(sample_csv.columns)
    ids = [r[0] for r in rows[1:]]
    assert ids == sample_csv["case_id"].tolist()
    assert all(isinstance(v, str) for v in ids)
    assert any(str(v).startswith("0") for v in ids)  # leading zeros kept (e.g. '000685')
    dates = [r[list(rows[0]).index("start_date")] for r in rows[1:]]
    assert all(isinstance(d, dt.datetime) for d in dates)
    days = [d.date().isoformat() for d in dates if isinstance(d, dt.datetime)]
    assert days == sample_csv["start_date"].tolist()
    assert sheet.freeze_panes == "B2" and sheet.column_dimensions["B"].width >= 8
    cells = [
        (int(c), int(d)) for c, d in zip(sample_csv["cell"], sample_csv["draw_order"], strict=True)
    ]
    at_cell, at_order = list(rows[0]).index("cell"), list(rows[0]).index("draw_order")
    assert [(r[at_cell], r[at_order]) for r in rows[1:]] == cells
    # the design's columns are numbers in the sheet too (every case n/N in this design)
    weights = [r[list(rows[0]).index("design_weight")] for r in rows[1:]]
    assert weights == [float(w) for w in sample_csv["design_weight"]]


def test_the_reserves_sheet_states_the_rule_and_lists_them_in_order(drawn: Path) -> None:
    sheet = load_workbook(drawn / "fieldwork.xlsx")["Reserves"]
    rule = str(sheet["A1"].value)
    assert rule.startswith("How to use the reserves: when a sampled case cannot be inspected")
    assert "the first unused reserve of the same cell (the same gender, disposal, risk)" in rule
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    header, body = list(rows[0]), rows[1:]
    order = [
        (int(str(r[header.index("cell")])), int(str(r[header.index("reserve_order")])))
        for r in body
    ]
    assert order == sorted(order)
    reserves = pd.read_csv(drawn / "reserves.csv", dtype=str, keep_default_na=False)
    assert sorted(str(r[0]) for r in body) == sorted(reserves["case_id"])
    assert sheet.freeze_panes == "B4"


def test_the_record_sheet_says_how_the_sample_was_drawn(drawn: Path) -> None:
    manifest = json.loads((drawn / "manifest.json").read_text(encoding="utf-8"))
    sheet = load_workbook(drawn / "fieldwork.xlsx")["How this sample was drawn"]
    record = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    assert record["Input file"] == "messy_cases.xlsx"
    assert record["Input file SHA-256"] == manifest["input_sha256"]
    assert str(record["Read from"]).startswith("sheet 'Cases' of messy_cases.xlsx")
    assert "row 305 (totals: Total | 301)" in str(record["Rows dropped"])
    assert "gender: 'M' -> 'male' (40 rows, by vocabulary)" in str(record["Recodings"])
    assert record["Seed"] == "2026" and record["Mapping"] == "messy_mapping.toml"
    # the rule and its numbers: 300 eligible cases give n0 = 164.24 and 106.36, so 107
    assert "n0 = 164.24" in str(record["Sample size"]) and "rounded up to 107" in str(
        record["Sample size"]
    )
    assert str(record["How to reproduce"]).startswith(
        "python -m sampling draw --manifest manifest.json messy_cases.xlsx --out"
    )
    assert manifest["case_table"]["sha256"] in str(record["Case table SHA-256"])
    assert "inspection-toolkit" in str(record["Software"])


def test_the_printed_balance_report_is_saved_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "draw", CLEAN, *DRAW, "--out", tmp_path / "d")
    report = (tmp_path / "d" / "balance.txt").read_text(encoding="utf-8")
    assert code == 0 and report.strip() in out
    assert report.startswith("Sample of 107 from 300 eligible cases")


def test_resaving_the_workbook_through_openpyxl_reproduces_the_draw(
    drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resaved = tmp_path / "messy_cases.xlsx"
    book = load_workbook(WORKBOOK)
    book.save(resaved)
    assert resaved.read_bytes() != WORKBOOK.read_bytes()
    code, _, err = run(
        capsys, "draw", "--manifest", drawn / "manifest.json", resaved, "--out", tmp_path / "again"
    )
    assert code == 0
    assert "is not byte for byte the file the manifest was drawn from" in err
    assert "but its cases are the same: the same 300 IDs and strata" in err
    for name in ("sample.csv", "reserves.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (drawn / name).read_bytes()


@pytest.mark.parametrize(
    "name", ["messy_cases_cp1252.csv", "messy_cases_semicolon.csv", "clean_cases.csv"]
)
def test_the_same_cases_in_another_format_reproduce(drawn: Path, name: str, tmp_path: Path) -> None:
    with pytest.warns(DifferentFileWarning, match="its cases are the same"):
        again = reproduce_draw(drawn / "manifest.json", MESSY / name)
    sample = pd.read_csv(drawn / "sample.csv", dtype=str, keep_default_na=False)
    assert again.sample["case_id"].tolist() == sample["case_id"].tolist()


def _edited(target: Path) -> None:
    """The workbook with one case added, one removed and one case's RoSH changed."""
    book = load_workbook(WORKBOOK)
    sheet = book["Cases"]
    sheet["D10"] = "High" if sheet["D10"].value != "High" else "Low"  # other strata
    sheet.delete_rows(20)  # one case removed
    sheet.insert_rows(8)  # one case added
    added: list[str | dt.datetime] = [
        "999999",
        "Male",
        "Licence",
        "Low",
        dt.datetime(2023, 10, 9),
        "Oxford",
        "Jo Evans",
    ]
    for col, value in enumerate(added, start=1):
        sheet.cell(row=8, column=col, value=value)
    book.save(target)


def test_other_cases_are_refused_with_what_changed(
    drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "messy_cases.xlsx"
    _edited(edited)
    code, out, err = run(
        capsys, "draw", "--manifest", drawn / "manifest.json", edited, "--out", tmp_path / "again"
    )
    assert code == 2 and out == "" and not (tmp_path / "again").exists()
    assert err.count("\n") == 1
    assert (
        "messy_cases.xlsx holds other cases than those the manifest was drawn from: 1 case "
        "added, 1 removed, 1 with other strata (300 cases then, 300 now)"
    ) in err


def test_write_draw_from_python_and_the_design_columns_when_present(tmp_path: Path) -> None:
    listing = read_case_list(WORKBOOK, mapping=MAPPING, drop_totals=True, drop_repeats=True)
    result = draw(listing.cases, "auto", seed=7, reserves=1)
    n, population = result.n, len(listing.cases)
    weighted = dataclasses.replace(
        result,
        sample=result.sample.assign(
            inclusion_probability=n / population, design_weight=population / n
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small expected counts in the balance tests
        written = write_draw(weighted, tmp_path / "d", input_path=WORKBOOK, case_list=listing)
    assert written.manifest["reading"]["sheet"] == "Cases"
    sheet = load_workbook(tmp_path / "d" / "fieldwork.xlsx")["Sample"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["inclusion_probability", "design_weight"]
    assert sheet.cell(row=2, column=len(header) - 1).value == pytest.approx(n / population)
    again = reproduce_draw(tmp_path / "d" / "manifest.json", WORKBOOK)
    assert again.sample["case_id"].tolist() == result.sample["case_id"].tolist()


def test_a_manifest_sets_the_reading_too(
    drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "draw",
        "--manifest",
        drawn / "manifest.json",
        WORKBOOK,
        "--sheet",
        "Cases",
        "--drop-totals",
        "--out",
        tmp_path / "again",
    )
    assert code == 2 and "--manifest sets the draw; do not also give --sheet, --drop-totals" in err
    assert not (tmp_path / "again").exists()


def test_allocate_reads_the_messy_workbook_and_says_what_it_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "allocate", WORKBOOK, *READ, "--n", "auto")
    assert code == 0 and err == ""
    assert out.startswith("107 of 300 cases over 24 cells (gender x disposal x risk)")
    assert out.rstrip().splitlines()[-1].startswith("Read 300 cases from sheet 'Cases' of ")


# The layout of the pack, as openpyxl reads it back (XlsxWriter writes it: docs/case-lists.md).
# A width w is stored as w or, by XlsxWriter, as w plus its 5 pixels of cell padding at 7 pixels a
# character (what Excel stores for a width of w typed in by hand): in [w, w + 1) either way.


def _widths(sheet: Any) -> dict[int, float]:
    """Each column's stored width, by column number from 1 (ranges of equal widths unpacked)."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():
        if dimension.customWidth:
            for column in range(dimension.min, dimension.max + 1):
                widths[column] = dimension.width
    return widths


def test_the_pack_keeps_its_formats_panes_filter_and_widths(drawn: Path) -> None:
    book = load_workbook(drawn / "fieldwork.xlsx")
    sample = book["Sample"]
    header = [c.value for c in sample[1]]
    rows = len(pd.read_csv(drawn / "sample.csv", dtype=str))
    # bold headers on the header fill (_BOLD_FILL, DDE4EE), IDs stored as text (format "@"),
    # dates as date cells in day/month/year
    first = sample["A1"]
    assert first.font.b and first.fill.fill_type == "solid"
    assert str(first.fill.fgColor.rgb).endswith("DDE4EE")
    assert sample["A2"].number_format == "@" and sample["A2"].data_type == "s"
    date = sample.cell(row=2, column=header.index("start_date") + 1)
    assert isinstance(date.value, dt.datetime) and date.number_format == "dd/mm/yyyy"
    # the autofilter covers the header and every sampled case; panes frozen at B2
    last = sample.cell(row=rows + 1, column=len(header)).coordinate
    assert sample.auto_filter.ref == f"A1:{last}" and sample.freeze_panes == "B2"
    # widths: the longest text in the column, or the header, plus 2 (at most 60)
    ids = pd.read_csv(drawn / "sample.csv", dtype=str, keep_default_na=False)["case_id"]
    widths = _widths(sample)
    wide = max(len("case_id"), ids.str.len().max()) + 2
    assert wide <= widths[1] < wide + 1
    at = header.index("start_date") + 1
    assert len("start_date") + 2 <= widths[at] < len("start_date") + 3  # longer than dd/mm/yyyy

    reserves = book["Reserves"]
    # the rule merged across the reserves' columns (reserves.csv's header), wrapped, 75 points high
    across = len(pd.read_csv(drawn / "reserves.csv", nrows=0).columns)
    assert [str(r) for r in reserves.merged_cells.ranges] == [f"A1:{get_column_letter(across)}1"]
    assert reserves["A1"].alignment.wrap_text and reserves["A1"].alignment.vertical == "top"
    assert reserves.row_dimensions[1].height == 75
    assert reserves["A4"].number_format == "@"

    balance = book["Balance"]
    assert balance["A1"].font.b and balance.freeze_panes == "A4"
    columns = [c.value for c in balance[3]]
    formats = {
        name: balance.cell(row=4, column=columns.index(name) + 1).number_format
        for name in ("population_share", "sample_share", "share_difference", "margin_of_error")
    }
    assert formats == {
        "population_share": "0.0%",
        "sample_share": "0.0%",
        "share_difference": "+0.0;-0.0;0.0",
        "margin_of_error": "0.00%",
    }
    tests_header = next(
        r
        for r in range(5, balance.max_row + 1)
        if balance.cell(row=r, column=1).value == "variable"
        and balance.cell(row=r, column=2).value != "level"
    )
    names = [c.value for c in balance[tests_header]]
    assert balance.cell(row=tests_header + 1, column=names.index("pvalue") + 1).number_format == (
        "0.000"
    )
    allocation = book["Allocation"]
    names = [c.value for c in allocation[3]]
    assert allocation.cell(row=4, column=names.index("quota") + 1).number_format == "0.00"
    assert allocation.freeze_panes == "A4"

    record = book["How this sample was drawn"]
    assert record["A1"].font.b and record["A1"].font.sz == 13
    assert record["B3"].alignment.wrap_text and record["A3"].font.b
    widths = _widths(record)
    assert sorted(widths) == [1, 2] and 22 <= widths[1] < 23 and 110 <= widths[2] < 111


def test_the_balance_chart_is_on_the_balance_sheet_at_half_size(drawn: Path) -> None:
    from PIL import Image

    balance = load_workbook(drawn / "fieldwork.xlsx")["Balance"]
    width, height = Image.open(drawn / "balance.png").size
    (picture,) = balance._images  # type: ignore[attr-defined]  # openpyxl keeps images there
    columns = len([c for c in balance[3] if c.value is not None])
    # top-left at row 3, one empty column right of the balance table (0-based in the anchor)
    assert (picture.anchor._from.col, picture.anchor._from.row) == (columns + 1, 2)
    # shown at half the PNG's pixel size: 9525 EMU to a pixel
    # (a one-cell anchor holds the size itself; a two-cell anchor's picture holds it)
    extent = getattr(picture.anchor, "ext", None) or picture.anchor.pic.spPr.xfrm.ext
    assert (extent.cx, extent.cy) == (width // 2 * 9525, height // 2 * 9525)


def test_text_that_looks_like_a_formula_number_or_link_stays_text(tmp_path: Path) -> None:
    # IDs and labels a spreadsheet would otherwise turn into a formula ("=1+1", "@x", "+44"), a
    # number ("0012", "1e5") or a link; a missing value of any kind is an empty cell
    ids = ["=1+1", "@x", "+44", "0012", "1e5", "-3", "https://example.org/c", "C8"]
    cases = pd.DataFrame(
        {
            "case_id": ids,
            "team": ["=SUM(A1:A9)", "=SUM(A1:A9)", "@north", "@north"] * 2,
            "note": pd.array(["www.example.org", None, "=A1", "12.5"] * 2, dtype="string"),
            "score": [1.5, float("nan"), None, 2.0] * 2,
        }
    )
    cases.to_csv(tmp_path / "cases.csv", index=False)
    result = draw(cases, 6, seed=3, strata=["team"], reserves=1)  # 6 sampled and 2 reserves
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small expected counts in the balance tests
        write_draw(result, tmp_path / "d", input_path=tmp_path / "cases.csv")
    book = load_workbook(tmp_path / "d" / "fieldwork.xlsx")
    notes = dict(zip(ids, ["www.example.org", None, "=A1", "12.5"] * 2, strict=True))
    scores = dict(zip(ids, [1.5, None, None, 2.0] * 2, strict=True))
    seen = []
    for name, first in (("Sample", 1), ("Reserves", 3)):
        header = [c.value for c in book[name][first]]
        for row in book[name].iter_rows(min_row=first + 1):
            case = row[0]
            assert case.data_type == "s" and case.hyperlink is None, case.value  # not a formula
            seen.append(str(case.value))
            team = row[header.index("team")]
            assert team.data_type == "s" and team.value in {"=SUM(A1:A9)", "@north"}
            note, score = row[header.index("note")], row[header.index("score")]
            assert note.value == notes[str(case.value)] and note.hyperlink is None, case.value
            assert note.value is None or note.data_type == "s"
            assert score.value == scores[str(case.value)], case.value
    assert sorted(seen) == sorted(ids)  # every case, sampled or reserve, read back as written
    # the level labels on the other sheets too
    levels = [c.value for c in book["Balance"]["B"] if c.value in {"=SUM(A1:A9)", "@north"}]
    assert sorted(levels) == ["=SUM(A1:A9)", "@north"]
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
