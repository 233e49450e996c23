"""Inspectors' case answers: read, check against the draw and the catalogue, join by case ID.

A results table has one row per inspected case and one column per key question (wide), or one
row per case and key question with ``key_question`` and ``answer`` columns (long). Answers are
read in the spellings inspectors use, case-insensitively and ignoring spaces around them:
``Yes``/``Y``, ``No``/``N``, ``N/A``/``NA``/``not applicable`` and blank. Every other column is a
case attribute (an officer grade, a RoSH level judged at inspection) that sub-groups and
sub-sample rules can use. Row numbers in messages are spreadsheet rows (the header is row 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError

from .._table_files import read_table_file
from ._catalogue import ID_PATTERN, Catalogue
from ._draw import DrawDesign

__all__ = ["YES_NO", "CaseAnswers", "check_answers", "prepare_answers", "read_results"]

YES = frozenset({"yes", "y"})
NO = frozenset({"no", "n"})
NOT_APPLICABLE = frozenset({"n/a", "na", "not applicable", "n.a."})
YES_NO = "Yes/Y, No/N, N/A/NA/not applicable or blank"
_SHOW = 20  # listed items per problem before "and N more"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOW])
    return shown + (f" and {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def read_results(source: Any, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a results table (CSV, Excel or Parquet, or a DataFrame) with every cell as text."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        frame = read_table_file(source, parameter="results", text=True, sheet=sheet)
    frame.columns = [str(c).strip() for c in frame.columns]
    text: pd.DataFrame = frame.apply(
        lambda col: col.map(lambda v: "" if v is None or v != v else str(v).strip())
    )
    return text


def _answer_code(text: str) -> str | None:
    key = " ".join(text.split()).lower()
    if key in YES:
        return "yes"
    if key in NO:
        return "no"
    if key in NOT_APPLICABLE:
        return "n/a"
    if key == "":
        return ""
    return None


@dataclass(frozen=True)
class CaseAnswers:
    """Checked answers joined to the draw (internal).

    Attributes
    ----------
    cases : DataFrame
        One row per inspected case: the draw's columns (``cell``, ``cell_population``,
        ``inclusion_probability``, ``design_weight``, ``role``) and the results' attributes.
    answers : DataFrame
        Same rows, one column per key question: ``"yes"``, ``"no"``, ``"n/a"`` or ``""``.
    eligible : DataFrame
        Same shape: whether the case is in the key question's sub-sample.
    key_questions : tuple of str
        The key questions answered, in catalogue order.
    not_in_results : tuple of str
        Catalogue key questions the results do not have.
    missing_cases : tuple of str
        Sampled cases with no row in the results.
    substitutes : tuple of str
        Reserve cases in the results (substitutes for sampled cases).
    attributes : tuple of str
        The results' columns that are case attributes.
    """

    cases: pd.DataFrame
    answers: pd.DataFrame
    eligible: pd.DataFrame
    key_questions: tuple[str, ...]
    not_in_results: tuple[str, ...]
    missing_cases: tuple[str, ...]
    substitutes: tuple[str, ...]
    attributes: tuple[str, ...]


def _find(frame: pd.DataFrame, name: str) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    return lower.get(name.lower())


def _to_wide(
    raw: pd.DataFrame, id_col: str, problems: list[str]
) -> tuple[pd.DataFrame, dict[str, int], list[str]]:
    """Wide answers (one row per case), the spreadsheet row of each case, and the KQ columns."""
    kq_col, ans_col = _find(raw, "key_question"), _find(raw, "answer")
    if kq_col is None or ans_col is None:
        rows = {case: i + 2 for i, case in enumerate(raw[id_col])}
        return raw, rows, []
    dup = raw.duplicated([id_col, kq_col], keep=False)
    if dup.any():
        listed = [
            f"row {i + 2} ({raw.loc[i, id_col]}, {raw.loc[i, kq_col]})" for i in raw.index[dup]
        ]
        problems.append(f"the same case and key question appear more than once: {_listed(listed)}")
        raw = raw[~raw.duplicated([id_col, kq_col], keep="first")]
    wide = raw.pivot_table(index=id_col, columns=kq_col, values=ans_col, aggfunc="first")
    wide = wide.fillna("")
    order = list(dict.fromkeys(raw[id_col]))
    wide = wide.reindex(order)
    others = [c for c in raw.columns if c not in (id_col, kq_col, ans_col)]
    attributes = raw.drop_duplicates(id_col).set_index(id_col)[others].reindex(order)
    wide = pd.concat([attributes, wide], axis=1).reset_index(names=id_col)
    first_row = {case: int(i) + 2 for i, case in reversed(list(enumerate(raw[id_col])))}
    return wide, first_row, list(dict.fromkeys(raw[kq_col]))


def _check(
    raw: pd.DataFrame, design: DrawDesign, catalogue: Catalogue
) -> tuple[list[str], CaseAnswers | None]:
    problems: list[str] = []
    id_col = _find(raw, design.id_column)
    if id_col is None:
        return [
            f"results have no {design.id_column!r} column (the draw's case ID); they have "
            f"{', '.join(raw.columns) or 'no columns'}"
        ], None
    raw = raw.rename(columns={id_col: design.id_column})
    id_col = design.id_column
    if raw.empty:
        return ["results have no rows"], None
    wide, row_of, long_kqs = _to_wide(raw, id_col, problems)
    known = set(catalogue.ids())
    if long_kqs:
        kq_columns = [k for k in long_kqs if k]
        unknown = [k for k in kq_columns if k not in known]
    else:
        kq_columns = [c for c in wide.columns if c in known or ID_PATTERN.match(c)]
        unknown = [c for c in kq_columns if c not in known]
    if unknown:
        problems.append(
            f"key questions in the results that are not in the catalogue: {_listed(unknown)}"
        )
    kq_columns = [k for k in catalogue.ids() if k in kq_columns]
    if not kq_columns and not unknown:
        problems.append(
            "results have no key-question columns (named by catalogue IDs such as "
            f"{catalogue.ids()[0]}) and no key_question/answer columns"
        )
    dup = wide[id_col].duplicated(keep=False)
    if dup.any():
        listed = sorted(set(wide.loc[dup, id_col]))
        problems.append(f"case IDs that appear in more than one row: {_listed(listed)}")
        wide = wide.drop_duplicates(id_col)
    blank_ids = wide[id_col] == ""
    if blank_ids.any():
        rows = [f"row {i + 2}" for i in wide.index[blank_ids]]
        problems.append(f"rows with no case ID: {_listed(rows)}")
        wide = wide[~blank_ids]
    draw = design.cases.drop_duplicates(design.id_column).set_index(design.id_column)
    unknown_ids = [c for c in wide[id_col] if c not in draw.index]
    if unknown_ids:
        listed = [f"{c} (row {row_of.get(c, '?')})" for c in unknown_ids]
        problems.append(f"case IDs not in the sample or its reserves: {_listed(listed)}")
    bad: list[str] = []
    codes = pd.DataFrame(index=wide.index)
    for kq in kq_columns:
        column = wide[kq] if kq in wide.columns else pd.Series("", index=wide.index)
        mapped = column.map(_answer_code)
        for i in wide.index[mapped.isna()]:
            case = wide.loc[i, id_col]
            bad.append(f"row {row_of.get(case, i + 2)} ({case}, {kq}) {column[i]!r}")
        codes[kq] = mapped.fillna("")
    if bad:
        problems.append(f"answers outside the accepted spellings ({YES_NO}): {_listed(bad)}")
    attributes = [
        c for c in wide.columns if c != id_col and c not in kq_columns and c not in unknown
    ]
    inspected = wide[wide[id_col].isin(draw.index)].reset_index(drop=True)
    codes = codes.loc[wide[id_col].isin(draw.index).to_numpy()].reset_index(drop=True)
    joined = draw.loc[inspected[id_col]].reset_index()
    for col in attributes:
        if col in joined.columns:
            joined[f"{col} (results)"] = inspected[col].to_numpy()
        else:
            joined[col] = inspected[col].to_numpy()
    eligible = pd.DataFrame(index=joined.index)
    excluded: list[str] = []
    for kq in kq_columns:
        rule = catalogue.rules[kq]
        if rule.kind == "all" or rule.column is None:
            eligible[kq] = True
            continue
        source = _find(inspected, rule.column)
        values = inspected[source] if source is not None else None
        if values is None:
            found = _find(joined, rule.column)
            values = joined[found] if found is not None else None
        if values is None:
            problems.append(
                f"the sub-sample rule of {kq} ({rule.text}) uses the column {rule.column!r}, "
                "which neither the results nor the sample has"
            )
            eligible[kq] = True
            continue
        eligible[kq] = [rule.applies(v) for v in values]
        answered = codes[kq].isin(["yes", "no"]) & ~eligible[kq]
        for i in joined.index[answered]:
            case = joined.loc[i, design.id_column]
            excluded.append(
                f"row {row_of.get(case, '?')} ({case}, {kq}) {codes.loc[i, kq]!r} "
                f"with {rule.column} = {values.iloc[i]!r}"
            )
    if excluded:
        problems.append(
            f"answers from cases their key question's sub-sample rule excludes: {_listed(excluded)}"
        )
    if problems:
        return problems, None
    sampled = design.cases.loc[design.cases["role"] == "sample", design.id_column]
    present = set(joined[design.id_column])
    result = CaseAnswers(
        cases=joined,
        answers=codes,
        eligible=eligible,
        key_questions=tuple(kq_columns),
        not_in_results=tuple(k for k in catalogue.ids() if k not in kq_columns),
        missing_cases=tuple(c for c in sampled if c not in present),
        substitutes=tuple(joined.loc[joined["role"] == "reserve", design.id_column]),
        attributes=tuple(attributes),
    )
    return [], result


def check_answers(raw: pd.DataFrame, design: DrawDesign, catalogue: Catalogue) -> list[str]:
    """Every problem with a results table, one sentence each (empty when it can be used)."""
    return _check(raw, design, catalogue)[0]


def prepare_answers(raw: pd.DataFrame, design: DrawDesign, catalogue: Catalogue) -> CaseAnswers:
    """The checked answers; raises one error that lists every problem."""
    problems, result = _check(raw, design, catalogue)
    if problems or result is None:
        raise ParameterError("results", "cannot be used: " + "; ".join(problems), sentence=False)
    return result
