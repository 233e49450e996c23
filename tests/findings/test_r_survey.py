"""Design-based estimates and standard errors against R `survey` (tests/r/findings_references.R).

The CSV holds R 4.2.2 / survey 4.1.1 output: svymean(~y, subset(design, answered)) and
svyciprop(method = "logit", level = 0.8, df = Inf) with survey.lonely.psu = "adjust".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from significance.findings import case_findings, design_proportion

from .conftest import RESULTS, by

R_DIR = Path(__file__).resolve().parents[1] / "r"
REFERENCES = pd.read_csv(
    R_DIR / "findings_references.csv", comment="#", dtype={"key_question": str}
)


def _rows(design: str) -> dict[Any, dict[str, Any]]:
    return by(REFERENCES[REFERENCES["design"] == design], "key_question")


def test_reference_file_names_its_r_version() -> None:
    first = (R_DIR / "findings_references.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# R version") and "survey" in first


@pytest.mark.parametrize("design", ["example_allocation", "example_self_weighting"])
def test_example_design_estimates_equal_r(
    design: str, by_allocation_draw: Path, self_weighting_draw: Path
) -> None:
    folder = by_allocation_draw if design == "example_allocation" else self_weighting_draw
    table = by(case_findings(RESULTS, sample=folder).key_questions, "key_question")
    expected = _rows(design)
    assert sorted(table) == sorted(expected)
    for kq, r in expected.items():
        got = table[kq]
        assert got["answered"] == r["n"]
        assert got["population_estimate"] == pytest.approx(r["population"], rel=1e-12)
        assert got["design_estimate"] == pytest.approx(r["estimate"], rel=1e-12)
        assert got["design_se"] == pytest.approx(r["se"], rel=1e-10)
        # R fits the logit interval by iteratively reweighted least squares (svyglm, epsilon
        # 1e-8): its interval ends agree with the closed form to about 1e-9
        assert got["design_low"] == pytest.approx(r["low"], rel=1e-8)
        assert got["design_high"] == pytest.approx(r["high"], rel=1e-8)


def test_self_weighting_design_equals_the_plain_percentage(self_weighting_draw: Path) -> None:
    findings = case_findings(RESULTS, sample=self_weighting_draw)
    t = findings.key_questions
    assert findings.self_weighting
    np.testing.assert_allclose(t["design_estimate"], t["yes"] / t["answered"], rtol=1e-12)
    assert not t["design_differs"].any()
    assert any("self-weighting" in s and "equals the plain" in s for s in findings.statements)


def test_the_draw_is_self_weighting_and_says_so(example_draw: Path) -> None:
    # the unbiased rounding gives every case the probability n / N = 0.4 (sample.csv records it)
    findings = case_findings(RESULTS, sample=example_draw)
    assert findings.self_weighting
    assert not findings.key_questions["design_differs"].any()


def test_cell_fractions_are_not_self_weighting_and_say_so(by_allocation_draw: Path) -> None:
    # without recorded probabilities each case's is its cell's n_c / N_c, which differ by cell
    findings = case_findings(RESULTS, sample=by_allocation_draw)
    assert not findings.self_weighting
    assert findings.key_questions["design_differs"].any()
    assert any("not self-weighting" in s for s in findings.statements)


def test_disproportionate_design_equals_r() -> None:
    data = pd.read_csv(R_DIR / "findings_design.csv")
    expected = _rows("disproportionate")
    for kq in ("q_all", "q_sub"):
        answered = data[kq].notna().to_numpy()
        got = design_proportion(
            data[kq].fillna(0).to_numpy(),
            strata=data["stratum"].to_numpy(),
            stratum_sizes=data["N"].to_numpy(dtype=float),
            domain=answered,
        )
        r = expected[kq]
        assert got.n == r["n"]
        assert got.population_estimate == pytest.approx(r["population"], rel=1e-12)
        assert got.estimate == pytest.approx(r["estimate"], rel=1e-12)
        assert got.standard_error == pytest.approx(r["se"], rel=1e-10)
        assert (got.low, got.high) == pytest.approx((r["low"], r["high"]), rel=1e-8)
        assert got.estimate != pytest.approx(got.unweighted, abs=1e-3)  # not self-weighting
