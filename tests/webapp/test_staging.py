"""Staged uploads under Streamlit's fast reruns: a stopped run spares the next run's copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp import _ui


def test_overlapping_runs_keep_the_staged_file_until_the_last_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With runner.fastReruns (Streamlit's default) the next run starts while the stopped one is
    # still finishing: both stage messy_cases.xlsx at the same path. The browser test once saw
    # the stopped run's clean-up remove the new run's copy ("the file does not exist").
    monkeypatch.setattr(_ui, "session_folder", lambda: tmp_path)
    with _ui.staged("messy_cases.xlsx", b"old run") as old:
        with _ui.staged("messy_cases.xlsx", b"new run") as new:
            assert new == old and new.read_bytes() == b"new run"
        # the new run is done; the old run (still finishing) reads a whole file
        assert old.read_bytes() == b"new run"
    assert not old.exists() and not old.parent.exists()  # removed after the last run
    assert list(tmp_path.iterdir()) == []


def test_one_run_stages_and_removes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ui, "session_folder", lambda: tmp_path)
    with _ui.staged("cases.csv", b"a,b\n1,2\n") as path:
        assert path.name == "cases.csv" and path.read_bytes() == b"a,b\n1,2\n"
        assert [p.name for p in path.parent.iterdir()] == ["cases.csv"]  # no leftover part file
    assert list(tmp_path.iterdir()) == []
