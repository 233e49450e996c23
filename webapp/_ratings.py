"""Page 5, Ratings: a percentage to its band with the panel's options; ten standards to a rating.

The band comes from :func:`significance.rating_band`, the panel's room to move it from
``significance.report.standards.near_boundary`` (what ``python -m significance rating`` uses),
the provider rating from :func:`significance.provider_rating`.
"""

from __future__ import annotations

import json

import streamlit as st

from significance import RATINGS, provider_rating, rating_band
from significance.report.standards import STANDARD_NAMES, near_boundary

from ._ui import attempt

__all__ = ["render"]

LABELS = {"percentage": "Key question's result (%)", "ratings": "Standard ratings"}
BASES = {
    "published": "The published whole percentage (rounded half up), as reports print it",
    "unrounded": "The unrounded value",
}
# The Thames Valley CRC 2019 ratings (published overall rating: Good), the page's start values.
EXAMPLE = ("Good",) * 6 + ("Inadequate",) * 2 + ("Good", "Outstanding")


def _band() -> None:
    st.subheader("A key question's band")
    a, b = st.columns(2)
    percentage = a.number_input(LABELS["percentage"], value=64.0, step=1.0, key="rating_pct")
    basis = b.radio("Band", list(BASES), format_func=BASES.__getitem__, key="rating_basis")
    counted = st.checkbox(
        "I know the counts (to check whether one case would change the band)", key="rating_counted"
    )
    x = n = None
    if counted:
        c, d = st.columns(2)
        x = int(c.number_input("Cases meeting the standard", value=64, step=1, key="rating_x"))
        n = int(d.number_input("Cases inspected", value=100, step=1, key="rating_n"))
    band = attempt(lambda: rating_band(percentage, basis=basis), LABELS)
    if band is None:
        return
    flags = attempt(
        lambda: near_boundary(percentage, x, n, basis=basis),
        {**LABELS, "x": "Cases meeting the standard", "n": "Cases inspected"},
    )
    if flags is None:
        return
    reasons, others = flags
    options = [band, *(o for o in others if o != band)]
    st.metric("Band", band)
    if reasons:
        st.write(
            f"Near a band edge ({'; '.join(reasons)}): the panel may consider "
            f"{' or '.join(options)}."
        )
    else:
        st.write("Not near a band edge: the panel has no room to move it.")
    record = {
        "percentage": percentage,
        "basis": basis,
        "band": band,
        "near_boundary": bool(reasons),
        "reasons": list(reasons),
        "panel_options": options,
    }
    with st.expander("Every number (as `python -m significance rating --json` prints it)"):
        st.json(json.dumps(record))


def _provider() -> None:
    st.subheader("The provider rating from ten standards")
    st.caption(
        "Inadequate scores 0, Requires improvement 1, Good 2, Outstanding 3; the total "
        "of 30 gives the rating (0-5, 6-15, 16-25, 26-30)."
    )
    chosen = []
    columns = st.columns(2)
    for i, (code, name) in enumerate(STANDARD_NAMES.items()):
        with columns[i % 2]:
            chosen.append(
                st.selectbox(
                    f"{code} {name}",
                    RATINGS,
                    index=RATINGS.index(EXAMPLE[i]),
                    key=f"rating_std_{code}",
                )
            )
    result = attempt(lambda: provider_rating(chosen), LABELS)
    if result is None:
        return
    a, b = st.columns(2)
    a.metric("Provider rating", result.rating)
    b.metric("Score", f"{result.score} of 30")
    st.code(
        "\n".join(
            [
                result.summary(),
                *(
                    f"{code} {STANDARD_NAMES[code]}: {rating} ({score})"
                    for code, rating, score in zip(
                        STANDARD_NAMES, chosen, result.scores, strict=True
                    )
                ),
            ]
        ),
        language=None,
    )


def render() -> None:
    """Draw the page."""
    st.title("Ratings")
    st.write(
        "Each key question's percentage falls in a band: under 50% Inadequate, 50-64% Requires "
        "improvement, 65-79% Good, 80% and over Outstanding. A standard takes the band of its "
        "lowest key question; a panel may move it one band when that result is within 5 points "
        "of an edge or one case judged differently would change it."
    )
    _band()
    _provider()
