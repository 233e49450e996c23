"""Rendering and writing the comparison report: text and Markdown tables, HTML, atomic files.

Numbers are formatted for reading here (percentages as published, z to 3 decimals, p-values to
4); files meant for further analysis (CSV, Excel) keep the full values.
"""

from __future__ import annotations

import html
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["atomic_write", "display_frame", "markdown_table", "plain_records", "text_table"]

PVALUE_COLUMNS = ("pvalue", "pvalue_holm", "pvalue_bh", "comparator_pvalue")


def format_number(column: str, value: Any) -> str:
    """One cell for reading: blank for missing, yes/no for flags, fixed decimals by column."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if column in PVALUE_COLUMNS or column.startswith("p_at_"):
            return "<0.0001" if value < 0.0001 else f"{value:.4f}"
        if column.endswith("_z") or column == "z":
            return f"{value:.3f}"
        if column.startswith("change") or column.startswith("difference"):
            return f"{value:+.1f}"
        return f"{value:g}"
    return str(value)


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every cell formatted as text for reading."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        out[column] = [format_number(str(column), v) for v in frame[column].tolist()]
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of the frame's cells, formatted for reading.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"a": [1.5], "pvalue": [0.1669]})))
    | a | pvalue |
    |---|---|
    | 1.5 | 0.1669 |
    """
    shown = display_frame(frame)
    lines = [
        "| " + " | ".join(_md_cell(str(c)) for c in shown.columns) + " |",
        "|" + "---|" * len(shown.columns),
    ]
    for row in shown.itertuples(index=False):
        lines.append("| " + " | ".join(_md_cell(str(v)) for v in row) + " |")
    return "\n".join(lines)


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned with spaces: text left, numbers right.

    Examples
    --------
    >>> print(text_table(["kq", "p"], [["2.1", "0.17"], ["4.2", "0.0013"]]))
    kq  p
    2.1   0.17
    4.2 0.0013
    """
    cells = [[str(h) for h in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def numeric(text: str) -> bool:
        return bool(text) and text.lstrip("+-<").replace(".", "", 1).isdigit()

    lines = []
    for k, r in enumerate(cells):
        parts = [
            c.rjust(w) if k and numeric(c) else c.ljust(w) for c, w in zip(r, widths, strict=True)
        ]
        lines.append(" ".join(parts).rstrip())
    return "\n".join(lines)


def plain_records(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
    """Rows as dicts of plain Python values (missing values as None), for JSON."""
    if frame is None:
        return None
    records: list[dict[str, Any]] = []
    for row in frame.astype(object).to_dict("records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            clean[str(key)] = value
        records.append(clean)
    return records


def html_document(title: str, body: str) -> str:
    """A standalone HTML page around a fragment."""
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:90%}"
        "th{background:#f3f3f3}"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{style}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Any, write: Callable[[Path], None], *, overwrite: bool = False) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place.

    A failure leaves nothing behind: no partial file and no temporary file.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is False.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{str(target)!r} already exists; pass overwrite=True to replace it")
    if not target.parent.is_dir():
        raise ValueError(f"folder for the output does not exist: {str(target.parent)!r}")
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private; use the usual mode
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
