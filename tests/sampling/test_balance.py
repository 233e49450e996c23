"""Balance report, chart, manifest and the all-or-nothing results folder."""

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import chisquare

from sampling import (
    BalanceWarning,
    balance_report,
    draw,
    make_manifest,
    margin_of_error,
    plot_balance,
    read_cases,
    reproduce_draw,
    write_draw,
)
from sampling._manifest import content_digest

EXAMPLE = "sampling/data/example_population.csv"


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return read_cases(EXAMPLE)


def test_balance_table_and_margins(cases: pd.DataFrame) -> None:
    result = draw(cases, "auto", seed=2026)
    with pytest.warns(BalanceWarning, match="risk: expected sample count 0.40 for 'very high'"):
        report = balance_report(cases, result.sample)
    table = report.table
    women = table[table["level"] == "female"].iloc[0]
    assert (women["population"], women["target"], women["sample"]) == (39, 16, 15)
    # quota 100 * 39 / 250 = 15.6: floor 15, ceiling 16; 15 drawn (seed 2026), inside the range
    assert women["quota"] == pytest.approx(15.6)
    assert (women["floor"], women["ceiling"], women["outside"]) == (15, 16, 0)
    assert women["population_share"] == pytest.approx(0.156)
    assert women["share_difference"] == pytest.approx(-0.6)
    # Achieved margins come from the sizing module: whole sample and each sub-group.
    assert report.margin_of_error == pytest.approx(margin_of_error(100, 250))
    assert report.margin_of_error == pytest.approx(0.0497, abs=5e-5)  # domain notes
    assert women["margin_of_error"] == pytest.approx(margin_of_error(15, 39))
    # the one very-high case is in this draw (as in 40% of draws): 1 of 1, no sampling error
    very_high = table[table["level"] == "very high"].iloc[0]
    assert very_high["sample"] == 1 and very_high["margin_of_error"] == 0.0
    # Chi-square equals scipy.stats.chisquare on the same counts.
    risk = table[table["variable"] == "risk"]
    ref = chisquare(risk["sample"], 100 * risk["population"] / 250)
    got = report.tests.set_index("variable").loc["risk"]
    assert got["statistic"] == pytest.approx(ref.statistic)
    assert got["pvalue"] == pytest.approx(ref.pvalue)
    assert bool(got["approximate"]) and got["df"] == 3
    # The allocation of a draw gives the same report as the case frame.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        same = balance_report(result.allocation, result.sample)
    pd.testing.assert_frame_equal(same.table, table)
    assert "whole sample" in str(same) and "Goodness of fit" in same.report()
    assert set(same.to_dict()) == {
        "n",
        "population_size",
        "confidence_level",
        "margin_of_error",
        "table",
        "tests",
    }


def test_balance_detects_a_skewed_sample(cases: pd.DataFrame) -> None:
    men_only = cases[cases["gender"] == "male"].head(50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        report = balance_report(cases, men_only, strata=["gender"])
    # quota 50 * 39 / 250 = 7.8 women: floor 7, none sampled, so 7 below the range
    assert report.largest_outside == 7
    women = report.table[report.table["level"] == "female"].iloc[0]
    assert (women["floor"], women["ceiling"], women["outside"]) == (7, 8, -7)
    assert "up to 7 case(s) outside the floor and ceiling" in report.summary()
    assert report.tests["pvalue"].iloc[0] < 0.01
    assert pd.isna(women["margin_of_error"])  # none sampled: no margin to state


def test_balance_bad_input(cases: pd.DataFrame) -> None:
    sample = cases.head(5).copy()
    sample.loc[0, "gender"] = "unknown"
    with pytest.raises(ValueError, match="sample has gender level"):
        balance_report(cases, sample)
    with pytest.raises(ValueError, match="sample must hold 1 to 250 cases"):
        balance_report(cases, cases.head(0))
    with pytest.raises(TypeError):
        balance_report([1], cases)  # type: ignore[arg-type]


def test_plot_writes_png(cases: pd.DataFrame, tmp_path: Path) -> None:
    result = draw(cases, 40, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)
        figure = plot_balance(balance_report(result.allocation, result.sample), tmp_path / "b.png")
    assert len(figure.axes) == 3
    assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_manifest_and_reproduce(cases: pd.DataFrame, tmp_path: Path) -> None:
    result = draw(cases, "auto", seed=2026, reserves=2)
    manifest = make_manifest(result, input_path=EXAMPLE, n_requested="auto")
    assert {"input_sha256", "seed", "n", "strata", "id_column", "version"} <= set(manifest)
    assert manifest["n"] == 100 and manifest["n_requested"] == "auto"
    assert manifest["input_rows"] == 250 and manifest["created_utc"].endswith("Z")
    again = reproduce_draw(json.loads(json.dumps(manifest)), EXAMPLE)
    assert again.sample["case_id"].tolist() == result.sample["case_id"].tolist()
    changed = tmp_path / "changed.csv"
    changed.write_text(Path(EXAMPLE).read_text() + "CRN999999,male,licence,low,Oxford,2018-10-01\n")
    with pytest.raises(ValueError, match="is not the file the manifest was drawn from"):
        reproduce_draw(manifest, changed)
    tampered = dict(manifest, sample_sha256="0" * 64)
    with pytest.raises(ValueError, match="manifest was edited after it was written"):
        reproduce_draw(tampered, EXAMPLE)
    tampered["content_sha256"] = content_digest(tampered)  # an edit that recomputes the digest
    with pytest.raises(ValueError, match="repeated sample differs"):
        reproduce_draw(tampered, EXAMPLE)
    with pytest.raises(ValueError, match="manifest lacks seed"):
        reproduce_draw({k: v for k, v in manifest.items() if k != "seed"}, EXAMPLE)


def test_write_draw_is_all_or_nothing(
    cases: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = draw(cases, 50, seed=3, reserves=1)
    out = tmp_path / "run"
    written = write_draw(result, out, input_path=EXAMPLE)
    assert sorted(p.name for p in out.iterdir()) == sorted([*written.files, ".inspection-toolkit"])
    with pytest.raises(ValueError, match="already holds files"):
        write_draw(result, out, input_path=EXAMPLE)

    import sampling._chart

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(sampling._chart, "save_chart", broken)  # the chart, drawn here
    with pytest.raises(ValueError, match="out_dir cannot be written: disk full"):
        write_draw(result, tmp_path / "other", input_path=EXAMPLE)
    with pytest.raises(ValueError, match="out_dir cannot be written: disk full"):
        write_draw(result, out, input_path=EXAMPLE, force=True)
    # Nothing half-written: no new folder, the old one intact, no temporary folders left.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert len(list(out.iterdir())) == len(written.files) + 1  # and the toolkit's marker
