"""Per key question: counts, percentage, margin, Wilson and design-based intervals, rating band.

Every figure is computed from the counts (answered n, yes x) and the design (each case's cell,
the cell's population and the case's weight); nothing is read back from a percentage.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from inspection_core.intervals import wilson
from inspection_core.normal import z_value

from .. import RATINGS, percent_half_up, rating_band, standard_rating
from ._estimate import design_proportion
from ._results import CaseAnswers

__all__ = [
    "KEY_QUESTION_COLUMNS",
    "band_span",
    "key_question_table",
    "margin_at_half",
    "one_case_bands",
]

KEY_QUESTION_COLUMNS = (
    "key_question", "standard", "wording", "sub_sample", "eligible", "answered", "yes",
    "not_applicable", "unanswered", "pct", "proportion", "population_estimate",
    "margin_of_error", "wilson_low", "wilson_high", "design_estimate", "design_se",
    "design_low", "design_high", "design_differs", "band", "interval_bands",
    "one_case_changes_band", "one_case_bands", "near_boundary", "panel_options",
    "boundary_reasons", "sentence",
)  # fmt: skip


def margin_at_half(n: int, population: float, z: float) -> float:
    """``z sqrt(0.25 / n (N - n) / (N - 1))``: the rule's margin (p = 0.5) with the correction."""
    if n < 1:
        return math.nan
    f = 1.0 if math.isinf(population) or population <= 1 else (population - n) / (population - 1)
    return z * math.sqrt(0.25 / n * max(f, 0.0))


def band_span(low: float, high: float) -> list[str]:
    """The rating bands an interval (proportions) overlaps, lowest first, on unrounded values.

    Examples
    --------
    >>> band_span(0.583, 0.719)
    ['Requires improvement', 'Good']
    """
    first = RATINGS.index(rating_band(100 * low, basis="unrounded"))
    last = RATINGS.index(rating_band(100 * high, basis="unrounded"))
    return list(RATINGS[first : last + 1])


def one_case_bands(x: int, n: int) -> list[str]:
    """Bands of the published percentage with one case judged the other way, if they differ.

    Examples
    --------
    >>> one_case_bands(64, 100), one_case_bands(70, 100)
    (['Good'], [])
    """
    band = rating_band(percent_half_up(x, n))
    out = []
    for other in (x - 1, x + 1):
        if 0 <= other <= n:
            b = rating_band(percent_half_up(other, n))
            if b != band and b not in out:
                out.append(b)
    return out


def _sentence(row: dict[str, Any], level: float) -> str:
    if row["answered"] == 0:
        return "No case in its sub-sample answered it."
    share = f"{row['pct']}% ({row['yes']} of {row['answered']} cases)"
    spans = row["interval_bands"].split(", ")
    where = f"spans {' and '.join(spans)}" if len(spans) > 1 else f"lies within {spans[0]}"
    text = (
        f"{share}: {row['band']}; the {100 * level:g}% interval "
        f"{100 * row['wilson_low']:.1f}-{100 * row['wilson_high']:.1f}% {where}."
    )
    if row["one_case_changes_band"]:
        text += f" One case judged differently would make it {row['one_case_bands']}."
    if row["design_differs"]:
        text += (
            f" Weighted by the design: {100 * row['design_estimate']:.1f}% "
            f"(SE {100 * row['design_se']:.1f} points)."
        )
    return text


def key_question_table(
    answers: CaseAnswers, catalogue: pd.DataFrame, confidence_level: float
) -> pd.DataFrame:
    """One row per answered key question (columns :data:`KEY_QUESTION_COLUMNS`)."""
    z = float(z_value(confidence_level))
    cases = answers.cases
    info = catalogue.set_index("key_question")
    rows = []
    for kq in answers.key_questions:
        codes = answers.answers[kq]
        eligible = answers.eligible[kq].to_numpy(dtype=bool)
        answered = eligible & codes.isin(["yes", "no"]).to_numpy()
        yes = (codes == "yes").to_numpy() & answered
        n, x = int(answered.sum()), int(yes.sum())
        est = design_proportion(
            yes.astype(float),
            strata=cases["cell"].to_numpy(),
            stratum_sizes=cases["cell_population"].to_numpy(dtype=float),
            weights=cases["design_weight"].to_numpy(dtype=float),
            domain=answered,
            confidence_level=confidence_level,
        )
        row: dict[str, Any] = {
            "key_question": kq,
            "standard": info.loc[kq, "standard"],
            "wording": info.loc[kq, "wording"],
            "sub_sample": info.loc[kq, "sub_sample"] or "all cases",
            "eligible": int(eligible.sum()),
            "answered": n,
            "yes": x,
            "not_applicable": int((eligible & (codes == "n/a").to_numpy()).sum()),
            "unanswered": int((eligible & (codes == "").to_numpy()).sum()),
            "population_estimate": est.population_estimate,
            "design_estimate": est.estimate,
            "design_se": est.standard_error,
            "design_low": est.low,
            "design_high": est.high,
        }
        if n == 0:
            nan = math.nan
            row.update(
                pct=nan, proportion=nan, margin_of_error=nan, wilson_low=nan, wilson_high=nan,
                design_differs=False, band="", interval_bands="", one_case_changes_band=False,
                one_case_bands="", near_boundary=False, panel_options="", boundary_reasons="",
            )  # fmt: skip
        else:
            big_n = est.population_estimate
            f = (big_n - n) / (big_n - 1) if big_n > 1 else 0.0
            low, high = wilson(np.array(float(x)), np.array(float(n)), z, max(f, 0.0))
            pct = percent_half_up(x, n)
            rated = standard_rating([pct], counts=[(x, n)])
            others = one_case_bands(x, n)
            row.update(
                pct=pct,
                proportion=x / n,
                margin_of_error=margin_at_half(n, big_n, z),
                wilson_low=float(low),
                wilson_high=float(high),
                design_differs=bool(abs(est.estimate - x / n) > 1e-9),
                band=rating_band(pct),
                interval_bands=", ".join(band_span(float(low), float(high))),
                one_case_changes_band=bool(others),
                one_case_bands=" or ".join(others),
                near_boundary=rated.near_boundary,
                panel_options=" or ".join(rated.panel_options),
                boundary_reasons="; ".join(rated.reasons),
            )
        row["sentence"] = _sentence(row, confidence_level)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(KEY_QUESTION_COLUMNS))
