"""Reading a case list's file into a table of text: format, encoding, delimiter, sheet, header.

What the file really is comes from its first bytes, not only its name: a CSV saved with an
``.xlsx`` name, an Excel 97-2003 ``.xls`` or an OpenDocument ``.ods`` file is refused with how to
convert it. CSV text may be UTF-8 (with or without a byte order mark) or Windows-1252, and its
delimiter a comma, semicolon, tab or bar; both are detected and recorded. Excel workbooks are
read with openpyxl (values, not formulas), one sheet: the first visible one unless ``sheet``
names another. The header row is found below any title rows (:func:`sampling._header.find_header`)
unless ``header_row`` gives it. Every cell becomes stripped text: whole numbers lose a trailing
``.0`` and a date at midnight is written ``YYYY-MM-DD``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from inspection_core.errors import ParameterError, ParameterTypeError

from ._header import find_header

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ENCODING_NAMES", "RawTable", "read_table", "sheet_with_columns"]

IntArray = npt.NDArray[np.int64]

_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
}
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte order mark",
    "cp1252": "Windows-1252",
}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
_CONVERT = (
    "open it in Excel or LibreOffice Calc and save it as an Excel Workbook (.xlsx) or CSV UTF-8, "
    "or run: libreoffice --headless --convert-to xlsx {name}"
)


@dataclass(frozen=True, eq=False)
class RawTable:
    """A file's table as stripped text, before any checks (internal).

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per line below the header (empty lines dropped), columns named by the header.
    rows : ndarray of int
        Each row's number in the file, counted as a spreadsheet does (the first line is row 1).
    header_row : int
        The header's row number (1 for Parquet).
    kind : str
        ``"csv"``, ``"excel"`` or ``"parquet"``.
    encoding, delimiter : str or None
        CSV only: the codec (``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``) and the delimiter.
    sheet : str or None
        Excel only: the sheet read.
    sheets : tuple of str
        Excel only: every worksheet, in tab order.
    above : tuple of int
        Rows above the header that hold something (titles), skipped.
    numeric_columns : frozenset of str
        Excel only: columns with cells stored as numbers (their leading zeros, if any, are gone).
    sha256 : str or None
        SHA-256 of the bytes that were read (the file is read once, into memory, and parsed
        from there, so the hash is of exactly what the table came from).
    """

    frame: pd.DataFrame
    rows: IntArray
    header_row: int
    kind: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    above: tuple[int, ...] = ()
    numeric_columns: frozenset[str] = field(default_factory=frozenset)
    sha256: str | None = None

    @property
    def where(self) -> str:
        """Where the table was read from, for messages: ``sheet 'Cases' of list.xlsx``."""
        return f"sheet {self.sheet!r} of " if self.sheet is not None else ""


def _sniff_kind(name: str, head: bytes) -> str:
    """The format from the extension, refusing files whose bytes say otherwise."""
    base = os.path.basename(name)
    ext = os.path.splitext(name)[1].lower()
    is_zip = head.startswith(b"PK\x03\x04")
    is_ole = head.startswith(b"\xd0\xcf\x11\xe0")
    how = _CONVERT.format(name=base)
    if ext == ".ods" or (is_zip and b"opendocument" in head[:100]):
        raise ValueError(
            f"{base} is an OpenDocument spreadsheet (.ods), which is not read here; {how}"
        )
    if ext == ".xls" or (ext in (".xlsx", ".xlsm") and is_ole):
        what = "an Excel 97-2003 workbook" if is_ole else "not an Excel 2007+ workbook"
        raise ValueError(
            f"the case list must be a .csv, .xlsx or .parquet file; got {base!r}. "
            f"Save .xls files as .xlsx first: {base} is {what}; {how}"
        )
    if ext not in _EXTENSIONS:
        raise ValueError(f"the case list must be a .csv, .xlsx or .parquet file; got {base!r}")
    kind = _EXTENSIONS[ext]
    if kind == "excel" and not is_zip:
        if head and b"\x00" not in head and _decodes(head):
            raise ValueError(
                f"{base} is text (a CSV file?) with an Excel name, not a workbook: rename it to "
                f"{os.path.splitext(base)[0]}.csv and read that"
            )
        raise ValueError(
            f"cannot read {base} as excel: it is not an Excel workbook (not a zip file)"
        )
    if kind == "csv" and (is_zip or is_ole):
        raise ValueError(
            f"{base} is a workbook with a text name, not a CSV file: rename it to "
            f"{os.path.splitext(base)[0]}.xlsx and read that"
        )
    return kind


def _decodes(raw: bytes) -> bool:
    for codec in ("utf-8", "cp1252"):
        try:
            raw.decode(codec)
        except UnicodeDecodeError as exc:
            if codec == "utf-8" and exc.start >= len(raw) - 3:  # a character cut at the end
                return True
            continue
        return True
    return False


def _decode(raw: bytes, base: str) -> tuple[str, str]:
    """The file's text and its codec: UTF-8 (a byte order mark allowed), else Windows-1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError(
            f"cannot read {base}: it is UTF-16 text (Excel's 'Unicode Text'); save it as "
            "'CSV UTF-8 (Comma delimited)' instead"
        )
    if b"\x00" in raw[:65536]:
        raise ValueError(f"cannot read {base} as csv: it holds NUL bytes, so it is not a text file")
    codec = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return raw.decode(codec), codec
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if codec == "utf-8-sig":
        raise ValueError(
            f"cannot read {base}: it starts with a UTF-8 byte order mark but byte "
            f"0x{raw[utf8_error.start]:02x} at position {utf8_error.start} is not UTF-8"
        )
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"cannot read {base}: it is neither UTF-8 (byte 0x{raw[utf8_error.start]:02x} at "
            f"position {utf8_error.start}) nor Windows-1252 (byte 0x{raw[exc.start]:02x} at "
            f"position {exc.start}); save it as 'CSV UTF-8'"
        ) from None


def _sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits the most lines into the same number (two or more) of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITER_NAMES:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        modal = int(values[np.argmax(freq)])
        score = (int(freq.max()), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _header_cells(cells: Sequence[str], base: str, where: str, row: int) -> list[str]:
    names = []
    for j, cell in enumerate(cells):
        names.append(cell.strip() if cell.strip() else f"(unnamed column {_letters(j)})")
    seen: dict[str, int] = {}
    for j, n in enumerate(names):
        if n in seen:
            raise ValueError(
                f"the header (row {row} of {where}{base}) names {n!r} twice (columns "
                f"{_letters(seen[n])} and {_letters(j)}); rename one in the file"
            )
        seen[n] = j
    return names


def _letters(j: int) -> str:
    """Spreadsheet column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _check_header_row(header_row: int | None, last: int, where: str, base: str) -> int | None:
    if header_row is None:
        return None
    if isinstance(header_row, bool) or not isinstance(header_row, int | np.integer):
        raise ParameterTypeError(
            "header_row", f"must be a whole number (a row number); got {header_row!r}"
        )
    if header_row < 1:
        raise ParameterError("header_row", f"counts rows from 1; got {header_row}")
    if header_row > last:
        raise ParameterError(
            "header_row", f"{header_row} is beyond the last row ({last}) of {where}{base}"
        )
    return int(header_row) - 1


def _finish(frame: pd.DataFrame, rows: IntArray) -> tuple[pd.DataFrame, IntArray]:
    """Drop completely empty lines and unnamed empty columns; all cells stripped text."""
    text = frame.fillna("").astype("str").apply(lambda c: c.str.strip())
    keep = [
        c for c in text.columns if not (str(c).startswith("(unnamed") and (text[c] == "").all())
    ]
    text = text[keep]
    filled = np.asarray((text != "").any(axis=1), dtype=bool) if len(keep) else np.zeros(0, bool)
    return text.loc[filled].reset_index(drop=True), rows[filled]


def _read_csv(raw: bytes, base: str, header_row: int | None, wanted: Sequence[str]) -> RawTable:
    import pandas as pd

    text, codec = _decode(raw, base)
    lines = text[: 1 << 20].splitlines()[:400]  # the first lines: enough to find the header
    sample = [line for line in lines[:200] if line.strip()][:60]
    delimiter = _sniff_delimiter(sample)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    head: list[list[str]] = []
    starts: list[int] = []  # line number (1-based) of each record
    line = 0
    for record in reader:
        starts.append(line + 1)
        line = reader.line_num
        head.append([c.strip() for c in record])
        if len(head) >= 60:
            break
    if not head:
        raise ValueError(f"{base} is empty")
    last = text.count("\n") + (0 if text.endswith("\n") else 1)
    index = _check_header_row(header_row, last, "", base)
    if index is not None and index >= len(lines) - 1:  # a header far down: split it all
        lines = text.splitlines()
    if index is None:
        index = find_header(head, wanted)
        first_line = starts[index]
    else:
        first_line = index + 1
    header = next(csv.reader([lines[first_line - 1]], delimiter=delimiter))
    names = _header_cells(header, base, "", first_line)
    try:
        with warnings.catch_warnings():
            # index_col=False: a first row longer than the header is an error, not an index
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                skiprows=first_line - 1,
                header=0,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                engine="c",
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        raise ValueError(f"{base} is empty") from None
    except pd.errors.ParserWarning:
        raise ValueError(
            f"{base}: row {first_line + 1} has more fields than the header in row {first_line}; "
            "check it for a stray delimiter or a value holding the delimiter without quotes"
        ) from None
    except pd.errors.ParserError as exc:
        if "Calling read(nbytes) on source failed" in str(exc):
            # Reading from memory cannot fail: pandas' C parser turns a Ctrl-C that arrives
            # while it reads into this error. Let it stay an interrupt.
            raise KeyboardInterrupt from exc
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found is None:
            reason = str(exc).splitlines()[0]
            raise ValueError(
                f"cannot read {base} as csv: {reason} (after the header in row "
                f"{first_line}); a value holding the delimiter needs quotes"
            ) from None
        wanted_fields, line, saw = (int(g) for g in found.groups())
        raise ValueError(
            f"{base}: row {line + first_line - 1} has {saw} fields but the header has "
            f"{wanted_fields}; check it for a stray delimiter or a value holding the delimiter "
            "without quotes"
        ) from None
    frame.columns = names[: len(frame.columns)] + [
        f"(unnamed column {_letters(j)})" for j in range(len(names), len(frame.columns))
    ]
    rows = (np.arange(len(frame)) + first_line + 1).astype(np.int64)
    frame, rows = _finish(frame, rows)
    above = tuple(
        i + 1 for i, ln in enumerate(lines[: first_line - 1]) if ln.strip(delimiter + " ")
    )
    return RawTable(frame, rows, first_line, "csv", codec, delimiter, above=above)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _pick_sheet(book: Any, sheet: str | int | None, base: str) -> Any:
    sheets = list(book.worksheets)
    names = [s.title for s in sheets]
    if sheet is None:
        visible = [s for s in sheets if getattr(s, "sheet_state", "visible") == "visible"]
        return (visible or sheets)[0]
    if isinstance(sheet, str):
        if sheet in names:
            return sheets[names.index(sheet)]
        lowered = [n.strip().casefold() for n in names]
        if sheet.strip().casefold() in lowered:
            return sheets[lowered.index(sheet.strip().casefold())]
        if sheet.strip().isdigit():
            sheet = int(sheet.strip())
        else:
            raise ParameterError(
                "sheet",
                f"no sheet {sheet!r} in {base}; its sheets are {', '.join(map(repr, names))} "
                "({sheet} takes a name or a number, 1 for the first)",
                sentence=True,
            )
    if isinstance(sheet, bool) or not isinstance(sheet, int | np.integer):
        raise ParameterTypeError("sheet", f"must be a sheet name or number; got {sheet!r}")
    if not 1 <= sheet <= len(sheets):
        raise ParameterError(
            "sheet",
            f"numbers count from 1 and {base} has {len(sheets)} "
            f"sheet{'s' if len(sheets) != 1 else ''} ({', '.join(map(repr, names))}); got {sheet}",
        )
    return sheets[int(sheet) - 1]


def _read_excel(
    data: bytes, base: str, sheet: str | int | None, header_row: int | None, wanted: Sequence[str]
) -> RawTable:
    import pandas as pd
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # corrupt zips and foreign parts raise library-specific errors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"cannot read {base} as excel: {reason}") from None
    try:
        chosen = _pick_sheet(book, sheet, base)
        chosen.reset_dimensions()  # size from the cells, not a possibly stale dimension tag
        grid = [tuple(row) for row in chosen.iter_rows(values_only=True)]
        sheets = tuple(s.title for s in book.worksheets)
    finally:
        book.close()
    where = f"sheet {chosen.title!r} of "
    if not any(any(v is not None and str(v).strip() for v in row) for row in grid):
        raise ValueError(f"{where}{base} is empty")
    head = [[_cell_text(v) for v in row] for row in grid[:60]]
    index = _check_header_row(header_row, len(grid), where, base)
    if index is None:
        index = find_header(head, wanted)
    header = [_cell_text(v) for v in grid[index]]
    while header and not header[-1]:
        header.pop()
    width = max([len(header), *(len(r) for r in grid[index + 1 :])], default=0)
    names = _header_cells(header + [""] * (width - len(header)), base, where, index + 1)
    body = grid[index + 1 :]
    numeric: set[str] = set()
    cells = []
    for row in body:
        texts = [_cell_text(v) for v in row] + [""] * (width - len(row))
        for j, v in enumerate(row):
            if isinstance(v, int | float) and not isinstance(v, bool):
                numeric.add(names[j])
        cells.append(texts)
    frame = (
        pd.DataFrame(cells, columns=names, dtype=object)
        if cells
        else pd.DataFrame(columns=names, dtype=object)
    )
    rows = (np.arange(len(frame)) + index + 2).astype(np.int64)
    frame, rows = _finish(frame, rows)
    above = tuple(i + 1 for i, row in enumerate(head[:index]) if any(row))
    return RawTable(
        frame,
        rows,
        index + 1,
        "excel",
        sheet=chosen.title,
        sheets=sheets,
        above=above,
        numeric_columns=frozenset(numeric),
    )


def _read_parquet(data: bytes, base: str) -> RawTable:
    import pandas as pd

    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # corrupt files raise pyarrow-specific errors
        raise ValueError(f"cannot read {base} as parquet: {type(exc).__name__}: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    text = frame.copy()
    for c in text.columns:
        values = text[c]
        if values.dtype.kind == "f":
            finite = values.dropna()
            if (finite == np.floor(finite)).all():
                values = values.astype("Int64")
        text[c] = values.astype("str").where(values.notna(), "")
    rows = (np.arange(len(text)) + 2).astype(np.int64)
    text, rows = _finish(text, rows)
    return RawTable(text, rows, 1, "parquet")


def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    wanted: Sequence[str] = (),
) -> RawTable:
    """Read a case list's file as a table of stripped text (internal; see ``read_case_list``).

    ``wanted`` are the column names the caller will look for; they help find the header row.
    """
    name = os.fspath(path)
    base = os.path.basename(name)
    if os.path.exists(name) and not os.path.isdir(name) and not os.path.isfile(name):
        raise ValueError(f"cannot read {name}: it is not a regular file (a device, pipe or socket)")
    if not os.path.isfile(name):
        what = "is a folder" if os.path.isdir(name) else "does not exist"
        _sniff_kind(name, b"PK\x03\x04" if name.lower().endswith((".xlsx", ".xlsm")) else b"")
        raise ValueError(f"cannot read {name}: the file {what}")
    with open(name, "rb") as fh:
        head = fh.read(4096)
        kind = _sniff_kind(name, head)
        if not head:
            raise ValueError(f"{base} is empty")
        if sheet is not None and kind != "excel":
            raise ParameterError("sheet", f"applies to Excel workbooks; {base} is a {kind} file")
        if kind == "parquet" and header_row is not None:
            raise ParameterError("header_row", f"does not apply to Parquet files ({base})")
        data = head + fh.read()  # read once: the table and its hash come from these bytes
    if kind == "csv":
        raw = _read_csv(data, base, header_row, wanted)
    elif kind == "excel":
        raw = _read_excel(data, base, sheet, header_row, wanted)
    else:
        raw = _read_parquet(data, base)
    return replace(raw, sha256=hashlib.sha256(data).hexdigest())


def sheet_with_columns(
    path: str | os.PathLike[str], wanted: Sequence[str], *, besides: str | None
) -> str | None:
    """The first other sheet of a workbook whose header names every ``wanted`` column, if any."""
    from openpyxl import load_workbook

    from ._header import column_key

    keys = {column_key(w) for w in wanted}
    book = load_workbook(os.fspath(path), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            if sheet.title == besides:
                continue
            sheet.reset_dimensions()
            head = [
                [_cell_text(v) for v in row]
                for row in sheet.iter_rows(max_row=60, values_only=True)
            ]
            for row in head:
                if keys <= {column_key(c) for c in row if c}:
                    return str(sheet.title)
    finally:
        book.close()
    return None
