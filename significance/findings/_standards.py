"""Standard ratings from the findings' key questions, and the provider rating.

A standard takes the band of its lowest key question (:func:`significance.standard_rating`,
with the counts so that "one case judged differently" is checked), and the panel may move it
one band when the rules allow. Standards the case files do not rate (domain one, 1.1 to 1.4)
and the other samples' standards (4.1, 4.2) are supplied as ratings; with all ten known the
provider rating follows (:func:`significance.provider_rating`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError, ParameterTypeError

from .. import RATINGS, ProviderRating, provider_rating, standard_rating
from .._ratings import STANDARDS, normalise_rating

__all__ = ["STANDARD_COLUMNS", "rate_from_findings", "standard_code"]

# The ten standards of the CRC framework (names as the reports print them).
_TITLES = (
    "Leadership", "Staff", "Services", "Information and facilities", "Assessment", "Planning",
    "Implementation and delivery", "Reviewing", "Unpaid work", "Through the Gate",
)  # fmt: skip
NAMES: dict[str, str] = dict(zip(STANDARDS, _TITLES, strict=True))
STANDARD_COLUMNS = (
    "standard", "name", "key_questions", "lowest_key_question", "lowest_pct", "rule_rating",
    "near_boundary", "panel_options", "reasons", "supplied_rating", "rating", "note",
)  # fmt: skip
_CODE = re.compile(r"^\s*(\d+\.\d+)\b")


def standard_code(label: Any) -> str:
    """``"2.1"`` from ``"2.1 Assessment"``, ``"2.1"`` or ``"Assessment"``; else the label."""
    text = str(label).strip()
    match = _CODE.match(text)
    if match:
        return match.group(1)
    for code, name in NAMES.items():
        if text.lower() == name.lower():
            return code
    return text


def _supplied(ratings: Mapping[str, str] | None) -> dict[str, str]:
    if ratings is None:
        return {}
    if not isinstance(ratings, Mapping):
        raise ParameterTypeError(
            "standard_ratings",
            f"must map standards to ratings, e.g. {{'1.1': 'Good'}}; got {ratings!r}",
        )
    out = {}
    for key, value in ratings.items():
        code = standard_code(key)
        if code not in NAMES:
            raise ParameterError(
                "standard_ratings",
                f"keys must be one of the ten standards (1.1 to 4.2); got {key!r}",
            )
        try:
            out[code] = normalise_rating(value)
        except ValueError:
            raise ParameterError(
                "standard_ratings",
                f"values must be one of {', '.join(RATINGS)}; got {value!r} for {key}",
            ) from None
    return out


def rate_from_findings(
    table: pd.DataFrame, standard_ratings: Mapping[str, str] | None
) -> tuple[pd.DataFrame, ProviderRating | None, tuple[str, ...]]:
    """The standards table, the provider rating (None unless all ten are known), the missing."""
    supplied = _supplied(standard_ratings)
    rated = table[table["answered"] > 0]
    codes = [standard_code(s) for s in rated["standard"]]
    groups: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        groups.setdefault(code, []).append(i)
    order = [c for c in STANDARDS if c in groups or c in supplied]
    order += [c for c in groups if c not in STANDARDS]
    rows = []
    for code in order:
        row: dict[str, Any] = dict.fromkeys(STANDARD_COLUMNS, "")
        row.update(standard=code, name=NAMES.get(code, ""), key_questions=0, lowest_pct=None)
        row["near_boundary"] = False
        if code in groups:
            part = rated.iloc[groups[code]]
            result = standard_rating(
                [float(p) for p in part["pct"]],
                counts=[
                    (int(x), int(n)) for x, n in zip(part["yes"], part["answered"], strict=True)
                ],
            )
            lowest = part.iloc[result.lowest_index]
            row.update(
                key_questions=len(part),
                lowest_key_question=str(lowest["key_question"]),
                lowest_pct=int(lowest["pct"]),
                rule_rating=result.rating,
                near_boundary=result.near_boundary,
                panel_options=" or ".join(result.panel_options),
                reasons="; ".join(result.reasons),
                rating=result.rating,
            )
            if code in supplied:
                row["supplied_rating"] = row["rating"] = supplied[code]
                if supplied[code] not in result.panel_options:
                    row["note"] = (
                        f"the supplied {supplied[code]} is outside the rule's options "
                        f"({' or '.join(result.panel_options)})"
                    )
        else:
            row.update(supplied_rating=supplied[code], rating=supplied[code])
            row["note"] = "supplied (not rated from case files)"
        rows.append(row)
    standards = pd.DataFrame(rows, columns=list(STANDARD_COLUMNS))
    known = dict(zip(standards["standard"], standards["rating"], strict=True))
    missing = tuple(c for c in STANDARDS if not known.get(c))
    provider = None if missing else provider_rating([known[c] for c in STANDARDS])
    return standards, provider, missing
