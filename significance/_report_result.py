"""The comparison report's result object: text, Markdown, HTML, JSON and files."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from inspection_core.checks import format_value
from inspection_core.errors import ParameterError
from inspection_core.result import Result
from inspection_core.tables import format_pvalue

from ._ratings import ProviderRating
from ._report_output import (
    atomic_write,
    display_frame,
    html_document,
    markdown_table,
    plain_records,
    text_table,
)
from ._report_sentences import pct_text

__all__ = ["SUFFIXES", "RoundComparison"]

SUFFIXES = (".csv", ".xlsx", ".md", ".html")


@dataclass(frozen=True, eq=False)
class RoundComparison(Result):
    """The round-on-round comparison report.

    Attributes
    ----------
    table : DataFrame
        One row per key question (columns listed in :func:`compare_rounds`).
    alpha : float
        Significance level of every call.
    method : str
        The change test in words (from :func:`ztest`).
    comparator_method : str or None
        The test against the comparator in words, or None without a comparator.
    band_basis : str
        ``"published"`` (bands of the whole percentage rounded half up) or ``"unrounded"``.
    assumptions : tuple of str
        What was assumed (an n not in the table, a fixed comparator rate, counts recovered from
        percentages), one sentence each.
    standards : DataFrame
        Each standard's rating from its current key questions (see :func:`rate_standards`).
    provider : ProviderRating or None
        The provider rating when all ten standards have a rating, else None.
    provider_score_range : tuple of int or None
        Lowest and highest provider score the panel's options allow, when all ten are rated.
    sensitivity : DataFrame or None
        When the previous n was assumed: for which previous n each change would be significant
        (see :func:`sensitivity_to_previous_n`).
    """

    table: pd.DataFrame
    alpha: float
    method: str
    comparator_method: str | None
    band_basis: str
    assumptions: tuple[str, ...]
    standards: pd.DataFrame
    provider: ProviderRating | None
    provider_score_range: tuple[int, int] | None
    sensitivity: pd.DataFrame | None

    def summary(self) -> str:
        """The calls in two or three sentences."""
        t = self.table
        hits = t[t["significant"]]
        listed = "; ".join(
            f"{r['standard'].split()[0] if r['standard'] else 'row ' + str(i + 1)} "
            f"{pct_text(r['previous_pct'])} to {pct_text(r['current_pct'])}"
            for i, r in zip(hits.index, hits.to_dict("records"), strict=True)
        )
        word = "change" if len(hits) == 1 else "changes"
        text = (
            f"{len(t)} key questions compared at alpha = {self.alpha:g}: {len(hits)} significant "
            f"{word}{f' ({listed})' if listed else ''}, {len(t) - len(hits)} within what chance "
            "could produce."
        )
        if self.comparator_method is not None:
            tested = int(t["comparator_pvalue"].notna().sum())
            diff = int(t["comparator_significant"].fillna(False).astype(bool).sum())
            text += f" Against the comparator: {diff} of {tested} significant differences."
        near = int(t["near_boundary"].sum())
        text += f" {near} current results are near a band edge."
        if self.provider is not None:
            text += f" Provider rating: {self.provider.rating} (score {self.provider.score} of 30)."
        return text

    def _key_rows(self) -> list[list[str]]:
        rows = []
        for i, r in enumerate(self.table.to_dict("records")):
            comparator = ["", "", ""]
            if not math.isnan(r["comparator_pvalue"]):
                comparator = [
                    format_value(r["comparator_pct"]),
                    format_pvalue(r["comparator_pvalue"]),
                    "yes" if r["comparator_significant"] else "",
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
                    "yes" if r["significant"] else "",
                    format_pvalue(r["pvalue_holm"]),
                    format_pvalue(r["pvalue_bh"]),
                    *comparator,
                    r["current_band"],
                    "yes" if r["near_boundary"] else "",
                ]
            )
        return rows

    def __str__(self) -> str:
        header = ["#", "std", "prev%", "cur%", "change", "z", "p", "sig", "p_holm", "p_bh"]
        header += ["comp%", "p_comp", "sig_comp", "band", "near_edge"]
        parts = [self.summary(), ""]
        if self.assumptions:
            parts += ["Assumptions:", *(f"  - {a}" for a in self.assumptions), ""]
        parts += [text_table(header, self._key_rows())]
        if self.table["previous_n_assumed"].any():
            parts.append("  * previous n assumed")
        parts += ["", "Key questions:"]
        for i, r in enumerate(self.table.to_dict("records")):
            parts.append(f"  {i + 1}. {r['key_question']}")
            parts.append(f"     {r['sentence']}")
            if r["notes"]:
                parts.append(f"     Notes: {r['notes']}")
        if len(self.standards):
            parts += ["", "Standards (current round):"]
            rows = [
                [s["standard"], s["rule_rating"], s["panel_options"], s["rating"], s["note"]]
                for s in self.standards.to_dict("records")
            ]
            parts.append(text_table(["standard", "rule", "panel may give", "rating", "note"], rows))
            parts.append(self._provider_text())
        if self.sensitivity is not None:
            parts += ["", "Sensitivity to the unknown previous n:"]
            for s in self.sensitivity.to_dict("records"):
                parts.append(f"  {s['row']}. {s['finding']}")
        return "\n".join(parts)

    def _provider_text(self) -> str:
        if self.provider is None:
            have = int((self.standards["rating"] != "").sum())
            return (
                f"Provider rating: needs all ten standard ratings; {have} known "
                "(supply the others with standard_ratings=)."
            )
        text = f"Provider rating: {self.provider.summary()}"
        if (
            self.provider_score_range
            and self.provider_score_range[0] != self.provider_score_range[1]
        ):
            lo, hi = self.provider_score_range
            text += f" The panel's options allow scores {lo} to {hi}."
        return text

    def _reading_table(self) -> pd.DataFrame:
        t = self.table.copy()
        for rnd in ("previous", "current"):
            assumed = t["previous_n_assumed"] if rnd == "previous" else [False] * len(t)
            t[rnd] = [
                f"{x}/{n}" + (" (n assumed)" if a else "")
                for x, n, a in zip(t[f"{rnd}_x"], t[f"{rnd}_n"], assumed, strict=True)
            ]
        keep = ["standard", "key_question", "previous_pct", "current_pct", "previous", "current"]
        keep += ["change_points", "z", "pvalue", "significant", "pvalue_holm", "pvalue_bh"]
        if self.comparator_method is not None:
            keep += ["comparator_pct", "comparator_z", "comparator_pvalue"]
            keep += ["comparator_significant"]
        keep += ["previous_band", "current_band", "near_boundary", "sentence", "notes"]
        return t[keep]

    def to_markdown(self) -> str:
        """The report as Markdown: summary, assumptions, the table, standards, sensitivity."""
        parts = ["# Round-on-round comparison", "", self.summary(), ""]
        parts += [f"Test: {self.method}."]
        if self.comparator_method:
            parts += [f"Against the comparator: {self.comparator_method}."]
        parts += [f"Rating bands on the {self.band_basis} percentage.", ""]
        if self.assumptions:
            parts += ["## Assumptions", "", *(f"- {a}" for a in self.assumptions), ""]
        parts += ["## Key questions", "", markdown_table(self._reading_table()), ""]
        if len(self.standards):
            parts += ["## Standards", "", markdown_table(self.standards), ""]
            parts += [self._provider_text(), ""]
        if self.sensitivity is not None:
            parts += ["## Sensitivity to the previous round's n", ""]
            parts += [markdown_table(self.sensitivity), ""]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        def table(frame: pd.DataFrame) -> str:
            return display_frame(frame).to_html(index=False, escape=True, border=0)

        out = [f"<div><p><strong>RoundComparison</strong>: {html.escape(self.summary())}</p>"]
        out.append(f"<p>Test: {html.escape(self.method)}.</p>")
        if self.assumptions:
            items = "".join(f"<li>{html.escape(a)}</li>" for a in self.assumptions)
            out.append(f"<p>Assumptions:</p><ul>{items}</ul>")
        out.append(table(self._reading_table()))
        if len(self.standards):
            out.append("<p>Standards (current round):</p>" + table(self.standards))
            out.append(f"<p>{html.escape(self._provider_text())}</p>")
        if self.sensitivity is not None:
            out.append("<p>Sensitivity to the previous round's n:</p>" + table(self.sensitivity))
        return "".join(out) + "</div>"

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python values (missing values as None), ready for ``json.dumps``."""
        return {
            "alpha": self.alpha,
            "method": self.method,
            "comparator_method": self.comparator_method,
            "band_basis": self.band_basis,
            "assumptions": list(self.assumptions),
            "table": plain_records(self.table),
            "standards": plain_records(self.standards),
            "provider": None if self.provider is None else self.provider.to_dict(),
            "provider_score_range": (
                None if self.provider_score_range is None else list(self.provider_score_range)
            ),
            "sensitivity": plain_records(self.sensitivity),
        }

    def write(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the report; the format follows the suffix (.csv, .xlsx, .md or .html).

        CSV holds the key-question table with full-precision values; Excel adds sheets for the
        standards, the sensitivity view and the assumptions; Markdown and HTML hold everything,
        formatted for reading. The file is written to a temporary name and renamed, so a failure
        leaves nothing behind.

        Raises
        ------
        ValueError
            An unknown suffix or a missing folder.
        FileExistsError
            The file exists and ``overwrite`` is False.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in SUFFIXES:
            raise ParameterError(
                "report", f"path must end in {', '.join(SUFFIXES)}; got {str(target)!r}"
            )

        def write(temp: Path) -> None:
            if suffix == ".csv":
                self.table.to_csv(temp, index=False)
            elif suffix == ".xlsx":
                with pd.ExcelWriter(temp, engine="openpyxl") as book:
                    self.table.to_excel(book, sheet_name="report", index=False)
                    self.standards.to_excel(book, sheet_name="standards", index=False)
                    if self.sensitivity is not None:
                        self.sensitivity.to_excel(book, sheet_name="sensitivity", index=False)
                    about = [("alpha", format_value(self.alpha)), ("test", self.method)]
                    if self.comparator_method:
                        about.append(("comparator test", self.comparator_method))
                    about.append(("rating bands", f"{self.band_basis} percentage"))
                    about += [("assumption", a) for a in self.assumptions]
                    about.append(("provider rating", self._provider_text()))
                    frame = pd.DataFrame(about, columns=["item", "value"])
                    frame.to_excel(book, sheet_name="about", index=False)
            elif suffix == ".md":
                temp.write_text(self.to_markdown() + "\n", encoding="utf-8")
            else:
                page = html_document("Round-on-round comparison", self._repr_html_())
                temp.write_text(page, encoding="utf-8")

        return atomic_write(target, write, overwrite=overwrite)
