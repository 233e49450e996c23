"""Sub-groups: each key question split by a case attribute, with margins and a test between groups.

A group column comes from the results (a column the inspectors filled in, such as an officer
grade) or from the sample (gender, disposal, RoSH, office). ``disposal`` is grouped as the
reports group it: community order and suspended sentence order are "community", licence and
post-sentence supervision "licence". Two groups are compared with each other; with more, each
group is compared with all the other cases together. The test is :func:`significance.ztest`
(pooled, two-sided, ``alpha``), or Boschloo's exact test (two-sided, scipy) when an expected
count is below 5; the ``test`` column names the one used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError
from inspection_core.normal import z_value

from .. import percent_half_up, ztest
from ._key_questions import margin_at_half
from ._results import CaseAnswers

__all__ = ["DISPOSAL_GROUPS", "group_values", "subgroup_tables"]

DISPOSAL_GROUPS: dict[str, str] = {
    "community order": "community",
    "suspended sentence order": "community",
    "licence": "licence",
    "post-sentence supervision": "licence",
}
TARGET_MARGIN = 0.05
SMALL_EXPECTED = 5.0


def group_values(answers: CaseAnswers, column: str) -> pd.Series:
    """Each inspected case's value of a group column (the results' value before the sample's)."""
    cases = answers.cases
    lower = {str(c).lower(): c for c in cases.columns}
    name = lower.get(f"{column.lower()} (results)") or lower.get(column.lower())
    if name is None:
        have = [c for c in cases.columns if c not in {"cell_population", "design_weight"}]
        raise ParameterError(
            "groups", f"must name columns of the sample or the results; {column!r} is in neither "
            f"(they have {', '.join(map(str, have))})",
        )  # fmt: skip
    values = cases[name].astype(str).str.strip()
    if column.lower() == "disposal":
        values = values.map(lambda v: DISPOSAL_GROUPS.get(v.lower(), v))
    return values.replace("", "(blank)")


def _test(x1: int, n1: int, x2: int, n2: int, alpha: float) -> dict[str, Any]:
    total, yes = n1 + n2, x1 + x2
    expected = min(r * c / total for r in (n1, n2) for c in (yes, total - yes))
    exact = "boschloo" if expected < SMALL_EXPECTED else None
    # the rule above chooses the test (Boschloo's for small counts), so ztest's own small-count
    # fallback (Fisher's) is off: the `test` column names the test behind every p-value
    res = ztest(x1, n1, x2, n2, alpha=alpha, exact=exact, small_count_test=None)
    name = (
        f"Boschloo's exact test (smallest expected count {expected:.2g} is below 5)"
        if exact
        else "two-proportion z-test (pooled)"
    )
    return {
        "difference": x1 / n1 - x2 / n2,  # a proportion, from the counts
        "statistic": float(res.statistic),
        "pvalue": float(res.pvalue),
        "significant": bool(res.significant),
        "test": name,
    }


def _test_sentence(r: dict[str, Any], alpha: float) -> str:
    first = f"{r['group1']} {percent_half_up(r['x1'], r['n1'])}% ({r['x1']} of {r['n1']})"
    second = f"{r['group2']} {percent_half_up(r['x2'], r['n2'])}% ({r['x2']} of {r['n2']})"
    diff = f"{100 * r['difference']:+.1f} points"
    if r["significant"]:
        verdict = f"a significant difference at the {alpha:g} level (p = {r['pvalue']:.3g})"
    else:
        verdict = f"not significant at the {alpha:g} level (p = {r['pvalue']:.3g})"
    return f"{first} vs {second}: {diff}, {verdict}; {r['test']}."


def subgroup_tables(
    answers: CaseAnswers,
    groups: Sequence[str],
    *,
    confidence_level: float,
    alpha: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sub-group table (one row per group and key question) and the tests between groups."""
    z = float(z_value(confidence_level))
    weights = answers.cases["design_weight"].to_numpy(dtype=float)
    level_rows: list[dict[str, Any]] = []
    test_rows: list[dict[str, Any]] = []
    for column in groups:
        values = group_values(answers, column)
        levels = list(dict.fromkeys(sorted(values)))
        for kq in answers.key_questions:
            codes = answers.answers[kq]
            answered = answers.eligible[kq] & codes.isin(["yes", "no"])
            counts: dict[str, tuple[int, int]] = {}
            for level in levels:
                mask = (answered & (values == level)).to_numpy()
                n = int(mask.sum())
                x = int(((codes == "yes").to_numpy() & mask).sum())
                counts[level] = (x, n)
                population = float(weights[mask].sum())
                margin = margin_at_half(n, population, z)
                level_rows.append(
                    {
                        "group": column,
                        "level": level,
                        "key_question": kq,
                        "answered": n,
                        "yes": x,
                        "pct": percent_half_up(x, n) if n else math.nan,
                        "population_estimate": population,
                        "margin_of_error": margin,
                        "margin_above_5_points": bool(n and margin > TARGET_MARGIN),
                    }
                )
            present = [lv for lv in levels if counts[lv][1] > 0]
            if len(present) < 2:
                continue
            pairs: list[tuple[str, str, tuple[int, int], tuple[int, int]]] = []
            if len(present) == 2:
                a, b = present
                pairs.append((a, b, counts[a], counts[b]))
            else:
                for lv in present:
                    rest = [counts[o] for o in present if o != lv]
                    other = (sum(c[0] for c in rest), sum(c[1] for c in rest))
                    pairs.append((lv, "all other cases", counts[lv], other))
            for g1, g2, (x1, n1), (x2, n2) in pairs:
                row: dict[str, Any] = {
                    "group": column, "key_question": kq, "group1": g1, "group2": g2,
                    "x1": x1, "n1": n1, "x2": x2, "n2": n2,
                }  # fmt: skip
                row.update(_test(x1, n1, x2, n2, alpha))
                row["sentence"] = _test_sentence(row, alpha)
                test_rows.append(row)
    level_columns = ["group", "level", "key_question", "answered", "yes", "pct"]
    level_columns += ["population_estimate", "margin_of_error", "margin_above_5_points"]
    test_columns = ["group", "key_question", "group1", "group2", "x1", "n1", "x2", "n2"]
    test_columns += ["difference", "statistic", "pvalue", "significant", "test", "sentence"]
    return (
        pd.DataFrame(level_rows, columns=level_columns),
        pd.DataFrame(test_rows, columns=test_columns),
    )
