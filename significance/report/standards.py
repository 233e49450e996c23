"""Standard ratings from key questions, and the provider rating when all ten are known.

A standard takes the band of its lowest key question (:func:`standard_rating`), with the panel's
room to move it one band. Standards the key-question table does not cover (1.1 to 1.4 are rated
on evidence other than case files) can be supplied, as can the panel's final ratings; the
provider rating needs all ten.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError, ParameterTypeError

from .._ratings import (
    RATINGS,
    STANDARD_NAMES,
    STANDARDS,
    ProviderRating,
    boundary_flags,
    normalise_rating,
    provider_rating,
    standard_rating,
)

__all__ = [
    "STANDARD_NAMES",
    "near_boundary",
    "provider_rating_from",
    "rate_standards",
    "score_range",
    "standard_code",
]

_CODE = re.compile(r"^\s*(\d+\.\d+)\b")


def standard_code(label: Any) -> str | None:
    """The standard's number from a label such as ``"2.1 Assessment"`` or ``"Planning"``.

    Examples
    --------
    >>> standard_code("2.1 Assessment"), standard_code("through the gate"), standard_code("x")
    ('2.1', '4.2', None)
    """
    if not isinstance(label, str):
        return None
    match = _CODE.match(label)
    if match:
        return match.group(1)
    key = " ".join(label.split()).lower()
    for code, name in STANDARD_NAMES.items():
        if key == name.lower():
            return code
    return None


def near_boundary(
    percentage: float, x: int | None = None, n: int | None = None, *, basis: str = "published"
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Why a result is near a band edge, and the adjacent bands a panel may consider.

    The report's name for :func:`significance.boundary_flags` (one rule, both bases).

    Examples
    --------
    >>> near_boundary(64.5, basis="unrounded")
    (('64.5% is within 5 points of 65%',), ('Good',))
    """
    return boundary_flags(percentage, x, n, basis=basis)


def _supplied(ratings: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (ratings or {}).items():
        code = standard_code(key)
        if code not in STANDARD_NAMES:
            raise ParameterError(
                "standard_ratings",
                "must name one of the ten standards (1.1 to 4.2, or a name such as "
                f"'Assessment'); got {key!r}",
            )
        out[code] = normalise_rating(value)
    return out


def rate_standards(
    table: pd.DataFrame, *, standard_ratings: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Each standard's rating from its current key questions, with the panel's options.

    Parameters
    ----------
    table : DataFrame
        Key questions with ``standard`` and ``current_pct`` columns, and optionally
        ``current_x`` and ``current_n`` (to check whether one case judged differently changes
        the band) and ``key_question``. The report's table has all of them.
    standard_ratings : mapping of str to str, optional
        Ratings given from elsewhere, by standard (``{"1.1": "Good"}``): standards the table does
        not cover, or the panel's final rating of one it does.

    Returns
    -------
    DataFrame
        One row per standard, in the order 1.1 to 4.2 (others after): ``standard``, ``name``,
        ``key_questions``, ``lowest_pct``, ``lowest_key_question``, ``rule_rating`` (band of the
        lowest key question), ``near_boundary``, ``panel_options``, ``reasons``,
        ``supplied_rating``, ``rating`` (the supplied rating if any, else the rule's) and
        ``note``.

    Examples
    --------
    >>> kq = pd.DataFrame({"standard": ["2.2 Planning"] * 3, "current_pct": [74, 74, 61]})
    >>> row = rate_standards(kq).iloc[0]
    >>> row["rule_rating"], row["panel_options"]
    ('Requires improvement', 'Requires improvement or Good')
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterTypeError("table", f"must be a DataFrame; got {type(table).__name__}")
    missing = [c for c in ("standard", "current_pct") if c not in table.columns]
    if missing:
        raise ParameterError("table", f"lacks column(s) {', '.join(map(repr, missing))}")
    supplied = _supplied(standard_ratings)
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(table["standard"]):
        code = standard_code(label) or (str(label).strip() if isinstance(label, str) else "")
        if code:
            groups.setdefault(code, []).append(i)
    order = [c for c in STANDARDS if c in groups or c in supplied]
    order += sorted(c for c in groups if c not in STANDARDS)
    rows = []
    for code in order:
        row: dict[str, Any] = {
            "standard": code,
            "name": STANDARD_NAMES.get(code, ""),
            "key_questions": len(groups.get(code, [])),
            "lowest_pct": math.nan,
            "lowest_key_question": "",
            "rule_rating": "",
            "near_boundary": False,
            "panel_options": "",
            "reasons": "",
            "supplied_rating": supplied.get(code, ""),
            "rating": supplied.get(code, ""),
            "note": "",
        }
        if code in groups:
            part = table.iloc[groups[code]]
            counts = None
            if {"current_x", "current_n"} <= set(part.columns):
                counts = [
                    (int(x), int(n))
                    for x, n in zip(part["current_x"], part["current_n"], strict=True)
                ]
            result = standard_rating([float(p) for p in part["current_pct"]], counts=counts)
            options = result.panel_options
            row.update(
                lowest_pct=result.lowest,
                lowest_key_question=str(part.iloc[result.lowest_index].get("key_question", "")),
                rule_rating=result.rating,
                near_boundary=result.near_boundary,
                panel_options=" or ".join(options),
                reasons="; ".join(result.reasons),
                rating=supplied.get(code, result.rating),
            )
            if code in supplied and supplied[code] not in options:
                row["note"] = (
                    f"the supplied {supplied[code]} is outside the rule's options "
                    f"({' or '.join(options)})"
                )
        else:
            row["note"] = "rating supplied; no key questions in the table"
        rows.append(row)
    columns = ["standard", "name", "key_questions", "lowest_pct", "lowest_key_question"]
    columns += ["rule_rating", "near_boundary", "panel_options", "reasons", "supplied_rating"]
    return pd.DataFrame(rows, columns=[*columns, "rating", "note"])


def provider_rating_from(standards: pd.DataFrame) -> ProviderRating | None:
    """The provider rating from a :func:`rate_standards` table, or None unless all ten are rated.

    Examples
    --------
    >>> ten = {code: "Good" for code in STANDARD_NAMES}
    >>> empty = pd.DataFrame({"standard": [], "current_pct": []})
    >>> provider_rating_from(rate_standards(empty, standard_ratings=ten)).rating
    'Good'
    """
    rated = {
        s: r
        for s, r in zip(standards.get("standard", []), standards.get("rating", []), strict=True)
        if r
    }
    if not all(code in rated for code in STANDARDS):
        return None
    return provider_rating([rated[code] for code in STANDARDS])


def score_range(standards: pd.DataFrame) -> tuple[int, int] | None:
    """Lowest and highest provider score the panel options allow (supplied ratings fixed)."""
    low = high = 0
    by_code = {row["standard"]: row for row in standards.to_dict("records")}
    for code in STANDARDS:
        row = by_code.get(code)
        if row is None or not row["rating"]:
            return None
        if row["supplied_rating"] or not row["panel_options"]:
            options = [row["rating"]]
        else:
            options = row["panel_options"].split(" or ")
        scores = [RATINGS.index(o) for o in options]
        low, high = low + min(scores), high + max(scores)
    return low, high
