"""Page 1, How many cases: the sample size by the published rule, shown with its working.

Every number comes from :func:`sampling.sample_size`, :func:`sampling.margin_of_error` and
:func:`sampling.implied_population`; the page only formats them (the formula is printed with the
result's own values put in).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import partial
from typing import Any

import streamlit as st

import sampling
from sampling import SampleSize, implied_population, margin_of_error, sample_size

from ._ui import VERSION, attempt, confidence_input

__all__ = ["formula_text", "render", "size_record"]

LABELS = {
    "population_size": "Eligible population",
    "margin_of_error": "Margin of error",
    "confidence_level": "Confidence level",
    "proportion": "Expected proportion",
    "method": "Method",
    "n": "Cases sampled",
}
METHODS = {
    "normal": "Normal (the published rule: Cochran with the finite population correction)",
    "wilson": "Wilson score interval",
    "exact": "Exact (hypergeometric / Clopper-Pearson)",
}
# The curve's populations: the range eligible populations of case-supervision samples fall in.
CURVE_POPULATIONS = [*range(20, 500, 10), *range(500, 2001, 50)]
# Defaults of the sub-group rows: the bundled example's women (16 of 39) and licence cases
# (28 of 71) in its sample of 100 of 250.
SUBGROUPS = (("Women", 16, 39), ("Licence cases", 28, 71))


def _number(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def formula_text(result: SampleSize) -> str:
    """The calculation written out with the result's own numbers.

    Examples
    --------
    >>> print(formula_text(sample_size(250)))
    n0 = z^2 p (1 - p) / e^2 = 1.2816^2 x 0.5 x 0.5 / 0.05^2 = 164.2374
    n  = n0 N / (n0 + N - 1) = 164.2374 x 250 / (164.2374 + 250 - 1) = 99.3602, rounded up: 100
    achieved margin = z sqrt(p (1 - p) / n x (N - n) / (N - 1))
                    = 1.2816 x sqrt(0.5 x 0.5 / 100 x 150 / 249) = 0.0497 (+/-4.97 points)
    z = 1.2816 is the two-sided normal quantile for 80% confidence (1.2815515655446004).
    """
    z, p, e = result.z, result.proportion, result.margin_of_error
    big_n, n = result.population_size, result.n
    q = _number(1 - p)
    zq = _number(z)
    conf = f"{100 * result.confidence_level:g}% confidence ({z!r})"
    margin = f"{_number(result.achieved_margin)} (+/-{100 * result.achieved_margin:.2f} points)"
    if result.method != "normal":
        name = "Wilson score" if result.method == "wilson" else "exact (hypergeometric)"
        within = f"the smallest n whose {name} interval at p = {_number(p)} is within +/-"
        return (
            f"n = {within}{_number(e)}{'' if big_n is None else f' from N = {big_n}'}: {n}\n"
            f"achieved margin at n = {n}: {margin}\n"
            f"z = {zq} is the two-sided normal quantile for {conf}."
        )
    deff = "" if result.design_effect == 1 else f"{_number(result.design_effect)} x "
    deff_sym = "" if result.design_effect == 1 else "deff "
    lines = [
        f"n0 = {deff_sym}z^2 p (1 - p) / e^2 = {deff}{zq}^2 x {_number(p)} x {q} / "
        f"{_number(e)}^2 = {_number(result.n0)}"
    ]
    if big_n is None:
        lines.append(f"n  = n0 (no finite population correction), rounded up: {n}")
        lines.append(
            f"achieved margin = z sqrt(p (1 - p) / n) = {zq} x sqrt({_number(p)} x {q} / {n}) "
            f"= {margin}"
        )
    else:
        capped = " (capped at N)" if n == big_n and result.n_unrounded > big_n else ""
        lines.append(
            f"n  = n0 N / (n0 + N - 1) = {_number(result.n0)} x {big_n} / "
            f"({_number(result.n0)} + {big_n} - 1) = {_number(result.n_unrounded)}, "
            f"rounded up: {n}{capped}"
        )
        lines.append("achieved margin = z sqrt(p (1 - p) / n x (N - n) / (N - 1))")
        lines.append(
            f"                = {zq} x sqrt({_number(p)} x {q} / {n} x {big_n - n} / "
            f"{big_n - 1}) = {margin}"
        )
    lines.append(f"z = {zq} is the two-sided normal quantile for {conf}.")
    return "\n".join(lines)


def size_record(
    result: SampleSize,
    subgroups: list[tuple[str, int, int, float]],
    implied: sampling.ImpliedPopulation | None,
    *,
    when: dt.datetime | None = None,
) -> str:
    """The text to paste into the inspection's records: inputs, answer, working, sub-groups.

    Examples
    --------
    >>> text = size_record(sample_size(250), [("Women", 16, 39, margin_of_error(16, 39))], None,
    ...                    when=dt.datetime(2026, 1, 5, 9, 30))
    >>> print(text.splitlines()[0])
    Sample size, inspection-toolkit 0.1.0, 2026-01-05 09:30
    >>> print(text.splitlines()[2])
    Answer: Inspect 100 cases for a margin of error of +/-5 points at 80% confidence from an eligible population of 250 (normal method); the achieved margin is +/-4.97 points.
    """  # noqa: E501 - a doctest line cannot wrap
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    pop = "not given (very large)" if result.population_size is None else result.population_size
    lines = [
        f"Sample size, inspection-toolkit {VERSION}, {stamp}",
        f"Inputs: eligible population {pop}; margin of error +/-"
        f"{100 * result.margin_of_error:g} points; confidence {100 * result.confidence_level:g}%; "
        f"expected proportion {100 * result.proportion:g}%; method {result.method}.",
        f"Answer: {result.summary()}",
        "Working:",
        *(f"  {line}" for line in formula_text(result).splitlines()),
    ]
    if subgroups:
        lines.append("Sub-group margins (worst case, finite population corrected):")
        lines += [
            f"  {name}: {n} of {big_n}: +/-{100 * moe:.2f} points"
            for name, n, big_n, moe in subgroups
        ]
    if implied is not None:
        lines.append(f"Published sample: {implied.summary()}")
    lines.append("Python: sampling.sample_size; command line: python -m sampling size.")
    return "\n".join(lines)


def _inputs() -> dict[str, Any] | None:
    left, right = st.columns(2)
    with left:
        unknown = st.checkbox(
            "Population unknown or very large",
            key="size_infinite",
            help="No finite population correction: the rule's most cautious size (165).",
        )
        population = st.number_input(
            "Eligible population (cases meeting the inspection's criteria)",
            value=250,
            step=1,
            key="size_population",
            disabled=unknown,
        )
        method = st.selectbox(
            "Method", list(METHODS), format_func=METHODS.__getitem__, key="size_method"
        )
    with right:
        margin = st.number_input(
            "Margin of error (+/- percentage points)",
            min_value=0.5,
            max_value=50.0,
            value=5.0,
            step=0.5,
            key="size_margin",
        )
        confidence = confidence_input(st, "size_confidence")
        proportion = st.number_input(
            "Expected proportion (%)",
            min_value=1.0,
            max_value=99.0,
            value=50.0,
            step=5.0,
            key="size_proportion",
            help="50% is the most cautious choice and the rule's.",
        )
    return {
        "population_size": None if unknown else population,
        "margin_of_error": margin / 100,
        "confidence_level": confidence / 100,
        "proportion": proportion / 100,
        "method": method,
    }


def _subgroups(options: dict[str, Any]) -> list[tuple[str, int, int, float]]:
    st.subheader("Sub-group margins")
    st.caption(
        "Findings split by sub-group rest on fewer cases: their margin of error is wider than "
        "the whole sample's. Each is computed from the sub-group's sample and its own eligible "
        "population."
    )
    rows = []
    for i, (name, n_default, pop_default) in enumerate(SUBGROUPS):
        a, b, c, d = st.columns([2, 1, 1, 2])
        label = a.text_input("Sub-group", value=name, key=f"size_sub{i}_name")
        n = b.number_input("Sampled", value=n_default, step=1, key=f"size_sub{i}_n")
        big_n = c.number_input("Eligible", value=pop_default, step=1, key=f"size_sub{i}_pop")
        with d:
            moe = attempt(
                partial(
                    margin_of_error,
                    n,
                    big_n,
                    confidence_level=options["confidence_level"],
                    proportion=options["proportion"],
                    method=options["method"],
                ),
                {**LABELS, "n": f"{label}: sampled", "population_size": f"{label}: eligible"},
            )
            if moe is not None:
                st.metric(f"{label}: margin", f"+/-{100 * moe:.2f} points")
                rows.append((label, int(n), int(big_n), float(moe)))
    return rows


def _curve(options: dict[str, Any]) -> None:
    st.subheader("Cases needed against eligible population")
    if options["method"] == "exact" and not st.checkbox(
        "Draw the curve for the exact method (it searches every population: up to a minute)",
        key="size_exact_curve",
    ):
        return
    curve = attempt(
        lambda: sample_size(
            CURVE_POPULATIONS,
            margin_of_error=options["margin_of_error"],
            confidence_level=options["confidence_level"],
            proportion=options["proportion"],
            method=options["method"],
        ),
        LABELS,
    )
    if curve is None:
        return
    import pandas as pd

    data = pd.DataFrame({"Eligible population": CURVE_POPULATIONS, "Cases to inspect": curve.n})
    st.line_chart(data, x="Eligible population", y="Cases to inspect", height=260)
    infinite = sample_size(
        margin_of_error=options["margin_of_error"],
        confidence_level=options["confidence_level"],
        proportion=options["proportion"],
        method=options["method"],
    ).n
    st.caption(f"The curve flattens towards {infinite}, the size for a very large population.")


def _implied(options: dict[str, Any]) -> sampling.ImpliedPopulation | None:
    st.subheader("The population a published sample implies")
    n = st.number_input("Published sample size", value=100, step=1, key="size_implied_n")
    if options["method"] != "normal":
        st.caption("Implied populations follow the normal rule only.")
    found = attempt(
        lambda: implied_population(
            n,
            margin_of_error=options["margin_of_error"],
            confidence_level=options["confidence_level"],
            proportion=options["proportion"],
        ),
        {**LABELS, "n": "Published sample size"},
    )
    if found is not None:
        st.write(found.summary())
    return found


def render() -> None:
    """Draw the page."""
    st.title("How many cases")
    st.write(
        "The published rule: enough cases for a margin of error of +/-5 points at 80% "
        "confidence, with the finite population correction, rounded up once at the end."
    )
    options = _inputs()
    if options is None:  # pragma: no cover - the inputs always give options
        return
    result = attempt(lambda: sample_size(**options), LABELS)
    if result is not None:
        a, b, c = st.columns(3)
        a.metric("Cases to inspect", f"{result.n}")
        b.metric("Achieved margin", f"+/-{100 * result.achieved_margin:.2f} points")
        n0 = "n/a" if math.isnan(result.n0) else f"{result.n0:.2f}"
        c.metric("Size for a very large population (n0)", n0)
        st.write(result.summary())
        st.markdown("**The working**")
        st.code(formula_text(result), language=None)
        with st.expander("Every number (as `python -m sampling size --json` prints it)"):
            st.json(json.dumps(result.to_dict()))
    subgroups = _subgroups(options)
    _curve(options)
    implied = _implied(options)
    if result is not None:
        st.subheader("Copy this record")
        st.caption("The copy button is at the top right of the box.")
        st.code(size_record(result, subgroups, implied), language=None)
