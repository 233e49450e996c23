"""The app's frame: page settings, the navigation between the five pages, the privacy note."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import streamlit as st

__all__ = ["PAGES", "main"]

HERE = Path(__file__).resolve().parent
# (script, title, url path); the first is the start page.
PAGES = (
    ("pages/size.py", "How many cases", "size"),
    ("pages/draw.py", "Draw the sample", "draw"),
    ("pages/change.py", "Test a change", "change"),
    ("pages/findings.py", "Findings", "findings"),
    ("pages/ratings.py", "Ratings", "ratings"),
)


# Imported in the background when the app first runs, so the first draw or report does not wait
# for them (the first page does not need them).
HEAVY = (
    "pandas",
    "scipy.optimize",
    "scipy.stats",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "openpyxl",  # reads uploaded workbooks
    "xlsxwriter",  # writes the fieldwork pack and the report workbooks
    "significance.report",
)
_warm: list[threading.Thread] = []


def _import_heavy() -> None:
    for name in HEAVY:
        importlib.import_module(name)


def main() -> None:
    """Run the app: set up the page and hand over to the chosen page's script."""
    st.set_page_config(page_title="Inspection toolkit", layout="wide")
    pages = [
        st.Page(str(HERE / script), title=title, url_path=url, default=i == 0)
        for i, (script, title, url) in enumerate(PAGES)
    ]
    page = st.navigation(pages)
    with st.sidebar:
        st.caption(
            "Runs on this computer only: nothing you type or upload leaves it. Uploaded files are "
            "held for this browser session only and removed when it ends."
        )
    page.run()
    if not _warm:  # after the first page is drawn, so as not to slow it down
        _warm.append(threading.Thread(target=_import_heavy, name="webapp-warm-up", daemon=True))
        _warm[0].start()
