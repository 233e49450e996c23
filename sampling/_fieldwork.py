"""The fieldwork pack: ``fieldwork.xlsx``, the draw as inspectors and managers open it.

Sheets: **Sample** (IDs as text, so leading zeros survive; dates as dates; the strata and any
inclusion probability or design weight the draw has), **Reserves** (in the order they must be
used, per cell, with the rule written above them), **Balance**, **Allocation**, and **How this
sample was drawn** (a plain-language record: when, from which file and sheet, what was recoded or
dropped, the rule and its numbers, the seed, the method, the software, and how to repeat it).
Columns are sized to their contents and header rows frozen. The CSV files and the manifest stay
for machines; this workbook is for people.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from ._balance import Balance
    from ._caselist import CaseList
    from ._selection import Draw

__all__ = ["RESERVE_RULE", "SHEETS", "write_fieldwork"]

SHEETS = ("Sample", "Reserves", "Balance", "Allocation", "How this sample was drawn")
RESERVE_RULE = (
    "How to use the reserves: when a sampled case cannot be inspected (transferred out, in "
    "custody, file missing), replace it with the first unused reserve of the same cell (the same "
    "{strata}), in reserve order: 1, then 2. Never skip a reserve or choose one by hand; the order "
    "is random, and keeping to it keeps the sample random. Record each replacement: the case it "
    "replaces and why."
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_BOLD_FILL = "DDE4EE"
_BALANCE_FORMATS = {
    "population_share": "0.0%",
    "sample_share": "0.0%",
    "share_difference": "+0.0;-0.0;0.0",
    "margin_of_error": "0.00%",
}
_MAX_WIDTH = 60


def _as_dates(values: pd.Series) -> list[dt.date | None] | None:
    """A text column as dates when every filled value is ``YYYY-MM-DD`` or ``dd/mm/yyyy``.

    ``dd/mm/yyyy`` is read day first (the UK order, as the lists this toolkit reads are
    English and Welsh); a column mixing the two forms, or holding anything else, stays text.
    """
    filled = [str(v) for v in values if str(v).strip()]
    if not filled:
        return None
    if all(_ISO.match(v) for v in filled):
        form = "%Y-%m-%d"
    elif all(_UK.match(v) for v in filled):
        form = "%d/%m/%Y"
    else:
        return None
    out: list[dt.date | None] = []
    for v in values:
        text = str(v).strip()
        if not text:
            out.append(None)
            continue
        try:
            out.append(dt.datetime.strptime(text, form).date())
        except ValueError:
            return None
    return out


def _header(sheet: Worksheet, row: int, names: Sequence[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    for j, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=j, value=str(name))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_BOLD_FILL)


def _table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    *,
    start: int = 1,
    text_columns: Sequence[str] = (),
    formats: dict[str, str] | None = None,
) -> int:
    """Write a frame with its header at row ``start``; return the row after it."""
    import math

    from pandas.api.types import is_object_dtype, is_string_dtype

    columns = [str(c) for c in frame.columns]
    _header(sheet, start, columns)
    dates = {
        c: _as_dates(frame[c])
        for c in columns
        if c not in text_columns and (is_string_dtype(frame[c]) or is_object_dtype(frame[c]))
    }
    for i, record in enumerate(frame.itertuples(index=False, name=None), start=start + 1):
        for j, (name, value) in enumerate(zip(columns, record, strict=True), start=1):
            column_dates = dates.get(name)
            if column_dates is not None:
                value = column_dates[i - start - 1]
            elif name in text_columns:
                value = "" if value is None else str(value)
            elif hasattr(value, "item"):
                value = value.item()  # numpy scalars
            if isinstance(value, float) and math.isnan(value):
                value = None
            cell = sheet.cell(row=i, column=j, value=value)
            if name in text_columns:
                cell.number_format = "@"
            elif column_dates is not None:
                cell.number_format = "dd/mm/yyyy"
            elif formats and name in formats:
                cell.number_format = formats[name]
    return start + len(frame) + 1


def _widths(sheet: Worksheet, skip_rows: int = 0) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None:
                continue
            text = (
                cell.value.strftime("%d/%m/%Y")
                if isinstance(cell.value, dt.date)
                else str(cell.value)
            )
            widths[cell.column] = max(widths.get(cell.column, 0), len(text))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(_MAX_WIDTH, width + 2)


def _ordered(frame: pd.DataFrame, id_column: str, strata: Sequence[str]) -> pd.DataFrame:
    first = [id_column, *strata]
    return frame[first + [c for c in frame.columns if c not in first]]


def _rule_text(manifest: dict[str, Any], population: int, n: int) -> str:
    from ._sizes import sample_size

    rule = sample_size(population)
    margin = 100 * rule.achieved_margin
    by_rule = (
        f"The rule (a margin of error of +/-5 percentage points at 80% confidence, z = "
        f"{rule.z:.4f}, proportion 0.5, with the finite population correction) gives "
        f"n0 = {rule.n0:.2f} for an infinite population and {rule.n_unrounded:.2f} for "
        f"{population} eligible cases, rounded up to {rule.n} (achieved margin +/-{margin:.2f} "
        "points)."
    )
    asked = manifest.get("n_requested", n)
    if str(asked) == "auto":
        return f"{n} cases, by the inspection rule. {by_rule}"
    return f"{n} cases, as asked (--n {asked}). {by_rule}"


def _record_rows(
    result: Draw, manifest: dict[str, Any], case_list: CaseList | None
) -> list[tuple[str, str]]:
    from . import __version__

    allocation = result.allocation
    rows: list[tuple[str, str]] = [
        ("Drawn on", str(manifest.get("created_utc", "")).replace("T", " ").replace("Z", " UTC")),
        ("Input file", str(manifest.get("input_file", ""))),
        ("Input file SHA-256", str(manifest.get("input_sha256", ""))),
    ]
    if case_list is not None:
        rows.append(("Read from", case_list.read_from()))
        dropped = case_list.dropped
        rows.append(
            (
                "Rows dropped",
                "; ".join(
                    f"row {r} ({why}: {text})"
                    for r, why, text in zip(
                        dropped["row"], dropped["reason"], dropped["text"], strict=True
                    )
                )
                or "none",
            )
        )
        recoded = case_list.recodings
        rows.append(
            (
                "Recodings",
                "; ".join(
                    f"{c}: {v!r} -> {lv!r} ({n} rows, by {by})"
                    for c, v, lv, n, by in recoded.itertuples(index=False, name=None)
                )
                or "none",
            )
        )
        fixes = case_list.corrections
        if len(fixes):
            rows.append(
                (
                    "Corrections by case",
                    "; ".join(
                        f"{i} {c}: {w!r} -> {now!r}"
                        for i, c, w, now in fixes.itertuples(index=False, name=None)
                    ),
                )
            )
        if case_list.options.get("keep_levels"):
            rows.append(("Levels kept apart", "--keep-levels: levels that look alike kept apart"))
        if case_list.mapping.sources:
            rows.append(("Mapping", ", ".join(case_list.mapping.sources)))
    exclusions = manifest.get("exclusions")
    rows.append(("Exclusions", str(exclusions) if exclusions else "none"))
    rows += [
        ("Eligible cases", str(allocation.population_size)),
        ("Sample size", _rule_text(manifest, allocation.population_size, result.n)),
        ("Stratified by", " x ".join(result.strata) + f" ({len(allocation.cells)} cells)"),
        ("Allocation", allocation.summary()),
        ("Selection", str(manifest.get("selection", ""))),
        ("Seed", str(result.seed)),
        (
            "Reserves",
            f"up to {result.reserves_per_cell} per sampled cell ({len(result.reserves)} listed)",
        ),
        (
            "Software",
            f"inspection-toolkit {__version__}, numpy {manifest.get('numpy_version')}, "
            f"Python {platform.python_version()}",
        ),
    ]
    table = manifest.get("case_table")
    if isinstance(table, dict):
        rows.append(
            (
                "Case table SHA-256",
                f"{table['sha256']} ({table['cases']} cases: IDs and "
                "strata after reading and recoding)",
            )
        )
    rows.append(
        (
            "How to reproduce",
            "python -m sampling draw --manifest manifest.json "
            f"{manifest.get('input_file', 'CASES')} --out NEW_FOLDER (the manifest is beside this "
            "workbook). The same cases re-saved in a spreadsheet or converted to another format "
            "reproduce too: the manifest checks the cases (IDs and strata after reading and "
            "recoding), not only the file's bytes, and says when the bytes differ.",
        )
    )
    return rows


def write_fieldwork(
    path: str | os.PathLike[str],
    result: Draw,
    balance: Balance,
    manifest: dict[str, Any],
    case_list: CaseList | None = None,
    chart: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the fieldwork workbook for a draw (internal; :func:`sampling.write_draw` calls it).

    Parameters
    ----------
    path : str or path-like
        Where to write (a new file in the draw's temporary folder).
    result : Draw
        The draw.
    balance : Balance
        Its balance report.
    manifest : dict
        Its manifest (for the record sheet).
    case_list : CaseList, optional
        How the input was read (sheet, drops, recodings), when known.
    chart : str or path-like, optional
        The balance chart (PNG) to show on the Balance sheet.

    Returns
    -------
    Path
        The file written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    id_column, strata = result.id_column, list(result.strata)
    sample = book.active
    assert sample is not None  # a new workbook has one sheet
    sample.title = SHEETS[0]
    _table(sample, _ordered(result.sample, id_column, strata), text_columns=[id_column])
    sample.freeze_panes = "B2"
    sample.auto_filter.ref = sample.dimensions
    _widths(sample)

    reserves = book.create_sheet(SHEETS[1])
    rule = RESERVE_RULE.format(strata=", ".join(strata))
    reserves.cell(row=1, column=1, value=rule).alignment = Alignment(wrap_text=True, vertical="top")
    width = max(4, len(result.reserves.columns))
    reserves.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    reserves.row_dimensions[1].height = 75
    ordered = _ordered(result.reserves, id_column, strata)
    if "cell" in ordered.columns and "reserve_order" in ordered.columns:
        ordered = ordered.sort_values(["cell", "reserve_order"], kind="stable")
    _table(reserves, ordered, start=3, text_columns=[id_column])
    reserves.freeze_panes = "B4"
    _widths(reserves, skip_rows=2)

    sheet = book.create_sheet(SHEETS[2])
    sheet.cell(row=1, column=1, value=balance.summary()).font = Font(bold=True)
    after = _table(sheet, balance.table, start=3, formats=_BALANCE_FORMATS)
    _table(sheet, balance.tests, start=after + 1, formats={"statistic": "0.000", "pvalue": "0.000"})
    if chart is not None and Path(chart).is_file():
        from openpyxl.drawing.image import Image

        picture = Image(os.fspath(chart))
        picture.width, picture.height = picture.width // 2, picture.height // 2  # 150 dpi
        sheet.add_image(picture, f"{get_column_letter(len(balance.table.columns) + 2)}3")
    sheet.freeze_panes = "A4"
    _widths(sheet, skip_rows=2)

    sheet = book.create_sheet(SHEETS[3])
    sheet.cell(row=1, column=1, value=result.allocation.summary()).font = Font(bold=True)
    after = _table(sheet, result.allocation.cells, start=3, formats={"quota": "0.00"})
    _table(sheet, result.allocation.margins, start=after + 1)
    sheet.freeze_panes = "A4"
    _widths(sheet, skip_rows=2)

    sheet = book.create_sheet(SHEETS[4])
    sheet.cell(row=1, column=1, value="How this sample was drawn").font = Font(bold=True, size=13)
    for i, (item, detail) in enumerate(_record_rows(result, manifest, case_list), start=3):
        sheet.cell(row=i, column=1, value=item).font = Font(bold=True)
        cell = sheet.cell(row=i, column=2, value=detail)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=i, column=1).alignment = Alignment(vertical="top")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
    target = Path(path)
    book.save(target)
    return target
