"""Page 3, Test a change: one key question between two rounds, or a whole table of them.

One question: :func:`significance.ztest` (from counts, or from published percentages turned into
counts by :func:`significance.counts_from_percentage`, as the command line does), the call in the
report's words from :func:`significance.compare_rounds` on a one-row table (which also tests the
comparator and bands the result), :func:`significance.power` and
:func:`significance.minimum_detectable_difference`. A table: :func:`significance.compare_rounds`,
:func:`significance.plot_comparison` and the report's own workbook.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import partial
from importlib.resources import files
from typing import Any

import streamlit as st

import significance
from significance import (
    ZTestResult,
    compare_rounds,
    counts_from_percentage,
    minimum_detectable_difference,
    plot_comparison,
    power,
    ztest,
)

from ._ui import VERSION, attempt, png, scratch, session_folder, staged

__all__ = ["explanation", "render"]

LABELS = {
    "x1": "Met (this round)",
    "n1": "Cases (this round)",
    "x2": "Met (previous round)",
    "n2": "Cases (previous round)",
    "p1": "Rate (this round)",
    "p2": "Rate (previous round)",
    "alpha": "Significance level",
    "alternative": "Change tested",
    "baseline": "Previous round's rate",
    "previous_n": "Previous round's cases (assumed)",
    "comparator_n": "Aggregate's cases",
}
ALTERNATIVES = {
    "two-sided": "Any change (two-sided)",
    "greater": "A rise only (one-sided)",
    "less": "A fall only (one-sided)",
}
COMPARATORS = ("None", "All-provider aggregate: percentage", "All-provider aggregate: with cases")
EXAMPLE_TABLE = "thames_valley_2019_key_questions.csv"
# Counts are bounded in the form: a round of more cases is a typing slip, and the small-count
# check of ztest takes Fisher's exact test, which is slow for counts of billions.
MAX_CASES = 10_000_000
SHOWN_DPI = 100  # the chart in the page; the download is at the library's 150 dpi
# Columns of the report shown in the page (the workbook has them all).
SHOWN = [
    "standard",
    "key_question",
    "previous_pct",
    "current_pct",
    "change_points",
    "pvalue",
    "significant",
    "comparator_pct",
    "comparator_pvalue",
    "comparator_significant",
    "current_band",
    "near_boundary",
    "sentence",
]


def explanation(result: ZTestResult) -> str:
    """The z-test's answer in plain words, with its own numbers.

    Examples
    --------
    >>> print(explanation(ztest(74, 100, 65, 100)))
    If practice had not changed, two samples of this size would still differ by 9.0 points or more about 17 times in 100 (p = 0.1669), because cases vary. The method calls a change significant only when that chance is below 10 in 100 (alpha = 0.1), so this change is not called significant. The 90% interval, -1.7 to +19.4 points, is the range of true changes these results are consistent with.
    """  # noqa: E501 - a doctest line cannot wrap
    low, high = (100 * bound for bound in result.confidence_interval())  # in points
    change = 100 * result.difference  # the result's difference is a proportion
    side = {
        "two-sided": f"differ by {abs(change):.1f} points or more",
        "greater": f"show a rise of {change:.1f} points or more",
        "less": f"show a fall of {-change:.1f} points or more",
    }[result.alternative]
    verdict = "is called significant" if result.significant else "is not called significant"
    chance = round(100 * result.pvalue)
    times = "less than once in 100" if chance < 1 else f"about {chance} times in 100"
    return (
        f"If practice had not changed, two samples of this size would still {side} {times} "
        f"(p = {result.pvalue:.4g}), because cases vary. The method calls a change significant "
        f"only when that chance is below {100 * result.alpha:g} in 100 (alpha = "
        f"{result.alpha:g}), so this change {verdict}. The "
        f"{100 * result.confidence_level:g}% interval, {low:+.1f} to {high:+.1f} points, is the "
        "range of true changes these results are consistent with."
    )


def _round_inputs(column: Any, which: str, kind: str, x: int, n: int) -> dict[str, Any]:
    g = "1" if which == "this round" else "2"
    with column:
        st.markdown(f"**{which.capitalize()}**")
        if kind == "Counts":
            count = st.number_input(
                LABELS[f"x{g}"], value=x, step=1, max_value=MAX_CASES, key=f"change_x{g}"
            )
            pct = None
        else:
            pct = st.number_input(
                f"Published % ({which})",
                value=float(round(100 * x / n)),
                step=1.0,
                key=f"change_p{g}",
            )
            count = None
        cases = st.number_input(
            LABELS[f"n{g}"], value=n, step=1, max_value=MAX_CASES, key=f"change_n{g}"
        )
    return {"x": count, "pct": pct, "n": cases}


def _count(group: dict[str, Any], which: str) -> int | None:
    """The group's count: typed, or recovered from its published percentage."""
    if group["pct"] is None:
        return int(group["x"])
    found = attempt(
        lambda: counts_from_percentage(group["pct"], group["n"]),
        {"percentage": f"Published % ({which})", "n": f"Cases ({which})"},
    )
    return None if found is None else int(found.count)


def _one_question() -> None:
    kind = st.radio(
        "The results are", ["Counts", "Published percentages"], horizontal=True, key="change_kind"
    )
    question = st.text_input(
        "Key question", value="Does assessment engage the person?", key="change_question"
    )
    left, right = st.columns(2)
    current = _round_inputs(left, "this round", kind, 74, 100)
    previous = _round_inputs(right, "previous round", kind, 65, 100)
    a, b, c = st.columns(3)
    alpha = a.number_input(
        "Significance level (alpha)", value=0.1, step=0.01, format="%.3f", key="change_alpha"
    )
    alternative = b.selectbox(
        "Change tested",
        list(ALTERNATIVES),
        format_func=ALTERNATIVES.__getitem__,
        key="change_alternative",
    )
    comparator = c.selectbox("Compare this round with", COMPARATORS, key="change_comparator")
    comp_pct = comp_n = None
    includes = False
    if comparator != COMPARATORS[0]:
        d, e, f = st.columns(3)
        comp_pct = d.number_input("Aggregate's %", value=68.0, step=1.0, key="change_comp_pct")
        if comparator == COMPARATORS[2]:
            comp_n = e.number_input(LABELS["comparator_n"], value=1000, step=1, key="change_comp_n")
            includes = f.checkbox(
                "The aggregate includes this provider", value=True, key="change_comp_includes"
            )

    x1, x2 = _count(current, "this round"), _count(previous, "previous round")
    if x1 is None or x2 is None:
        return
    n1, n2 = current["n"], previous["n"]
    result = attempt(lambda: ztest(x1, n1, x2, n2, alpha=alpha, alternative=alternative), LABELS)
    if result is None:
        return
    if kind != "Counts":  # as the command line says it
        note = "; counts from published percentages (rounded half up)"
        result = dataclasses.replace(result, method=result.method + note)
    row: dict[str, list[Any]] = {"key_question": [question or "This key question"]}
    if kind == "Counts":
        row |= {"previous_x": [x2], "previous_n": [n2], "current_x": [x1], "current_n": [n1]}
    else:
        row |= {
            "previous_pct": [previous["pct"]],
            "previous_n": [n2],
            "current_pct": [current["pct"]],
            "current_n": [n1],
        }
    if comp_pct is not None:
        row["comparator_pct"] = [comp_pct]
    import pandas as pd

    report = attempt(
        lambda: compare_rounds(
            pd.DataFrame(row),
            alpha=alpha,
            alternative=alternative,
            comparator_n=comp_n,
            comparator_includes_provider=includes,
        ),
        LABELS,
    )
    _show_call(result, report, kind)


def _show_call(result: ZTestResult, report: Any, kind: str) -> None:
    st.subheader("The call")
    if report is not None:
        line = report.table.iloc[0]
        st.info(str(line["sentence"]))
    low, high = (100 * bound for bound in result.confidence_interval())  # in points
    a, b, c, d = st.columns(4)
    a.metric("Change", f"{100 * result.difference:+.1f} points")
    b.metric("z", f"{result.statistic:.3f}")
    c.metric("p", f"{result.pvalue:.4f}")
    d.metric(f"{100 * result.confidence_level:g}% interval", f"{low:+.1f} to {high:+.1f}")
    st.write(explanation(result))
    if kind != "Counts":
        st.caption(
            f"Counts from the published percentages (rounded half up): {result.x1} of "
            f"{result.n1} and {result.x2} of {result.n2}."
        )
    if report is not None:
        line = report.table.iloc[0]
        band = f"This round's result is in the band {line['current_band']}"
        if line["near_boundary"]:
            band += f"; near a band edge: {line['boundary_reasons']}"
        st.write(band + ".")
        if report.comparator_method:
            st.caption(f"Against the aggregate: {report.comparator_method}.")
        for note in report.assumptions:
            st.caption(note)
    st.subheader("Could this many cases show a change?")
    shown_power = attempt(
        lambda: power(
            result.n1,
            result.n2,
            result.p1,
            result.p2,
            alpha=result.alpha,
            alternative=result.alternative,
        ),
        LABELS,
    )
    if shown_power is not None:
        st.write(
            f"Power {float(shown_power):.2f}: if the true rates were {100 * result.p2:.1f}% and "
            f"{100 * result.p1:.1f}%, the test would call the change significant in about "
            f"{round(100 * float(shown_power))} of 100 inspections of this size."
        )
    directions = {
        "two-sided": ("increase", "decrease"),
        "greater": ("increase",),
        "less": ("decrease",),
    }[result.alternative]
    for direction in directions:
        found = attempt(
            partial(
                minimum_detectable_difference,
                result.n1,
                result.n2,
                result.p2,
                alpha=result.alpha,
                alternative=result.alternative,
                direction=direction,
            ),
            LABELS,
        )
        if found is not None:
            st.write(f"Smallest detectable {direction}: {found.summary()}")
    with st.expander("Every number (as `python -m significance ztest --json` prints it)"):
        interval = list(result.confidence_interval())  # the command line adds it too
        st.json(json.dumps({**result.to_dict(), "confidence_interval": interval}))
    st.subheader("Copy this record")
    record = [
        f"Test a change, inspection-toolkit {VERSION}",
        result.summary(),
        f"Method: {result.method}.",
    ]
    if report is not None:
        record.append(f"In the report's words: {report.table.iloc[0]['sentence']}")
    record.append("Python: significance.ztest; command line: python -m significance ztest.")
    st.code("\n".join(record), language=None)


def _whole_table() -> None:
    uploaded = st.file_uploader(
        "Key-question table (CSV or Excel workbook)", type=["csv", "xlsx"], key="change_table"
    )
    example = st.checkbox(
        "Use the Thames Valley 2019 table bundled with the toolkit",
        value=uploaded is None,
        key="change_use_example",
    )
    a, b, c = st.columns(3)
    assume = a.checkbox(
        "Assume the previous round's cases",
        value=True,
        key="change_assume",
        help="Published reports do not give the previous round's n.",
    )
    previous_n = a.number_input(
        LABELS["previous_n"], value=100, step=1, key="change_prev_n", disabled=not assume
    )
    alpha = b.number_input(
        "Significance level (alpha)", value=0.1, step=0.01, format="%.3f", key="change_table_alpha"
    )
    test = c.selectbox(
        "Test of each change", list(significance.ROUND_TESTS), key="change_table_test"
    )
    if example:
        name, data = EXAMPLE_TABLE, (files("significance") / "data" / EXAMPLE_TABLE).read_bytes()
    elif uploaded is not None:
        name, data = uploaded.name, uploaded.getvalue()
    else:
        st.write("Upload a table, or tick the bundled example.")
        return
    key = (hashlib.sha256(data).hexdigest(), name, alpha, assume, previous_n, test)
    state = st.session_state.setdefault("change_state", {})
    if state.get("key") != key or "report" not in state:  # made once per input

        def run() -> tuple[Any, Any, bytes]:
            with staged(name, data) as path:
                made = compare_rounds(
                    path, alpha=alpha, previous_n=previous_n if assume else None, test=test
                )
            figure = plot_comparison(made)
            return made, figure, png(figure, dpi=SHOWN_DPI)

        made = attempt(run, LABELS)
        if made is None:  # not kept: the message shows again on the next run
            state.pop("key", None)
            state.pop("report", None)
            return
        state["key"], state["report"] = key, made
    report, figure, chart = state["report"]
    folder = session_folder()

    def workbook() -> bytes:  # made when the button is clicked
        with scratch(folder) as out:
            return bytes(report.write(out / "comparison.xlsx").read_bytes())

    st.subheader("The report")
    st.write(report.summary())
    for note in report.assumptions:
        st.caption(note)
    st.dataframe(report.table[SHOWN], hide_index=True)
    st.image(chart)
    st.markdown("**Standards**")
    st.dataframe(report.standards, hide_index=True)
    if report.sensitivity is not None:
        st.markdown("**How the calls depend on the assumed previous n**")
        st.dataframe(report.sensitivity, hide_index=True)
    st.download_button(
        "Download the report workbook (.xlsx)",
        workbook,
        file_name="comparison.xlsx",
        key="change_download_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.download_button(
        "Download the chart (.png)",
        lambda: png(figure),
        file_name="comparison.png",
        mime="image/png",
        key="change_download_png",
    )


def render() -> None:
    """Draw the page."""
    st.title("Test a change")
    st.write(
        "Is a change between two rounds more than chance? The published method's two-sample "
        "z-test (pooled standard error, two-sided, alpha 0.1) calls a change significant only "
        "when it passes."
    )
    mode = st.radio(
        "Test", ["One key question", "A table of key questions"], horizontal=True, key="change_mode"
    )
    if mode == "One key question":
        _one_question()
    else:
        _whole_table()
