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
import math
import os
import platform
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspection_core.files import XLSX_OPTIONS

if TYPE_CHECKING:
    import pandas as pd
    from xlsxwriter import Workbook
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

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


def _as_dates(values: Sequence[object]) -> list[dt.date | None] | None:
    """A text column as dates when every filled value is ``YYYY-MM-DD`` or ``dd/mm/yyyy``.

    ``dd/mm/yyyy`` is read day first (the UK order, as the lists this toolkit reads are
    English and Welsh); a column mixing the two forms, or holding anything else, stays text.
    """
    filled = [str(v) for v in values if not _missing(v) and str(v).strip()]
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
        text = "" if _missing(v) else str(v).strip()
        if not text:
            out.append(None)
            continue
        try:
            out.append(dt.datetime.strptime(text, form).date())
        except ValueError:
            return None
    return out


class _Sheet:
    """A worksheet being written, with the widest text seen in each column.

    XlsxWriter only writes, so the widths are counted as the cells are written rather than read
    back; rows above a sheet's tables (titles, the reserve rule) are written without counting.
    """

    def __init__(
        self, book: Workbook, name: str, formats: dict[tuple[tuple[str, Any], ...], Format]
    ) -> None:
        self.book = book
        self.sheet: Worksheet = book.add_worksheet(name)
        self.widths: dict[int, int] = {}
        self.formats = formats  # the workbook's, shared by its sheets

    def format(self, **properties: Any) -> Format:
        """One format per set of properties in the workbook (XlsxWriter formats belong to it)."""
        key = tuple(sorted(properties.items()))
        if key not in self.formats:
            self.formats[key] = self.book.add_format(properties)
        return self.formats[key]

    def write(self, row: int, column: int, value: object, style: Format | None = None) -> None:
        """Write one value, by its type, and count its width (rows and columns from 0).

        Text is always written as text (never a formula, number or link, whatever it looks like);
        dates as dates; numbers as numbers; a missing value (None, NaN, ``pd.NA``, ``NaT``) as an
        empty cell. An infinite number, which a cell cannot hold, is written as its text.
        """
        if _missing(value):
            self.sheet.write_blank(row, column, None, style)
            return
        if isinstance(value, dt.date):
            day = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            self.sheet.write_datetime(row, column, day, style)
            text = value.strftime("%d/%m/%Y")
        elif isinstance(value, bool):
            self.sheet.write_boolean(row, column, value, style)
            text = str(value)
        elif isinstance(value, int | float) and math.isfinite(value):
            self.sheet.write_number(row, column, value, style)
            text = str(value)
        else:
            text = str(value)
            self.sheet.write_string(row, column, text, style)
        self.widths[column] = max(self.widths.get(column, 0), len(text))

    def size_columns(self) -> None:
        """Size each column to its widest text (plus 2), at most ``_MAX_WIDTH``."""
        for column, width in self.widths.items():
            self.sheet.set_column(column, column, min(_MAX_WIDTH, width + 2))


def _missing(value: object) -> bool:
    """Whether a cell's value is missing: None, a float NaN, ``pd.NA`` or ``pd.NaT``."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in {"NAType", "NaTType"}


def _table(
    sheet: _Sheet,
    frame: pd.DataFrame,
    *,
    start: int = 1,
    text_columns: Sequence[str] = (),
    formats: dict[str, str] | None = None,
) -> int:
    """Write a frame with its header at row ``start`` (from 1); return the row after it."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    columns = [str(c) for c in frame.columns]
    header = sheet.format(bold=True, bg_color=_BOLD_FILL, pattern=1)
    for j, (name, dtype) in enumerate(zip(columns, frame.dtypes, strict=True)):
        sheet.write(start - 1, j, name, header)
        values: list[Any] = frame.iloc[:, j].tolist()  # Python scalars, NA as it is
        style = None
        dates = None
        if name in text_columns:
            values = ["" if _missing(v) else str(v) for v in values]
            style = sheet.format(num_format="@")
        elif is_string_dtype(dtype) or is_object_dtype(dtype):
            dates = _as_dates(values)
        if dates is not None:
            values, style = dates, sheet.format(num_format="dd/mm/yyyy")
        elif formats and name in formats:
            style = sheet.format(num_format=formats[name])
        for i, value in enumerate(values, start=start):
            if hasattr(value, "item"):
                value = value.item()  # a numpy scalar in an object column
            sheet.write(i, j, value, style)
    return start + len(frame) + 1


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
    chart_ready: Callable[[], object] | None = None,
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
    chart_ready : callable, optional
        Called once the rest of the workbook is built, before the chart is read: it waits for
        a chart drawn meanwhile by another process.

    Returns
    -------
    Path
        The file written.
    """
    from xlsxwriter import Workbook
    from xlsxwriter.image import Image

    target = Path(path)
    # Nothing is guessed from text: no formulas, numbers or links (XLSX_OPTIONS; the cells below
    # are written by type in any case). The small workbook is assembled in memory.
    book = Workbook(os.fspath(target), {**XLSX_OPTIONS, "in_memory": True})
    formats: dict[tuple[tuple[str, Any], ...], Format] = {}
    id_column, strata = result.id_column, list(result.strata)
    sample = _Sheet(book, SHEETS[0], formats)
    ordered = _ordered(result.sample, id_column, strata)
    last = _table(sample, ordered, text_columns=[id_column])
    sample.sheet.freeze_panes(1, 1)  # B2
    sample.sheet.autofilter(0, 0, last - 2, max(0, len(ordered.columns) - 1))
    sample.size_columns()

    reserves = _Sheet(book, SHEETS[1], formats)
    rule = RESERVE_RULE.format(strata=", ".join(strata))
    wrapped = reserves.format(text_wrap=True, valign="top")
    width = max(4, len(result.reserves.columns))
    reserves.sheet.merge_range(0, 0, 0, width - 1, "", wrapped)
    reserves.sheet.write_string(0, 0, rule, wrapped)
    reserves.sheet.set_row(0, 75)
    ordered = _ordered(result.reserves, id_column, strata)
    if "cell" in ordered.columns and "reserve_order" in ordered.columns:
        ordered = ordered.sort_values(["cell", "reserve_order"], kind="stable")
    _table(reserves, ordered, start=3, text_columns=[id_column])
    reserves.sheet.freeze_panes(3, 1)  # B4
    reserves.size_columns()

    sheet = _Sheet(book, SHEETS[2], formats)
    bold = sheet.format(bold=True)
    sheet.sheet.write_string(0, 0, balance.summary(), bold)
    after = _table(sheet, balance.table, start=3, formats=_BALANCE_FORMATS)
    _table(sheet, balance.tests, start=after + 1, formats={"statistic": "0.000", "pvalue": "0.000"})
    sheet.sheet.freeze_panes(3, 0)  # A4
    sheet.size_columns()
    balance_sheet = sheet

    sheet = _Sheet(book, SHEETS[3], formats)
    sheet.sheet.write_string(0, 0, result.allocation.summary(), sheet.format(bold=True))
    after = _table(sheet, result.allocation.cells, start=3, formats={"quota": "0.00"})
    _table(sheet, result.allocation.margins, start=after + 1)
    sheet.sheet.freeze_panes(3, 0)  # A4
    sheet.size_columns()

    sheet = _Sheet(book, SHEETS[4], formats)
    sheet.sheet.write_string(0, 0, "How this sample was drawn", sheet.format(bold=True, size=13))
    item_style = sheet.format(bold=True, valign="top")
    detail_style = sheet.format(text_wrap=True, valign="top")
    for i, (item, detail) in enumerate(_record_rows(result, manifest, case_list), start=2):
        sheet.sheet.write_string(i, 0, item, item_style)
        sheet.sheet.write_string(i, 1, detail, detail_style)
    sheet.sheet.set_column(0, 0, 22)
    sheet.sheet.set_column(1, 1, 110)
    if chart_ready is not None:
        chart_ready()  # the chart may still be being drawn: the rest of the book is ready
    if chart is not None and Path(chart).is_file():
        picture = Image(os.fspath(chart))
        # shown at half its pixel size (the PNG is drawn at 150 dpi); XlsxWriter also scales by
        # 96 / the PNG's dpi, which is undone here. Anchored at its top-left cell, moving with
        # the cells but keeping its size when columns are resized
        x_scale = (picture.width // 2) / picture.width * picture.x_dpi / 96
        y_scale = (picture.height // 2) / picture.height * picture.y_dpi / 96
        balance_sheet.sheet.insert_image(
            2,
            len(balance.table.columns) + 1,
            picture,
            {"x_scale": x_scale, "y_scale": y_scale, "object_position": 2},
        )
    book.close()
    return target
