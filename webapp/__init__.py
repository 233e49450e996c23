"""A local web app for methodology staff: the toolkit's sizing, draw, tests and ratings in a page.

Start it with ``python -m webapp`` (or ``make app``): it runs on this computer only (bound to
127.0.0.1, usage statistics off, nothing fetched from outside) and prints the address to open.
The pages call the public functions of :mod:`sampling` and :mod:`significance` and nothing else
does any statistics: the app reads forms, shows results and builds downloads.

Pages (``webapp/pages/``, run by Streamlit): How many cases, Draw the sample, Test a change,
Findings, Ratings. Their code is in the private modules ``_size``, ``_draw``, ``_change``,
``_findings`` and ``_ratings``; ``_ui`` holds what they share.
"""

from ._launch import APP_SCRIPT, main, streamlit_arguments

__all__ = ["APP_SCRIPT", "main", "streamlit_arguments"]
