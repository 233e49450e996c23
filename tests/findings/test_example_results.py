"""The synthetic results file: made by scripts/make_example_results.py for the bundled draw.

If the bundled draw changes (a new allocation or selection), these fail: re-run
`python scripts/make_example_results.py` and the notebooks.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from significance.findings import CaseFindings

from .conftest import RESULTS, by

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_example_results", ROOT / "scripts/make_example_results.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def test_results_are_the_bundled_draws_sample(example_draw: Path) -> None:
    results = pd.read_csv(RESULTS, dtype=str, keep_default_na=False)
    sample = pd.read_csv(example_draw / "sample.csv", dtype=str)
    assert sorted(results["case_id"]) == sorted(sample["case_id"])


def test_script_rewrites_the_committed_file_exactly() -> None:
    again = SCRIPT.make_results(SCRIPT.example_sample())
    committed = pd.read_csv(RESULTS, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(again.astype(str), committed)


def test_harm_questions_are_blank_for_low_rosh_cases(example_draw: Path) -> None:
    results = pd.read_csv(RESULTS, dtype=str, keep_default_na=False).set_index("case_id")
    sample = pd.read_csv(example_draw / "sample.csv", dtype=str).set_index("case_id")
    low = sample.index[sample["risk"] == "low"]
    for kq in SCRIPT.HARM:
        assert (results.loc[low, kq] == "").all()
        assert (results.drop(index=low)[kq] != "").all()


@pytest.mark.parametrize("kq", sorted(SCRIPT.PLANTED))
def test_findings_reproduce_the_planted_counts(kq: str, example_findings: CaseFindings) -> None:
    yes, answered, not_applicable = SCRIPT.PLANTED[kq]
    row = by(example_findings.key_questions, "key_question")[kq]
    assert (row["yes"], row["answered"], row["not_applicable"]) == (yes, answered, not_applicable)
    assert row["pct"] == (200 * yes + answered) // (2 * answered)  # half up, exact integers
    assert row["unanswered"] == 0


def test_findings_reproduce_the_planted_community_licence_splits(
    example_findings: CaseFindings,
) -> None:
    groups = example_findings.subgroups
    disposal = by(groups[groups["group"] == "disposal"], "key_question", "level")
    for kq, (community, licence) in SCRIPT.PLANTED_SPLITS.items():
        assert [disposal[(kq, "community")][c] for c in ("yes", "answered")] == [community, 58]
        assert [disposal[(kq, "licence")][c] for c in ("yes", "answered")] == [licence, 42]
