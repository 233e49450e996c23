"""The round-on-round comparison report: one row per key question, in the published method's words.

For each key question: the change from the previous round (two-sample pooled z-test at alpha 0.1
by default, exactly :func:`ztest`), Holm and Benjamini-Hochberg adjusted p-values over the table,
the same against an optional comparator (the all-provider aggregate), the rating band of each
round, whether the current result is near a band edge, and a sentence that calls a change
"significant" only when it passes. The standards' ratings, the provider rating (when all ten
standard ratings are known) and, when the previous n is assumed, how the calls depend on it.
"""

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from inspection_core.checks import check_choice, check_flag, check_fraction

from .._inputs import check_scalar_fraction
from .._multiple import adjust_pvalues
from .._ratings import rating_band
from .comparator import Comparator, ComparatorTest, comparator_test
from .input import prepare_input
from .methods import (
    DEFAULT_TEST_NAME,
    RoundOptions,
    RoundTest,
    RoundTestFunction,
    points,
    round_test,
)
from .result import RoundComparison
from .sensitivity import sensitivity_to_previous_n
from .sentences import change_sentence, comparator_sentence
from .standards import near_boundary, provider_rating_from, rate_standards, score_range

__all__ = ["REPORT_COLUMNS", "RoundComparison", "compare_rounds"]

Rows = list[dict[str, Any]]

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
    "pvalue_low",
    "pvalue_high",
    "significant",
    "test",
    "pvalue_holm",
    "pvalue_bh",
    "comparator_pct",
    "comparator_n",
    "comparator_difference_points",
    "comparator_z",
    "comparator_pvalue",
    "comparator_pvalue_low",
    "comparator_pvalue_high",
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


def _count_range(
    r: Mapping[Any, Any], test: RoundTestFunction, options: RoundOptions, used: RoundTest
) -> tuple[float, float, bool | None]:
    """The p-values over every pair of counts that fit the published percentages, and the call.

    A percentage of more than 100 cases can come from several counts (50% of 300 is 149, 150
    or 151); the call holds only if it is the same at all of them, else it is None.
    """
    pairs = [(a, b) for a in r["current_counts"] for b in r["previous_counts"]]
    if len(pairs) <= 1:
        return used.pvalue, used.pvalue, used.significant
    n1, n2 = int(r["current_n"]), int(r["previous_n"])
    pvalues = [test(a, n1, b, n2, options).pvalue for a, b in pairs]
    low, high = min(pvalues), max(pvalues)
    calls = {low < options.alpha, high < options.alpha}
    return low, high, calls.pop() if len(calls) == 1 else None


def _change_columns(frame: pd.DataFrame, test: RoundTestFunction, options: RoundOptions) -> Rows:
    """Each key question's change by the chosen round test."""
    rows: Rows = []
    for r in frame.to_dict("records"):
        x1, n1, x2, n2 = (int(r[k]) for k in ("current_x", "current_n", "previous_x", "previous_n"))
        res = test(x1, n1, x2, n2, options)
        low, high, call = _count_range(r, test, options, res)
        rows.append(
            {
                "change_points": points(x1, n1, x2, n2),
                "z": res.statistic,
                "pvalue": res.pvalue,
                "pvalue_low": low,
                "pvalue_high": high,
                "significant": call,
                "test": res.test,
                "method": res.method,
                "notes": [*r["notes"], *res.notes],
            }
        )
    return rows


def _comparator(r: Mapping[Any, Any]) -> Comparator:
    known = not math.isnan(r["comparator_n"])
    return Comparator(
        pct=float(r["comparator_pct"]),
        x=int(r["comparator_x"]) if known else None,
        n=int(r["comparator_n"]) if known else None,
    )


def _comparator_columns(
    frame: pd.DataFrame, options: RoundOptions, includes_provider: bool
) -> Rows:
    """Each key question's current round against the comparator, where there is one."""
    rows: Rows = []
    for r in frame.to_dict("records"):
        res = comparator_test(
            int(r["current_x"]), int(r["current_n"]), _comparator(r), options,
            includes_provider=includes_provider,
        )  # fmt: skip
        if res is None:
            res = ComparatorTest(math.nan, math.nan, math.nan, None, "", "")
        low, high = res.pvalue_range or (res.pvalue, res.pvalue)
        rows.append(
            {
                "comparator_difference_points": res.difference_points,
                "comparator_z": res.statistic,
                "comparator_pvalue": res.pvalue,
                "comparator_pvalue_low": low,
                "comparator_pvalue_high": high,
                "comparator_significant": res.significant,
                "comparator_depends_on": res.depends_on,
                "comparator_range_note": res.range_note,
                "comparator_versus": res.versus,
                "comparator_method": res.method,
                "notes": list(res.notes),
            }
        )
    return rows


def _band_columns(frame: pd.DataFrame, band_basis: str) -> Rows:
    """Each round's rating band, and whether the current result is near a band edge."""
    rows: Rows = []
    for r in frame.to_dict("records"):
        banded = {
            rnd: r[f"{rnd}_pct"]
            if band_basis == "published"
            else 100 * r[f"{rnd}_x"] / r[f"{rnd}_n"]
            for rnd in ("previous", "current")
        }
        reasons, _ = near_boundary(
            banded["current"], r["current_x"], r["current_n"], basis=band_basis
        )
        rows.append(
            {
                "previous_band": rating_band(banded["previous"], basis=band_basis),
                "current_band": rating_band(banded["current"], basis=band_basis),
                "near_boundary": bool(reasons),
                "boundary_reasons": "; ".join(reasons),
            }
        )
    return rows


def _adjusted(pvalues: pd.Series, method: str) -> list[float]:
    mask = pvalues.notna().to_numpy()
    out = [math.nan] * len(pvalues)
    if mask.any():
        adjusted = adjust_pvalues(pvalues[mask].to_numpy(dtype=float), method=method)
        for i, v in zip([i for i, m in enumerate(mask) if m], adjusted, strict=True):
            out[i] = float(v)
    return out


def _call(value: Any) -> bool | None:
    """A cell of a nullable boolean column: True, False, or None when the call depends."""
    return None if value is None or value is pd.NA else bool(value)


def _sentence(r: Mapping[Any, Any], alpha: float) -> str:
    call = r["significant"]
    text = change_sentence(
        r["previous_pct"], r["current_pct"], r["change_points"], r["pvalue"],
        _call(call), alpha,
        test=None if r["test"] == DEFAULT_TEST_NAME else r["test"],
        p_range=(r["pvalue_low"], r["pvalue_high"]),
        depends_on="the unpublished count",
        range_note="over the counts that round to the published percentages",
    )  # fmt: skip
    if not math.isnan(r["comparator_pvalue"]):
        call = r["comparator_significant"]
        text += " " + comparator_sentence(
            r["comparator_versus"], r["comparator_difference_points"], r["comparator_pvalue"],
            _call(call), alpha,
            p_range=(r["comparator_pvalue_low"], r["comparator_pvalue_high"]),
            depends_on=r["comparator_depends_on"],
            range_note=r["comparator_range_note"],
        )  # fmt: skip
    if r["previous_band"] != r["current_band"]:
        text += f" Band: {r['previous_band']} before, {r['current_band']} now."
    return text


def _methods(rows: Rows, key: str) -> str | None:
    found = sorted({row[key] for row in rows if row[key]})
    return "; or ".join(found) if found else None


def _assemble(frame: pd.DataFrame, changes: Rows, comparator: Rows, bands: Rows) -> pd.DataFrame:
    """The report table: the input's columns, the calls, adjusted p-values, words."""
    out = frame.drop(columns=["notes"]).copy()
    for part in (changes, comparator, bands):
        for key in part[0]:
            if key not in ("notes", "method", "comparator_method"):
                out[key] = [row[key] for row in part]
    for column in ("significant", "comparator_significant"):
        out[column] = pd.array(list(out[column]), dtype="boolean")
    for column in ("pvalue", "comparator_pvalue"):
        out[f"{column}_holm"] = _adjusted(out[column], "holm")
        out[f"{column}_bh"] = _adjusted(out[column], "bh")
    out["notes"] = [
        "; ".join(c["notes"] + k["notes"]) for c, k in zip(changes, comparator, strict=True)
    ]
    return out


def _sensitivity(out: pd.DataFrame, options: RoundOptions) -> pd.DataFrame | None:
    """How the calls depend on an assumed previous n (None when no n was assumed)."""
    assumed = out["previous_n_assumed"].to_numpy(dtype=bool)
    if not assumed.any():
        return None
    part = out[assumed]
    sensitivity = sensitivity_to_previous_n(
        part["previous_pct"].to_numpy(dtype=float),
        part["current_x"].to_numpy(dtype=int),
        part["current_n"].to_numpy(dtype=int),
        alpha=options.alpha,
        labels=list(part["key_question"]),
        alternative=options.alternative,
        pooled=options.pooled,
        continuity=options.continuity,
    )
    sensitivity.insert(0, "standard", list(part["standard"]))
    sensitivity.insert(0, "row", [int(i) + 1 for i in part.index])
    return sensitivity


def compare_rounds(
    table: Any,
    *,
    alpha: float = 0.1,
    previous_n: int | None = None,
    comparator_n: int | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    test: str = "ztest",
    alternative: str = "two-sided",
    pooled: bool = True,
    continuity: bool = False,
    comparator_includes_provider: bool = True,
    max_provider_share: float = 0.5,
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
    test : {"ztest", "fisher", "boschloo"}, default "ztest"
        The test of each change, by its name in :data:`significance.report.ROUND_TESTS`:
        the published method's two-sample z-test, or an exact test for every row.
    alternative, pooled, continuity
        Options of :func:`ztest` (defaults: two-sided, pooled standard error, no correction).
    comparator_includes_provider : bool, default True
        Whether the comparator (an all-provider aggregate) includes this provider's cases, the
        same default as :func:`ztest_against_aggregate`. With the comparator's n, the provider
        is compared with the rest (the comparator less this provider); without it, the row
        gives the p-value at both ends of what the unknown n allows and says when the call
        depends on it. ``False``: the comparator is other providers' (an independent sample;
        without its n, a fixed rate).
    max_provider_share : float, default 0.5
        With ``comparator_includes_provider`` and no comparator n: the largest share of the
        comparator's cases that may be this provider's (the bound at the other end is a
        comparator so large that its rate is fixed).
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
        previous, from the counts), ``z``, ``pvalue``, ``significant``, ``test`` (the test that
        made the call), ``pvalue_holm``, ``pvalue_bh``, ``comparator_pct``, ``comparator_n``,
        ``comparator_difference_points``, ``comparator_z``, ``comparator_pvalue``,
        ``comparator_significant``, ``comparator_pvalue_holm``, ``comparator_pvalue_bh``,
        ``previous_band``, ``current_band``, ``near_boundary``, ``boundary_reasons``,
        ``sentence``, ``notes``. One unit per column, named in the header: ``_pct`` columns
        are percentages (74 for 74%), ``_points`` columns percentage points, ``_x`` and ``_n``
        case counts, ``z`` and p-values plain numbers.

    Raises
    ------
    ValueError
        Missing columns (the message lists what the table has and what is needed), a
        percentage outside 0-100 or that no count out of its n rounds to, a count above its n,
        a row with neither counts nor a percentage, counts and a percentage that disagree.

    Notes
    -----
    ``significant`` is the chosen test's call (by default :func:`ztest`'s) on
    ``current_x / current_n`` against ``previous_x / previous_n``, unadjusted, as the published
    method makes it; the Holm and Benjamini-Hochberg p-values over the table's key questions
    are shown beside it. Percentages
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
    change_test = round_test(test)
    comparator_includes_provider = check_flag(
        "comparator_includes_provider", comparator_includes_provider
    )
    share = float(check_fraction("max_provider_share", max_provider_share))
    options = RoundOptions(
        alpha=alpha, alternative=alternative, pooled=pooled, continuity=continuity,
        max_provider_share=share,
    )  # fmt: skip
    prepared = prepare_input(
        table, columns=columns, previous_n=previous_n, comparator_n=comparator_n, sheet=sheet,
        comparator_includes_provider=comparator_includes_provider, max_provider_share=share,
    )  # fmt: skip
    changes = _change_columns(prepared.frame, change_test, options)
    comparator = _comparator_columns(prepared.frame, options, comparator_includes_provider)
    out = _assemble(prepared.frame, changes, comparator, _band_columns(prepared.frame, band_basis))
    out["sentence"] = [_sentence(r, alpha) for r in out.to_dict("records")]
    out = out[list(REPORT_COLUMNS)]
    standards = rate_standards(out, standard_ratings=standard_ratings)
    provider = provider_rating_from(standards)
    return RoundComparison(
        table=out,
        alpha=alpha,
        method=_methods(changes, "method") or "",
        comparator_method=_methods(comparator, "comparator_method"),
        band_basis=band_basis,
        assumptions=prepared.assumptions,
        standards=standards,
        provider=provider,
        provider_score_range=score_range(standards) if provider is not None else None,
        sensitivity=_sensitivity(out, options),
    )
