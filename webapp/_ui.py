"""What every page shares: library errors named by form field, warnings, the session's folder.

* :func:`attempt` calls a library function; a ``ValueError`` or ``TypeError`` becomes one line
  in the page (the library's own message, each parameter named by its form label), warnings are
  shown beside the result, and the app keeps running.
* :func:`session_folder` is this browser session's temporary folder (held in the session's
  state with a finalizer, so it is removed when Streamlit discards the session, and at the
  latest when the app stops). :func:`staged` puts an
  upload there for as long as a library function needs a path, then removes it.
* :func:`png` renders a matplotlib figure (the library's charts, made without pyplot) to bytes.

No case data is cached: nothing here (nor anywhere in the app) uses ``st.cache_data`` or
``st.cache_resource``; uploads live in the session's state and its folder only.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import shutil
import tempfile
import threading
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from inspection_core.errors import render_error

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["VERSION", "attempt", "error_text", "png", "scratch", "session_folder", "staged"]

T = TypeVar("T")
VERSION = importlib.metadata.version("inspection-toolkit")
FOLDER_KEY = "_webapp_session_folder"


def error_text(exc: BaseException, labels: Mapping[str, str]) -> str:
    """The library's one-line message with each API parameter named by its form label.

    Examples
    --------
    >>> from inspection_core.errors import ParameterError
    >>> err = ParameterError("x1", "must be at most {n1} (100); got 120", refs=["n1"])
    >>> error_text(err, {"x1": "Met (this round)", "n1": "Cases (this round)"})
    'Met (this round) must be at most Cases (this round) (100); got 120'
    >>> error_text(ValueError("cases.csv is empty"), {})
    'cases.csv is empty'
    """
    return render_error(exc, lambda name: labels.get(name, name))


def attempt(call: Callable[[], T], labels: Mapping[str, str]) -> T | None:
    """Run ``call``; show its error (one line, form labels) and warnings in the page.

    Returns the result, or None when the library refused the input (the message is on the page).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except (ValueError, TypeError) as exc:
            st.error(error_text(exc, labels))
            return None
    for item in caught:  # the library's caveats (UserWarning subclasses), not Python's own
        if issubclass(item.category, UserWarning):
            st.warning(" ".join(str(item.message).split()))
    return result


class SessionFolder:
    """A temporary folder that lives as long as the session holding it (or until the app stops)."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="inspection-webapp-"))
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)


def session_folder() -> Path:
    """The session's temporary folder, made on first use and removed with the session."""
    holder = st.session_state.get(FOLDER_KEY)
    if not isinstance(holder, SessionFolder):
        holder = SessionFolder()
        st.session_state[FOLDER_KEY] = holder
    return holder.path


# Staged paths in use, with how many runs use each. Streamlit's fast reruns (its default) start
# the next script run while the stopped one is still finishing, so two runs of one session can
# stage the same file name at once: the folder goes when the last of them is done with it.
_STAGED_LOCK = threading.Lock()
_STAGED_USERS: dict[Path, int] = {}


@contextmanager
def staged(name: str, data: bytes) -> Iterator[Path]:
    """An uploaded file written into the session's folder under its own name, removed after.

    One folder per file name (the same on every run, so a message naming the path reads the
    same each time). The bytes are written to a temporary name and renamed into place, so a run
    still reading the path sees a whole file; the folder is removed when no run uses it.
    """
    label = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    folder = session_folder() / f"upload-{label}"
    path = folder / (Path(name).name or "upload")
    with _STAGED_LOCK:
        folder.mkdir(exist_ok=True)
        part = folder / f".{uuid.uuid4().hex}.part"
        part.write_bytes(data)
        os.replace(part, path)
        _STAGED_USERS[path] = _STAGED_USERS.get(path, 0) + 1
    try:
        yield path
    finally:
        with _STAGED_LOCK:
            left = _STAGED_USERS.pop(path) - 1
            if left:
                _STAGED_USERS[path] = left
            else:
                shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def scratch(within: Path | None = None) -> Iterator[Path]:
    """An empty folder inside the session's folder, removed after use (for written outputs).

    ``within`` names the session's folder where there is no script run to ask (a download
    made when its button is clicked).
    """
    folder = Path(tempfile.mkdtemp(prefix="out-", dir=within or session_folder()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def png(figure: Figure, dpi: int = 150) -> bytes:
    """A figure as PNG bytes (150 dpi, as the library saves its charts; less to show it)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def confidence_input(where: Any, key: str) -> float:
    """The confidence level field every page uses: percent, 50 to 99.9, default the rule's 80."""
    value = where.number_input(
        "Confidence level (%)",
        min_value=50.0,
        max_value=99.9,
        value=80.0,
        step=5.0,
        key=key,
    )
    return float(value)
