"""Drawing and writing the comparison report: text, Markdown, HTML, CSV and Excel.

Numbers are formatted for reading here (percentages as published, z to 3 decimals, p-values to
4); files meant for further analysis (CSV, Excel) keep the full values. Every table column holds
one unit, named in its header: ``_pct`` percentages (74 for 74%), ``_points`` percentage points,
``_x`` and ``_n`` case counts; z-scores and p-values are plain numbers.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from inspection_core.checks import format_value
from inspection_core.errors import ParameterError
from inspection_core.files import XLSX_OPTIONS, atomic_write
from inspection_core.result import to_builtin
from inspection_core.tables import format_pvalue, text_table

if TYPE_CHECKING:
    from .result import RoundComparison

__all__ = [
    "SUFFIXES",
    "display_frame",
    "html_document",
    "html_fragment",
    "markdown",
    "markdown_table",
    "plain_records",
    "text",
    "write",
]

SUFFIXES = (".csv", ".xlsx", ".md", ".html")

PVALUE_COLUMNS = (
    "pvalue",
    "pvalue_holm",
    "pvalue_bh",
    "comparator_pvalue",
    "comparator_pvalue_holm",
    "comparator_pvalue_bh",
)


def format_number(column: str, value: Any) -> str:
    """One cell for reading: blank for missing, yes/no for flags, fixed decimals by column."""
    if value is None or value is pd.NA:
        return "depends" if column.endswith("significant") else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if column in PVALUE_COLUMNS or column.startswith("p_at_"):
            return format_pvalue(value)
        if column.endswith("_z") or column == "z":
            return f"{value:.3f}"
        if column.endswith("_points"):
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
    """Rows as dicts of plain Python values (missing and infinite values as None), for JSON."""
    if frame is None:
        return None
    records: list[dict[str, Any]] = to_builtin(frame)
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


# ---------------------------------------------------------------- the report


def _call(value: Any) -> bool | None:
    return None if value is None or value is pd.NA else bool(value)


def _key_rows(report: RoundComparison) -> list[list[str]]:
    rows = []
    for i, r in enumerate(report.table.to_dict("records")):
        comparator = ["", "", ""]
        if not math.isnan(r["comparator_pvalue"]):
            comparator = [
                format_value(r["comparator_pct"]),
                format_pvalue(r["comparator_pvalue"]),
                {True: "yes", False: "", None: "depends"}[_call(r["comparator_significant"])],
            ]
        rows.append(
            [
                str(i + 1),
                r["standard"].split()[0] if r["standard"] else "",
                format_value(r["previous_pct"]) + ("*" if r["previous_n_assumed"] else ""),
                format_value(r["current_pct"]),
                f"{r['change_points']:+.1f}",
                f"{r['z']:.3f}",
                format_pvalue(r["pvalue"]),
                {True: "yes", False: "", None: "depends"}[_call(r["significant"])],
                format_pvalue(r["pvalue_holm"]),
                format_pvalue(r["pvalue_bh"]),
                *comparator,
                r["current_band"],
                "yes" if r["near_boundary"] else "",
            ]
        )
    return rows


def provider_text(report: RoundComparison) -> str:
    """The provider rating in a sentence, or what it still needs."""
    if report.provider is None:
        have = int((report.standards["rating"] != "").sum())
        return (
            f"Provider rating: needs all ten standard ratings; {have} known "
            "(supply the others with standard_ratings=)."
        )
    text = f"Provider rating: {report.provider.summary()}"
    score = report.provider_score_range
    if score and score[0] != score[1]:
        text += f" The panel's options allow scores {score[0]} to {score[1]}."
    return text


def text(report: RoundComparison) -> str:
    """The report as plain text: summary, assumptions, the table, sentences, standards."""
    header = ["#", "std", "prev%", "cur%", "change", "z", "p", "sig", "p_holm", "p_bh"]
    header += ["comp%", "p_comp", "sig_comp", "band", "near_edge"]
    parts = [report.summary(), ""]
    if report.assumptions:
        parts += ["Assumptions:", *(f"  - {a}" for a in report.assumptions), ""]
    parts += [text_table(header, _key_rows(report))]
    if report.table["previous_n_assumed"].any():
        parts.append("  * previous n assumed")
    parts += ["", "Key questions:"]
    for i, r in enumerate(report.table.to_dict("records")):
        parts.append(f"  {i + 1}. {r['key_question']}")
        parts.append(f"     {r['sentence']}")
        if r["notes"]:
            parts.append(f"     Notes: {r['notes']}")
    if len(report.standards):
        parts += ["", "Standards (current round):"]
        rows = [
            [s["standard"], s["rule_rating"], s["panel_options"], s["rating"], s["note"]]
            for s in report.standards.to_dict("records")
        ]
        parts.append(text_table(["standard", "rule", "panel may give", "rating", "note"], rows))
        parts.append(provider_text(report))
    if report.sensitivity is not None:
        parts += ["", "Sensitivity to the unknown previous n:"]
        for s in report.sensitivity.to_dict("records"):
            parts.append(f"  {s['row']}. {s['finding']}")
    return "\n".join(parts)


def _reading_table(report: RoundComparison) -> pd.DataFrame:
    t = report.table.copy()
    for rnd in ("previous", "current"):
        assumed = t["previous_n_assumed"] if rnd == "previous" else [False] * len(t)
        t[f"{rnd} (x/n)"] = [
            f"{x}/{n}" + (" (n assumed)" if a else "")
            for x, n, a in zip(t[f"{rnd}_x"], t[f"{rnd}_n"], assumed, strict=True)
        ]
    keep = ["standard", "key_question", "previous_pct", "current_pct"]
    keep += ["previous (x/n)", "current (x/n)", "change_points", "z", "pvalue", "significant"]
    keep += ["test", "pvalue_holm", "pvalue_bh"]
    if report.comparator_method is not None:
        keep += ["comparator_pct", "comparator_z", "comparator_pvalue"]
        keep += ["comparator_significant"]
    keep += ["previous_band", "current_band", "near_boundary", "sentence", "notes"]
    return t[keep]


def markdown(report: RoundComparison) -> str:
    """The report as Markdown: summary, assumptions, the table, standards, sensitivity."""
    parts = ["# Round-on-round comparison", "", report.summary(), ""]
    parts += [f"Test: {report.method}."]
    if report.comparator_method:
        parts += [f"Against the comparator: {report.comparator_method}."]
    parts += [f"Rating bands on the {report.band_basis} percentage.", ""]
    if report.assumptions:
        parts += ["## Assumptions", "", *(f"- {a}" for a in report.assumptions), ""]
    parts += ["## Key questions", "", markdown_table(_reading_table(report)), ""]
    if len(report.standards):
        parts += ["## Standards", "", markdown_table(report.standards), ""]
        parts += [provider_text(report), ""]
    if report.sensitivity is not None:
        parts += ["## Sensitivity to the previous round's n", ""]
        parts += [markdown_table(report.sensitivity), ""]
    return "\n".join(parts)


def html_fragment(report: RoundComparison) -> str:
    """The report as an HTML fragment (what a notebook shows)."""

    def table(frame: pd.DataFrame) -> str:
        return display_frame(frame).to_html(index=False, escape=True, border=0)

    out = [f"<div><p><strong>RoundComparison</strong>: {html.escape(report.summary())}</p>"]
    out.append(f"<p>Test: {html.escape(report.method)}.</p>")
    if report.assumptions:
        items = "".join(f"<li>{html.escape(a)}</li>" for a in report.assumptions)
        out.append(f"<p>Assumptions:</p><ul>{items}</ul>")
    out.append(table(_reading_table(report)))
    if len(report.standards):
        out.append("<p>Standards (current round):</p>" + table(report.standards))
        out.append(f"<p>{html.escape(provider_text(report))}</p>")
    if report.sensitivity is not None:
        out.append("<p>Sensitivity to the previous round's n:</p>" + table(report.sensitivity))
    return "".join(out) + "</div>"


def _about(report: RoundComparison) -> pd.DataFrame:
    about = [("alpha", format_value(report.alpha)), ("test", report.method)]
    if report.comparator_method:
        about.append(("comparator test", report.comparator_method))
    about.append(("rating bands", f"{report.band_basis} percentage"))
    about.append(
        ("units", "_pct: percentage; _points: percentage points; _x, _n: cases; z, p: numbers")
    )
    about += [("assumption", a) for a in report.assumptions]
    about.append(("provider rating", provider_text(report)))
    return pd.DataFrame(about, columns=["item", "value"])


def _write_excel(report: RoundComparison, temp: Path) -> None:
    with pd.ExcelWriter(temp, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as book:
        report.table.to_excel(book, sheet_name="report", index=False)
        report.standards.to_excel(book, sheet_name="standards", index=False)
        if report.sensitivity is not None:
            report.sensitivity.to_excel(book, sheet_name="sensitivity", index=False)
        _about(report).to_excel(book, sheet_name="about", index=False)


def write(report: RoundComparison, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``report`` atomically; the suffix gives the format (see ``RoundComparison.write``)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise ParameterError(
            "report", f"path must end in {', '.join(SUFFIXES)}; got {str(target)!r}"
        )
    writers = {
        ".csv": lambda temp: report.table.to_csv(temp, index=False),
        ".xlsx": lambda temp: _write_excel(report, temp),
        ".md": lambda temp: temp.write_text(markdown(report) + "\n", encoding="utf-8"),
        ".html": lambda temp: temp.write_text(
            html_document("Round-on-round comparison", html_fragment(report)), encoding="utf-8"
        ),
    }
    return atomic_write(target, writers[suffix], overwrite=overwrite)
