"""The round-on-round comparison report: one row per key question, in the published method's words.

For each key question: the change from the previous round (two-sample pooled z-test at alpha 0.1
by default, exactly :func:`ztest`), Holm and Benjamini-Hochberg adjusted p-values over the table,
the same against an optional comparator (the all-provider aggregate), the rating band of each
round, whether the current result is near a band edge, and a sentence that calls a change
"significant" only when it passes. The standards' ratings, the provider rating (when all ten
standard ratings are known) and, when the previous n is assumed, how the calls depend on it.
"""

import dataclasses
import math
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from inspection_core.checks import check_choice

from ._inputs import check_scalar_fraction
from ._multiple import adjust_pvalues
from ._onesample import ztest_against_aggregate, ztest_one_sample
from ._ratings import rating_band
from ._report_input import prepare_input
from ._report_result import RoundComparison
from ._report_sensitivity import sensitivity_to_previous_n
from ._report_sentences import change_sentence, comparator_sentence, pct_text
from ._report_standards import near_boundary, provider_rating_from, rate_standards, score_range
from ._warnings import SmallCountWarning
from ._ztest import ztest

__all__ = ["RoundComparison", "compare_rounds"]

REPORT_COLUMNS = (
    "standard",
    "key_question",
    "previous_pct",
    "current_pct",
    "previous_x",
    "previous_n",
    "previous_n_assumed",
    "current_x",
    "current_n",
    "change_points",
    "z",
    "pvalue",
    "significant",
    "pvalue_holm",
    "pvalue_bh",
    "comparator_pct",
    "comparator_n",
    "comparator_difference",
    "comparator_z",
    "comparator_pvalue",
    "comparator_significant",
    "comparator_pvalue_holm",
    "comparator_pvalue_bh",
    "previous_band",
    "current_band",
    "near_boundary",
    "boundary_reasons",
    "sentence",
    "notes",
)


def _small_count_notes(caught: list[warnings.WarningMessage], what: str) -> list[str]:
    notes = []
    for w in caught:
        if issubclass(w.category, SmallCountWarning):
            text = str(w.message).split(". Consider")[0]
            notes.append(f"{what}: {text}")
    return notes


def _comparator_tests(
    frame: pd.DataFrame, alpha: float, includes_provider: bool, options: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], str | None]:
    out: list[dict[str, Any]] = []
    methods: set[str] = set()
    for r in frame.to_dict("records"):
        entry: dict[str, Any] = {
            "comparator_difference": math.nan,
            "comparator_z": math.nan,
            "comparator_pvalue": math.nan,
            "comparator_significant": pd.NA,
            "notes": [],
        }
        out.append(entry)
        pct = r["comparator_pct"]
        if math.isnan(pct):
            continue
        x, n = int(r["current_x"]), int(r["current_n"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if math.isnan(r["comparator_n"]):
                if not 0 < pct < 100:
                    entry["notes"].append(
                        f"comparator {pct_text(pct)} with no n cannot be tested as a fixed rate"
                    )
                    continue
                res: Any = ztest_one_sample(
                    x, n, pct / 100, alpha=alpha, alternative=options["alternative"]
                )
            else:
                cx, cn = int(r["comparator_x"]), int(r["comparator_n"])
                if includes_provider:
                    res = ztest_against_aggregate(x, n, cx, cn, alpha=alpha, **options)
                else:
                    res = ztest(x, n, cx, cn, alpha=alpha, **options)
                    res = dataclasses.replace(
                        res, method=res.method + "; group 2 is the comparator"
                    )
        entry["notes"] += _small_count_notes(caught, "against the comparator")
        methods.add(res.method)
        entry.update(
            comparator_difference=100 * float(res.difference),  # results: proportions
            comparator_z=float(res.statistic),
            comparator_pvalue=float(res.pvalue),
            comparator_significant=bool(res.significant),
        )
    return out, "; or ".join(sorted(methods)) if methods else None


def _adjusted(pvalues: pd.Series, method: str) -> list[float]:
    mask = pvalues.notna().to_numpy()
    out = [math.nan] * len(pvalues)
    if mask.any():
        adjusted = adjust_pvalues(pvalues[mask].to_numpy(dtype=float), method=method)
        for i, v in zip([i for i, m in enumerate(mask) if m], adjusted, strict=True):
            out[i] = float(v)
    return out


def compare_rounds(
    table: Any,
    *,
    alpha: float = 0.1,
    previous_n: int | None = None,
    comparator_n: int | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    alternative: str = "two-sided",
    pooled: bool = True,
    continuity: bool = False,
    comparator_includes_provider: bool = False,
    band_basis: str = "published",
    standard_ratings: Mapping[str, str] | None = None,
) -> RoundComparison:
    """Compare this round's key-question results with the previous round's (and a comparator).

    Parameters
    ----------
    table : DataFrame or path
        One row per key question, from a DataFrame or a CSV/Excel file (never modified). Columns
        (names configurable with ``columns``): ``key_question``; optional ``standard``; each
        round as counts ``previous_x``, ``previous_n``, ``current_x``, ``current_n`` or as whole
        percentages ``previous_pct``, ``current_pct`` with the n columns; optional comparator
        ``comparator_pct`` with ``comparator_n`` or ``comparator_x`` (``all_crcs_pct`` is
        recognised as the comparator's percentage).
    alpha : float, default 0.1
        Significance level (the published method's 0.1).
    previous_n : int, optional
        Previous-round n to assume where the table has none; the report says it is assumed and
        adds the sensitivity view.
    comparator_n : int, optional
        Comparator n to assume where the table has none. Without one, the current round is
        tested against the comparator's percentage as a fixed rate (:func:`ztest_one_sample`);
        with one, by the two-sample test.
    columns : mapping of str to str, optional
        Report column name to the table's name, e.g. ``{"comparator_pct": "all_crcs_pct"}``.
    sheet : str or int, optional
        Excel sheet to read (the first by default).
    alternative, pooled, continuity
        Options of :func:`ztest` (defaults: two-sided, pooled standard error, no correction).
    comparator_includes_provider : bool, default False
        With a comparator n: whether the comparator's counts include this provider's, so that
        they are taken out first (:func:`ztest_against_aggregate`).
    band_basis : {"published", "unrounded"}, default "published"
        Band the whole percentage as published (rounded half up) or the unrounded ``x / n``.
    standard_ratings : mapping of str to str, optional
        Ratings of standards from elsewhere (``{"1.1": "Good", ...}``), so the provider rating
        can be given when all ten are known.

    Returns
    -------
    RoundComparison
        ``table`` has one row per key question: ``standard``, ``key_question``,
        ``previous_pct``, ``current_pct``, ``previous_x``, ``previous_n``,
        ``previous_n_assumed``, ``current_x``, ``current_n``, ``change_points`` (current minus
        previous, from the counts), ``z``, ``pvalue``, ``significant``, ``pvalue_holm``,
        ``pvalue_bh``, ``comparator_pct``, ``comparator_n``, ``comparator_difference``,
        ``comparator_z``, ``comparator_pvalue``, ``comparator_significant``,
        ``comparator_pvalue_holm``, ``comparator_pvalue_bh``, ``previous_band``,
        ``current_band``, ``near_boundary``, ``boundary_reasons``, ``sentence``, ``notes``.

    Raises
    ------
    ValueError
        Missing columns (the message lists what the table has and what is needed), a
        percentage outside 0-100 or that no count out of its n rounds to, a count above its n,
        a row with neither counts nor a percentage, counts and a percentage that disagree.

    Notes
    -----
    ``significant`` is :func:`ztest`'s call on ``current_x / current_n`` against
    ``previous_x / previous_n``, unadjusted, as the published method makes it; the Holm and
    Benjamini-Hochberg p-values over the table's key questions are shown beside it. Percentages
    become counts with :func:`counts_from_percentage` (the count nearest ``pct x n / 100`` when
    several round to it, noted in the row). A current result is near a boundary when it is
    within 5 points of a band edge (inclusive) or one case judged differently changes its band.

    Examples
    --------
    >>> report = compare_rounds(
    ...     pd.DataFrame({"key_question": ["Assessment engages?"], "previous_pct": [74],
    ...                   "current_pct": [65], "current_n": [100]}),
    ...     previous_n=100)
    >>> row = report.table.iloc[0]
    >>> round(float(row["z"]), 4), round(float(row["pvalue"]), 4), row["current_band"]
    (-1.3822, 0.1669, 'Good')
    >>> print(row["sentence"])
    Fell from 74% to 65% (-9 points); within what chance could produce at the 0.1 level (p = 0.17).
    """
    alpha = check_scalar_fraction("alpha", alpha)
    band_basis = check_choice("band_basis", band_basis, ("published", "unrounded"))
    options: dict[str, Any] = {
        "alternative": alternative,
        "pooled": pooled,
        "continuity": continuity,
    }
    prepared = prepare_input(
        table, columns=columns, previous_n=previous_n, comparator_n=comparator_n, sheet=sheet
    )
    frame = prepared.frame
    rows: list[dict[str, Any]] = []
    method = ""
    for r in frame.to_dict("records"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = ztest(
                r["current_x"], r["current_n"], r["previous_x"], r["previous_n"], alpha=alpha,
                **options,
            )  # fmt: skip
        method = res.method
        notes = list(r["notes"]) + _small_count_notes(caught, "change")
        banded = {
            rnd: r[f"{rnd}_pct"]
            if band_basis == "published"
            else 100 * r[f"{rnd}_x"] / r[f"{rnd}_n"]
            for rnd in ("previous", "current")
        }
        bands = {rnd: rating_band(value, basis=band_basis) for rnd, value in banded.items()}
        reasons, _ = near_boundary(
            banded["current"], r["current_x"], r["current_n"], basis=band_basis
        )
        rows.append(
            {
                "change_points": 100 * float(res.difference),  # results: proportions
                "z": float(res.statistic),
                "pvalue": float(res.pvalue),
                "significant": bool(res.significant),
                "previous_band": bands["previous"],
                "current_band": bands["current"],
                "near_boundary": bool(reasons),
                "boundary_reasons": "; ".join(reasons),
                "notes": notes,
            }
        )
    comparator, comparator_method = _comparator_tests(
        frame, alpha, comparator_includes_provider, options
    )
    out = frame.drop(columns=["notes"]).copy()
    for key in rows[0]:
        if key != "notes":
            out[key] = [row[key] for row in rows]
    for key in ("comparator_difference", "comparator_z", "comparator_pvalue"):
        out[key] = [c[key] for c in comparator]
    out["comparator_significant"] = pd.array(
        [c["comparator_significant"] for c in comparator], dtype="boolean"
    )
    out["pvalue_holm"] = _adjusted(out["pvalue"], "holm")
    out["pvalue_bh"] = _adjusted(out["pvalue"], "bh")
    out["comparator_pvalue_holm"] = _adjusted(out["comparator_pvalue"], "holm")
    out["comparator_pvalue_bh"] = _adjusted(out["comparator_pvalue"], "bh")
    sentences = []
    for r in out.to_dict("records"):
        text = change_sentence(
            r["previous_pct"], r["current_pct"], r["change_points"], r["pvalue"],
            r["significant"], alpha,
        )  # fmt: skip
        if not math.isnan(r["comparator_pvalue"]):
            text += " " + comparator_sentence(
                r["comparator_pct"], r["comparator_difference"], r["comparator_pvalue"],
                bool(r["comparator_significant"]), alpha,
            )  # fmt: skip
        if r["previous_band"] != r["current_band"]:
            text += f" Band: {r['previous_band']} before, {r['current_band']} now."
        sentences.append(text)
    out["sentence"] = sentences
    out["notes"] = [
        "; ".join(row["notes"] + c["notes"]) for row, c in zip(rows, comparator, strict=True)
    ]
    out = out[list(REPORT_COLUMNS)]

    standards = rate_standards(out, standard_ratings=standard_ratings)
    provider = provider_rating_from(standards)
    sensitivity = None
    assumed = out["previous_n_assumed"].to_numpy(dtype=bool)
    if assumed.any():
        part = out[assumed]
        sensitivity = sensitivity_to_previous_n(
            part["previous_pct"].to_numpy(dtype=float),
            part["current_x"].to_numpy(dtype=int),
            part["current_n"].to_numpy(dtype=int),
            alpha=alpha,
            labels=list(part["key_question"]),
            **options,
        )
        sensitivity.insert(0, "standard", list(part["standard"]))
        sensitivity.insert(0, "row", [int(i) + 1 for i in part.index])
    return RoundComparison(
        table=out,
        alpha=alpha,
        method=method,
        comparator_method=comparator_method,
        band_basis=band_basis,
        assumptions=prepared.assumptions,
        standards=standards,
        provider=provider,
        provider_score_range=score_range(standards) if provider is not None else None,
        sensitivity=sensitivity,
    )
