"""Fixtures: the bundled example draw written to a folder (as `make example` writes it)."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sampling import draw, read_cases, write_draw
from significance.findings import CaseFindings, case_findings

POPULATION = str(files("sampling") / "data/example_population.csv")
RESULTS = str(files("significance.findings") / "data/example_results.csv")


@pytest.fixture(scope="session")
def example_draw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example draw: bundled population, n auto, seed 2026, two reserves (make example)."""
    folder = tmp_path_factory.mktemp("draw") / "example"
    result = draw(read_cases(POPULATION), "auto", seed=2026, reserves=2)
    write_draw(result, folder, input_path=POPULATION)
    return folder


@pytest.fixture(scope="session")
def self_weighting_draw(example_draw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same draw with every case's inclusion probability n / N recorded (issue 12's output)."""
    folder = tmp_path_factory.mktemp("draw") / "self_weighting"
    shutil.copytree(example_draw, folder)
    for name in ("sample.csv", "reserves.csv"):
        frame = pd.read_csv(folder / name, dtype=str)
        frame["inclusion_probability"] = 0.4
        frame["design_weight"] = 2.5
        frame.to_csv(folder / name, index=False)
    return folder


@pytest.fixture(scope="session")
def by_allocation_draw(example_draw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same draw without recorded probabilities: each case's is its cell's n_c / N_c."""
    folder = tmp_path_factory.mktemp("draw") / "by_allocation"
    shutil.copytree(example_draw, folder)
    for name in ("sample.csv", "reserves.csv"):
        frame = pd.read_csv(folder / name, dtype=str)
        frame = frame.drop(columns=["inclusion_probability", "design_weight"])
        frame.to_csv(folder / name, index=False)
    return folder


FULL_RATINGS = {"1.1": "Good", "1.2": "Good", "1.3": "Good", "1.4": "Good"}
FULL_RATINGS |= {"4.1": "Good", "4.2": "Outstanding"}


@pytest.fixture(scope="session")
def example_findings(example_draw: Path) -> CaseFindings:
    """Findings of the example results, with the standards the case files do not rate."""
    return case_findings(RESULTS, sample=example_draw, standard_ratings=FULL_RATINGS)


def row(frame: pd.DataFrame, **keys: str) -> dict[str, Any]:
    """The one row of ``frame`` whose columns equal ``keys``, as a dict."""
    mask = pd.Series(True, index=frame.index)
    for column, value in keys.items():
        mask &= frame[column] == value
    found = frame[mask].to_dict("records")
    assert len(found) == 1, f"{len(found)} rows match {keys}"
    return {str(k): v for k, v in found[0].items()}


def by(frame: pd.DataFrame, *columns: str) -> dict[Any, dict[str, Any]]:
    """Rows of ``frame`` as dicts, keyed by one column's value or a tuple of several."""
    out: dict[Any, dict[str, Any]] = {}
    for record in frame.to_dict("records"):
        clean = {str(k): v for k, v in record.items()}
        key = tuple(clean[c] for c in columns) if len(columns) > 1 else clean[columns[0]]
        out[key] = clean
    return out
