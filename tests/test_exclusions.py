"""Exclusions: counted, recorded, checked against the case list; the rule's population stated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sampling import draw, read_cases, read_exclusions, reproduce_draw, sample_size, write_draw
from sampling._cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return read_cases(EXAMPLE)


def test_excluded_cases_are_never_drawn_and_are_recorded(
    cases: pd.DataFrame, tmp_path: Path
) -> None:
    # 40 of the 50 men on community orders at low risk (the cell keeps 10)
    cell = (cases["gender"] == "male") & (cases["disposal"] == "community order")
    men = cases[cell & (cases["risk"] == "low")]["case_id"].head(40).tolist()
    result = draw(cases, "auto", seed=2026, reserves=2, exclude=men)
    # the 80%/5 rule on the 210 cases left: sample_size(210) (not 250's 100)
    assert result.n == sample_size(210).n == 93
    assert result.allocation.population_size == 210
    assert not set(men) & (set(result.sample["case_id"]) | set(result.reserves["case_id"]))
    ex = result.exclusions
    assert ex is not None and ex.count == 40 and ex.population_before == 250
    assert list(ex.ids) == sorted(men)
    assert "after excluding 40 of 250" in result.summary()
    assert result.allocation.rounding.exact  # still n/N for every case that can be drawn
    assert set(result.sample["inclusion_probability"].round(12)) == {round(93 / 210, 12)}
    out = write_draw(result, tmp_path / "draw", input_path=EXAMPLE).manifest
    assert out["exclusions"]["count"] == 40 and out["exclusions"]["population_after"] == 210
    assert out["rule_population"] == "after exclusions" and out["input_rows"] == 250
    again = reproduce_draw(tmp_path / "draw" / "manifest.json", EXAMPLE)
    assert again.sample["case_id"].tolist() == result.sample["case_id"].tolist()


def test_exclusion_list_errors(cases: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"exclude lists 2 IDs not in the case list \(case_id\): "
                                         r"'NOPE1', 'NOPE2'"):  # fmt: skip
        draw(cases, 10, seed=1, exclude=["NOPE2", "CRN540586", "NOPE1"])
    with pytest.raises(TypeError, match="exclude must be a list of case IDs; got str"):
        draw(cases, 10, seed=1, exclude="CRN540586")
    very_high = cases[cases["risk"] == "very high"]["case_id"].tolist()
    assert len(very_high) == 1
    emptied = "exclude removes every case of 1 cell: gender=male, disposal=licence, risk=very high"
    with pytest.raises(ValueError, match=re.escape(emptied + " (1 case)")):
        draw(cases, 10, seed=1, exclude=very_high)
    # repeated IDs count once; an empty list excludes nothing (and is recorded as such)
    twice = draw(cases, 10, seed=1, exclude=["CRN540586", "CRN540586"])
    assert twice.exclusions is not None and twice.exclusions.count == 1
    none = draw(cases, 10, seed=1, exclude=[])
    assert none.exclusions is not None and none.exclusions.count == 0


def test_exclusion_files(tmp_path: Path) -> None:
    pd.DataFrame({"case_id": [" CRN540586 ", "", "CRN000001x"], "note": ["a", "b", "c"]}).to_csv(
        tmp_path / "ex.csv", index=False
    )
    ids, digest = read_exclusions(tmp_path / "ex.csv")
    assert ids == ["CRN540586", "CRN000001x"] and len(digest) == 64
    pd.DataFrame({"case_id": ["CRN540586"]}).to_excel(tmp_path / "ex.xlsx", index=False)
    assert read_exclusions(tmp_path / "ex.xlsx")[0] == ["CRN540586"]
    pd.DataFrame({"ref": ["CRN540586"]}).to_csv(tmp_path / "other.csv", index=False)
    no_column = "exclusion file other.csv has no 'case_id' column; its columns are 'ref'"
    with pytest.raises(ValueError, match=re.escape(no_column)):
        read_exclusions(tmp_path / "other.csv")
    with pytest.raises(ValueError, match="the file does not exist"):
        read_exclusions(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match=re.escape("must be a .csv, .xlsx or .parquet file")):
        read_exclusions(tmp_path / "ex.doc")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"ref": ["CRN540586"]}, "has no 'case_id' column"),
        ({"case_id": ["NOPE"]}, "exclude lists 1 ID not in the case list"),
        ({"case_id": ["CRN540586"]}, None),
    ],
)
def test_exclude_on_the_command_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: dict[str, list[str]],
    message: str | None,
) -> None:
    source = tmp_path / "exclude.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    before = source.read_bytes()
    out = tmp_path / "out"
    code = main(["draw", str(EXAMPLE), "--n", "auto", "--seed", "7", "--exclude", str(source),
                 "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert source.read_bytes() == before  # the exclusion file is only read
    if message is None:
        assert code == 0
        record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert record["exclusions"]["source"] == "exclude.csv"
        assert record["exclusions"]["ids"] == ["CRN540586"]
        assert record["n"] == sample_size(249).n
    else:
        assert code == 2 and message in err and err.startswith("error: ")
        assert err.count("\n") == 1 and not out.exists()
    # --manifest fixes the exclusions; giving --exclude beside it is refused
    code = main(["draw", "--manifest", str(tmp_path / "m.json"), str(EXAMPLE), "--exclude",
                 str(source), "--out", str(tmp_path / "again")])  # fmt: skip
    assert code == 2 and "do not also give --exclude" in capsys.readouterr().err
