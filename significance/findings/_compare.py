"""Findings into the comparison report: the current round's counts beside the previous round.

The table built here is in :func:`significance.compare_rounds`' documented format: ``standard``,
``key_question`` (the wording), ``current_x`` and ``current_n`` from the findings' counts (so no
count is recovered from a percentage), and the previous round as counts (``previous_x``,
``previous_n``: from a previous findings result or file) or as published percentages
(``previous_pct``, with ``previous_n`` when known). A comparator's columns (``comparator_pct``,
``comparator_n``, ``comparator_x``, or ``all_crcs_pct``) in the previous table are passed on.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError

from .._table_files import read_table_file

__all__ = ["comparison_table"]

PASS_ON = ("comparator_pct", "comparator_n", "comparator_x", "all_crcs_pct")


def _key(text: Any) -> str:
    return " ".join(str(text).split()).lower()


def _read_previous(previous: Any) -> pd.DataFrame:
    key_questions = getattr(previous, "key_questions", None)
    if isinstance(key_questions, pd.DataFrame):  # a previous round's findings
        return key_questions.copy()
    if isinstance(previous, pd.DataFrame):
        return previous.copy()
    return read_table_file(previous, parameter="previous", prefer_sheet="key_questions")


def comparison_table(current: pd.DataFrame, previous: Any) -> tuple[pd.DataFrame, list[str]]:
    """The ``compare_rounds`` input for the matched key questions, and notes on the rest.

    ``current`` is a findings key-question table. Previous rows are matched by key-question ID
    first, then by wording (ignoring case and spacing).
    """
    prev = _read_previous(previous)
    prev.columns = [str(c).strip().lower() for c in prev.columns]
    if "key_question" not in prev.columns and "wording" not in prev.columns:
        raise ParameterError(
            "previous",
            "must have a key_question column (an ID such as 2.1.1 or the wording); it has "
            f"{', '.join(prev.columns)}",
        )
    if {"yes", "answered"} <= set(prev.columns):
        prev = prev.rename(columns={"yes": "previous_x", "answered": "previous_n"})
    elif not ({"previous_x", "previous_n"} <= set(prev.columns) or "previous_pct" in prev.columns):
        raise ParameterError(
            "previous",
            "must give each key question's counts (yes and answered, or previous_x and "
            "previous_n) or its published percentage (previous_pct)",
        )
    lookup: dict[str, int] = {}
    for i, row in enumerate(prev.to_dict("records")):
        for column in ("key_question", "wording"):
            if column in row and str(row[column]).strip():
                lookup.setdefault(_key(row[column]), i)
    keep = [c for c in ("previous_x", "previous_n", "previous_pct", *PASS_ON) if c in prev]
    rows, unmatched = [], []
    for r in current.to_dict("records"):
        if r["answered"] == 0:
            continue
        found = lookup.get(_key(r["key_question"]), lookup.get(_key(r["wording"])))
        if found is None:
            unmatched.append(str(r["key_question"]))
            continue
        row = {
            "standard": r["standard"],
            "key_question": r["wording"],
            "current_x": int(r["yes"]),
            "current_n": int(r["answered"]),
        }
        row.update({c: prev.iloc[found][c] for c in keep})
        rows.append(row)
    if not rows:
        raise ParameterError(
            "previous", "has no key question that matches the findings (by ID or wording)"
        )
    notes = []
    if unmatched:
        notes.append(f"no previous figure for {', '.join(unmatched)}: left out of the comparison")
    return pd.DataFrame(rows), notes
