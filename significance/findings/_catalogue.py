"""The key-question catalogue: each question's ID, standard, wording and sub-sample rule.

The package ships the case-supervision and Through the Gate key questions of the CRC inspection
framework of the 2018-2019 reports (``data/crc_key_questions.csv``); a user's own CSV or Excel
file with the same columns replaces it. A sub-sample rule is one of:

* ``all cases`` (or blank): every inspected case answers the question;
* ``exclude <column> = <value>[, <value> ...]``: cases with one of these values do not (the
  "keeping other people safe" questions: ``exclude risk = low``);
* ``only <column> = <value>[, <value> ...]``: only cases with one of these values do.

The column is looked for in the results first (a judgement recorded by the inspector) and then
in the sample (the case list's value); values compare case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError

from .._table_files import read_table_file

__all__ = ["Catalogue", "SubSampleRule", "read_catalogue"]

COLUMNS = ("key_question", "standard", "wording", "sub_sample")
_RULE = re.compile(r"^\s*(exclude|only)\s+(.+?)\s*=\s*(.+?)\s*$", re.IGNORECASE)
ID_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class SubSampleRule:
    """Which cases a key question applies to (see the module notes for the text form)."""

    text: str
    kind: str  # "all", "exclude" or "only"
    column: str | None = None
    values: tuple[str, ...] = ()

    def applies(self, value: Any) -> bool:
        """Whether a case with ``value`` in the rule's column is in the sub-sample."""
        if self.kind == "all":
            return True
        hit = str(value).strip().lower() in self.values
        return hit if self.kind == "only" else not hit


def parse_rule(text: Any, where: str) -> SubSampleRule:
    """A sub-sample rule from its text; ``where`` names the catalogue row in errors."""
    raw = "" if text is None or (isinstance(text, float) and text != text) else str(text).strip()
    if raw.lower() in {"", "all", "all cases"}:
        return SubSampleRule(text="all cases", kind="all")
    match = _RULE.match(raw)
    if not match:
        raise ParameterError(
            "catalogue",
            f"{where}: sub_sample must be 'all cases', 'exclude COLUMN = VALUE' or "
            f"'only COLUMN = VALUE'; got {raw!r}",
        )
    values = tuple(v.strip().lower() for v in match.group(3).split(",") if v.strip())
    return SubSampleRule(
        text=raw, kind=match.group(1).lower(), column=match.group(2).strip(), values=values
    )


@dataclass(frozen=True)
class Catalogue:
    """Key questions in order, with their rules (internal; built by :func:`read_catalogue`).

    Attributes
    ----------
    table : DataFrame
        ``key_question``, ``standard``, ``wording``, ``sub_sample`` (text as given).
    rules : dict of str to SubSampleRule
        Each key question's rule.
    source : str
        Where the catalogue came from.
    """

    table: pd.DataFrame
    rules: dict[str, SubSampleRule]
    source: str

    def ids(self) -> list[str]:
        """The key-question IDs, in catalogue order."""
        return list(self.table["key_question"])


def _read(source: Any) -> tuple[pd.DataFrame, str]:
    if source is None:
        path = files("significance.findings") / "data/crc_key_questions.csv"
        with path.open("rb") as fh:
            frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
        return frame, "the bundled CRC framework catalogue (crc_key_questions.csv)"
    if isinstance(source, pd.DataFrame):
        return source.astype(str).replace({"nan": "", "None": ""}), "a DataFrame"
    return read_table_file(source, parameter="catalogue", text=True), str(source)


def read_catalogue(source: Any = None) -> Catalogue:
    """Read and check a key-question catalogue (the bundled CRC one by default).

    Parameters
    ----------
    source : DataFrame or path, optional
        Columns ``key_question`` (an ID such as ``2.1.3``), ``standard`` (``2.1 Assessment``),
        ``wording`` and ``sub_sample`` (a rule; blank means all cases).

    Returns
    -------
    Catalogue

    Raises
    ------
    ValueError
        Missing columns, a repeated ID, a row with a standard but no key question (a standard
        without key questions), a key question without a standard, or a rule that cannot be
        read. Every problem is listed in one message.

    Examples
    --------
    >>> catalogue = read_catalogue()
    >>> len(catalogue.ids()), catalogue.rules["2.1.3"].text
    (15, 'exclude risk = low')
    """
    raw, where = _read(source)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns and c != "sub_sample"]
    if missing:
        raise ParameterError(
            "catalogue",
            f"must have the columns {', '.join(COLUMNS)}; {where} lacks {', '.join(missing)}",
        )
    if "sub_sample" not in raw.columns:
        raw["sub_sample"] = ""
    table = raw[list(COLUMNS)].apply(lambda col: col.str.strip())
    problems: list[str] = []
    rules: dict[str, SubSampleRule] = {}
    seen: set[str] = set()
    for i, row in enumerate(table.to_dict("records")):
        label = f"catalogue row {i + 2}"
        kq, standard = row["key_question"], row["standard"]
        if not kq and not row["wording"]:
            if standard:
                problems.append(f"{label}: standard {standard!r} has no key question")
            continue
        if not kq:
            problems.append(f"{label}: key_question (the ID) is blank")
            continue
        if not standard:
            problems.append(f"{label}: key question {kq} has no standard")
        if kq in seen:
            problems.append(f"{label}: key question {kq} appears twice")
        seen.add(kq)
        try:
            rules[kq] = parse_rule(row["sub_sample"], label)
        except ParameterError as exc:
            problems.append(exc.detail)
    if problems:
        raise ParameterError("catalogue", "has problems: " + "; ".join(problems))
    kept = table[table["key_question"] != ""].reset_index(drop=True)
    if kept.empty:
        raise ParameterError("catalogue", f"has no key questions ({where})")
    return Catalogue(table=kept, rules=rules, source=where)
