"""Page 4, Findings: a placeholder until the findings work (issue 15) is on main.

When ``significance.findings`` lands, this page uploads the inspectors' case answers and the
fieldwork pack and shows each key question's result with its interval over the bands, the
sub-groups, the ratings and a download, all from that module's public functions.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["render"]

MESSAGE = (
    "Findings come with the findings work (issue 15: from inspectors' case answers to the "
    "published findings), which is not in this version of the toolkit yet. When it lands, this "
    "page will take the case answers and the fieldwork pack and show each key question's "
    "result with its interval over the rating bands, the sub-groups, the ratings and a download."
)


def render() -> None:
    """Draw the page."""
    st.title("Findings")
    st.info(MESSAGE)
    st.write(
        "Until then: test a change between rounds on *Test a change* (one key question, or a "
        "table of key questions with the whole comparison report), and rate key questions and "
        "standards on *Ratings*."
    )
