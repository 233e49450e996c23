"""Helpers for driving the web app headless with Streamlit's AppTest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from webapp import APP_SCRIPT

TIMEOUT = 120  # seconds per run: generous, the first run imports pandas and matplotlib


def open_page(page: str | None = None) -> AppTest:
    """The app, run once, then switched to ``pages/<page>.py`` (the start page if None)."""
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {str(m.label): str(m.value) for m in at.metric}


def shown_json(at: AppTest, index: int = 0) -> Any:
    return json.loads(str(at.json[index].value))


@pytest.fixture
def size_page() -> AppTest:
    return open_page()


Downloads = dict[str, bytes]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """What each download button would give the user, by file name (the latest run's)."""
    import streamlit as st

    seen: Downloads = {}
    original = st.download_button

    def recording(label: str, data: Any, file_name: str | None = None, **kw: Any) -> bool:
        made = data() if callable(data) else data  # a download made when clicked, made here
        content = made.encode("utf-8") if isinstance(made, str) else bytes(made)
        seen[str(file_name)] = content
        return original(label, data, file_name=file_name, **kw)

    monkeypatch.setattr(st, "download_button", recording)
    return seen
