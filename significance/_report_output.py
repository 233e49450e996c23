"""Rendering and writing the comparison report: text and Markdown tables, HTML, atomic files.

Numbers are formatted for reading here (percentages as published, z to 3 decimals, p-values to
4); files meant for further analysis (CSV, Excel) keep the full values.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from inspection_core.files import atomic_write
from inspection_core.tables import format_pvalue, text_table

__all__ = [
    "atomic_write",
    "display_frame",
    "html_document",
    "markdown_table",
    "plain_records",
    "text_table",
]

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
            return format_pvalue(value)
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
