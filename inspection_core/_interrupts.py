"""Whether a Ctrl-C has arrived in this process (set by `cli.watch_interrupts`).

One flag, kept apart from the command line so that :func:`inspection_core.files.write_folder`
can consult it without importing the command-line plumbing: a Ctrl-C that a library swallowed
(it surfaced inside an import and was caught there) still stops a folder from being put in
place, so an interrupted command never leaves results behind.
"""

from __future__ import annotations

__all__ = ["Interrupts"]


class Interrupts:
    """``seen``: a Ctrl-C has arrived since :func:`inspection_core.cli.watch_interrupts`."""

    seen = False
