"""The findings result: tables, sentences, text/Markdown/HTML, JSON, files, chart, comparison."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from inspection_core.errors import ParameterError
from inspection_core.files import XLSX_OPTIONS, atomic_write
from inspection_core.result import Result
from inspection_core.tables import format_pvalue, text_table

from .. import ProviderRating
from ..report.render import plain_records
from ._plot import FindingsChart, plot_key_questions

if TYPE_CHECKING:
    from .. import RoundComparison

__all__ = ["SUFFIXES", "CaseFindings"]

SUFFIXES = (".xlsx", ".md", ".html", ".csv")


def _cell(value: Any) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def _pct(value: float) -> str:
    return "" if value != value else f"{100 * value:.1f}"


def _markdown(frame: pd.DataFrame) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(str(c)) for c in frame.columns) + " |"]
    lines.append("|" + "---|" * len(frame.columns))
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(esc(_cell(v)) for v in row) + " |")
    return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class CaseFindings(Result):
    """Key-question findings from inspectors' case answers, joined to the draw.

    Attributes
    ----------
    key_questions : DataFrame
        One row per key question answered: ``key_question``, ``standard``, ``wording``,
        ``sub_sample`` (its rule), ``eligible`` (inspected cases in the sub-sample),
        ``answered`` (n: yes or no), ``yes`` (x), ``not_applicable``, ``unanswered`` (blank
        answers from eligible cases), ``pct`` (whole percentage, half up), ``proportion``,
        ``population_estimate`` (the sub-sample's eligible population, estimated from the
        design), ``margin_of_error`` (at p = 0.5 with the finite population correction),
        ``wilson_low``, ``wilson_high``, ``design_estimate``, ``design_se``, ``design_low``,
        ``design_high`` (logit interval), ``design_differs``, ``band``, ``interval_bands``
        (the bands the interval spans), ``one_case_changes_band``, ``one_case_bands``,
        ``near_boundary``, ``panel_options``, ``boundary_reasons`` and ``sentence``.
    subgroups : DataFrame
        One row per group, level and key question: ``answered``, ``yes``, ``pct``,
        ``population_estimate``, ``margin_of_error``, ``margin_above_5_points``.
    subgroup_tests : DataFrame
        The tests between groups: ``group1``, ``group2``, the counts, ``difference``,
        ``statistic``, ``pvalue``, ``significant``, ``test`` (named) and ``sentence``.
    standards : DataFrame
        Each standard's rating (lowest key question's band), the panel's options and reasons,
        and any supplied rating.
    provider : ProviderRating or None
        The provider rating when all ten standards have a rating.
    missing_standards : tuple of str
        Standards without a rating (the provider rating needs them).
    cases : DataFrame
        The inspected cases with their cell, weights and answers (the audit trail).
    confidence_level : float
        Level of every interval and margin.
    alpha : float
        Significance level of the sub-group tests.
    self_weighting : bool
        Whether every inspected case has the same design weight.
    statements : tuple of str
        What the figures rest on: the design, estimated populations, missing answers, cases
        substituted, the catalogue; one sentence each.
    """

    key_questions: pd.DataFrame
    subgroups: pd.DataFrame
    subgroup_tests: pd.DataFrame
    standards: pd.DataFrame
    provider: ProviderRating | None
    missing_standards: tuple[str, ...]
    cases: pd.DataFrame
    confidence_level: float
    alpha: float
    self_weighting: bool
    statements: tuple[str, ...]

    def summary(self) -> str:
        """Key questions, cases, significant sub-group differences, the provider rating."""
        kq = self.key_questions
        tests = self.subgroup_tests
        hits = int(tests["significant"].sum()) if len(tests) else 0
        text = (
            f"{len(kq)} key questions from {len(self.cases)} inspected cases at "
            f"{100 * self.confidence_level:g}% confidence; {int(kq['near_boundary'].sum())} near a "
            f"band edge; {hits} of {len(tests)} sub-group differences significant at "
            f"{self.alpha:g}."
        )
        if self.provider is not None:
            text += f" Provider rating: {self.provider.rating} (score {self.provider.score} of 30)."
        else:
            text += f" Provider rating needs ratings for {', '.join(self.missing_standards)}."
        return text

    def _key_rows(self) -> list[list[str]]:
        rows = []
        for r in self.key_questions.to_dict("records"):
            rows.append(
                [
                    r["key_question"], str(r["answered"]), str(r["yes"]), _cell(r["pct"]),
                    _pct(r["margin_of_error"]),
                    f"{_pct(r['wilson_low'])}-{_pct(r['wilson_high'])}",
                    _pct(r["design_estimate"]), _pct(r["design_se"]), r["band"],
                    r["interval_bands"], r["one_case_bands"],
                ]
            )  # fmt: skip
        return rows

    def __str__(self) -> str:
        header = ["kq", "n", "yes", "%", "margin", "interval", "design%", "SE", "band"]
        header += ["interval spans", "one case gives"]
        parts = [self.summary(), "", *(f"- {s}" for s in self.statements), ""]
        parts.append(text_table(header, self._key_rows()))
        parts += ["", "Key questions:"]
        for r in self.key_questions.to_dict("records"):
            parts.append(f"  {r['key_question']} {r['sentence']}")
        if len(self.subgroup_tests):
            parts += ["", "Sub-groups:"]
            parts += [
                f"  {r['key_question']} {r['sentence']}"
                for r in self.subgroup_tests.to_dict("records")
            ]
            wide = self.subgroups[self.subgroups["margin_above_5_points"]]
            parts.append(
                f"  {len(wide)} of {len(self.subgroups)} sub-group figures have a margin "
                "above 5 points."
            )
        if len(self.standards):
            parts += ["", "Standards:"]
            rows = [
                [s["standard"], s["rule_rating"], s["panel_options"], s["rating"], s["note"]]
                for s in self.standards.to_dict("records")
            ]
            parts.append(text_table(["standard", "rule", "panel may give", "rating", "note"], rows))
        return "\n".join(parts)

    def _reading_table(self) -> pd.DataFrame:
        t = self.key_questions
        return pd.DataFrame(
            {
                "key question": t["key_question"] + " " + t["wording"],
                "sub-sample": t["sub_sample"],
                "n": t["answered"],
                "yes": t["yes"],
                "%": t["pct"],
                "margin (points)": [_pct(v) for v in t["margin_of_error"]],
                "interval (%)": [
                    f"{_pct(a)}-{_pct(b)}"
                    for a, b in zip(t["wilson_low"], t["wilson_high"], strict=True)
                ],
                "design-based % (SE)": [
                    f"{_pct(e)} ({_pct(s)})"
                    for e, s in zip(t["design_estimate"], t["design_se"], strict=True)
                ],
                "band": t["band"],
                "interval spans": t["interval_bands"],
                "one case differently": t["one_case_bands"],
            }
        )

    def _subgroup_reading(self) -> pd.DataFrame:
        s = self.subgroups
        return pd.DataFrame(
            {
                "group": s["group"],
                "level": s["level"],
                "key question": s["key_question"],
                "n": s["answered"],
                "yes": s["yes"],
                "%": s["pct"],
                "margin (points)": [_pct(v) for v in s["margin_of_error"]],
                "above 5 points": s["margin_above_5_points"],
            }
        )

    def _test_reading(self) -> pd.DataFrame:
        t = self.subgroup_tests
        return pd.DataFrame(
            {
                "group": t["group"],
                "key question": t["key_question"],
                "comparison": t["group1"] + " vs " + t["group2"],
                "difference (points)": [f"{100 * d:+.1f}" for d in t["difference"]],
                "p": [format_pvalue(p) for p in t["pvalue"]],
                "significant": t["significant"],
                "test": t["test"],
            }
        )

    def to_markdown(self) -> str:
        """The findings as Markdown: statements, key questions, sentences, sub-groups, ratings."""
        parts = ["# Findings", "", self.summary(), "", "## How the figures were made", ""]
        parts += [f"- {s}" for s in self.statements] + [""]
        parts += ["## Key questions", "", _markdown(self._reading_table()), ""]
        parts += [
            f"- **{r['key_question']}** {r['sentence']}"
            for r in self.key_questions.to_dict("records")
        ]
        parts += [""]
        if len(self.subgroups):
            parts += ["## Sub-groups", "", _markdown(self._subgroup_reading()), ""]
            if len(self.subgroup_tests):
                parts += ["### Differences between groups", "", _markdown(self._test_reading()), ""]
                parts += [
                    f"- **{r['key_question']}** {r['sentence']}"
                    for r in self.subgroup_tests.to_dict("records")
                ]
                parts += [""]
        parts += ["## Standards", "", _markdown(self.standards), "", self._provider_text(), ""]
        return "\n".join(parts)

    def _provider_text(self) -> str:
        if self.provider is not None:
            return f"Provider rating: {self.provider.summary()}"
        return (
            "Provider rating: needs all ten standard ratings; supply "
            f"{', '.join(self.missing_standards)} (standard_ratings=)."
        )

    def _repr_html_(self) -> str:
        def table(frame: pd.DataFrame) -> str:
            shown = frame.astype(object).map(_cell)
            return shown.to_html(index=False, escape=True, border=0)

        out = [f"<div><p><strong>CaseFindings</strong>: {html.escape(self.summary())}</p>"]
        out.append(
            "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in self.statements) + "</ul>"
        )
        out.append(table(self._reading_table()))
        items = "".join(
            f"<li><b>{html.escape(r['key_question'])}</b> {html.escape(r['sentence'])}</li>"
            for r in self.key_questions.to_dict("records")
        )
        out.append(f"<ul>{items}</ul>")
        if len(self.subgroup_tests):
            out.append("<p>Differences between groups:</p>" + table(self._test_reading()))
        if len(self.standards):
            out.append("<p>Standards:</p>" + table(self.standards))
        out.append(f"<p>{html.escape(self._provider_text())}</p>")
        return "".join(out) + "</div>"

    def to_dict(self) -> dict[str, Any]:
        """The findings as plain Python values (missing values as None), for ``json.dumps``."""
        return {
            "confidence_level": self.confidence_level,
            "alpha": self.alpha,
            "self_weighting": self.self_weighting,
            "statements": list(self.statements),
            "key_questions": plain_records(self.key_questions),
            "subgroups": plain_records(self.subgroups),
            "subgroup_tests": plain_records(self.subgroup_tests),
            "standards": plain_records(self.standards),
            "provider": None if self.provider is None else self.provider.to_dict(),
            "missing_standards": list(self.missing_standards),
            "cases": len(self.cases),
        }

    def plot(self, *, title: str | None = None) -> FindingsChart:
        """Chart of the key questions with their intervals over the rating bands."""
        return plot_key_questions(
            self.key_questions, confidence_level=self.confidence_level, title=title
        )

    def comparison_table(self, previous: Any) -> pd.DataFrame:
        """The table :func:`significance.compare_rounds` reads: these counts beside ``previous``.

        Parameters
        ----------
        previous : CaseFindings, DataFrame or path
            The previous round: its findings (counts), a findings workbook or CSV written by
            :meth:`write` (counts), or a table of published percentages (``key_question`` as
            an ID or the wording, ``previous_pct``, optionally ``previous_n`` and comparator
            columns such as ``all_crcs_pct``).
        """
        from ._compare import comparison_table

        return comparison_table(self.key_questions, previous)[0]

    def compare(
        self, previous: Any, *, previous_n: int | None = None, **options: Any
    ) -> RoundComparison:
        """The round-on-round comparison report with these findings as the current round.

        ``previous`` is as for :meth:`comparison_table`; ``previous_n`` and ``options`` go to
        :func:`significance.compare_rounds` (``alpha`` and the supplied ``standard_ratings``
        default to this result's).
        """
        import significance

        table = self.comparison_table(previous)
        if "previous_x" not in table and "previous_n" not in table and previous_n is None:
            raise ParameterError(
                "previous_n",
                "is needed: the previous round gives percentages without case counts; assume "
                "one (e.g. 100) and the report shows how the calls depend on it",
            )
        options.setdefault("alpha", self.alpha)
        supplied = self.standards[self.standards["supplied_rating"] != ""]
        if len(supplied):
            options.setdefault(
                "standard_ratings",
                dict(zip(supplied["standard"], supplied["supplied_rating"], strict=True)),
            )
        return significance.compare_rounds(table, previous_n=previous_n, **options)

    def write(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the findings; the format follows the suffix (.xlsx, .md, .html or .csv).

        The workbook has sheets ``key_questions``, ``subgroups``, ``subgroup_tests``,
        ``standards``, ``cases`` and ``about``; CSV holds the key-question table. The file is
        written under a temporary name and renamed, so a failure leaves nothing behind.

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
            raise ParameterError("out", f"must end in {', '.join(SUFFIXES)}; got {str(target)!r}")

        def write(temp: Path) -> None:
            if suffix == ".csv":
                self.key_questions.to_csv(temp, index=False)
            elif suffix == ".xlsx":
                with pd.ExcelWriter(
                    temp, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}
                ) as book:
                    self.key_questions.to_excel(book, sheet_name="key_questions", index=False)
                    self.subgroups.to_excel(book, sheet_name="subgroups", index=False)
                    self.subgroup_tests.to_excel(book, sheet_name="subgroup_tests", index=False)
                    self.standards.to_excel(book, sheet_name="standards", index=False)
                    self.cases.to_excel(book, sheet_name="cases", index=False)
                    about = [("summary", self.summary()), ("provider", self._provider_text())]
                    about += [("statement", s) for s in self.statements]
                    pd.DataFrame(about, columns=["item", "value"]).to_excel(
                        book, sheet_name="about", index=False
                    )
            elif suffix == ".md":
                temp.write_text(self.to_markdown() + "\n", encoding="utf-8")
            else:
                body = self._repr_html_()
                page = (
                    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
                    "<title>Findings</title><style>body{font-family:sans-serif;margin:2em}"
                    "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;"
                    "padding:4px 8px;font-size:90%}</style></head>\n"
                    f"<body>\n{body}\n</body></html>\n"
                )
                temp.write_text(page, encoding="utf-8")

        return atomic_write(target, write, overwrite=overwrite)
