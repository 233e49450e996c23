"""Reading the tables that significance's pandas wing takes (internal): one reader, one rule.

Key-question tables, findings results, catalogues and a previous round's findings are read the
same way: ``.csv`` (and ``.txt``), ``.xlsx``/``.xlsm`` and ``.parquet``; an ``.xls`` workbook
(Excel 97-2003) is refused with the fix, as the case-list reader refuses it; a device, pipe
or socket, a folder and a missing file are refused by name; a file the parser cannot read gives
one line. ``text=True`` reads every cell as text (blank for empty cells).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError, ParameterTypeError

__all__ = ["read_table_file"]

KINDS = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet"}
FORMATS = "a .csv, .xlsx or .parquet file"


def read_table_file(
    source: Any,
    *,
    parameter: str,
    text: bool = False,
    sheet: str | int | None = None,
    prefer_sheet: str | None = None,
) -> pd.DataFrame:
    """Read one table from a file; ``parameter`` names the argument in every message.

    ``sheet`` picks an Excel sheet (name, or 0-based position); otherwise ``prefer_sheet`` when
    the workbook has it, else the first sheet.

    Examples
    --------
    >>> read_table_file("answers.xls", parameter="results")
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: results must be a .csv, .xlsx or .parquet file; got 'answers.xls'. Save .xls files (Excel 97-2003) as .xlsx first
    """  # noqa: E501
    if not isinstance(source, str | Path):
        raise ParameterTypeError(
            parameter, f"must be a DataFrame or the path of {FORMATS}; got {source!r}"
        )
    path = Path(source)
    suffix = path.suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        fix = ". Save .xls files (Excel 97-2003) as .xlsx first" if suffix == ".xls" else ""
        raise ParameterError(parameter, f"must be {FORMATS}; got {str(path)!r}{fix}")
    if path.exists() and not path.is_dir() and not path.is_file():
        raise ParameterError(
            parameter, f"is not a regular file (a device, pipe or socket): {str(path)!r}"
        )
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "not found"
        raise ParameterError(parameter, f"file {what}: {str(path)!r}")
    options: dict[str, Any] = {"dtype": str, "keep_default_na": False} if text else {}
    try:
        if kind == "csv":
            table: pd.DataFrame = pd.read_csv(path, skipinitialspace=not text, **options)
            return table
        if kind == "parquet":
            frame = pd.read_parquet(path)
            return frame.astype(str).where(frame.notna(), "") if text else frame
        if sheet is None and prefer_sheet is not None:
            sheets = pd.read_excel(path, sheet_name=None, **options)
            chosen: pd.DataFrame = sheets.get(prefer_sheet, next(iter(sheets.values())))
            return chosen
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, **options)
    except Exception as exc:  # parsers raise many types; one line for all
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ParameterError(
            parameter, f"could not read {str(path)!r}: {detail}", sentence=True
        ) from None
