"""Substitutions: the next reserve of the cell, an append-only log, refusals that write nothing."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sampling import (
    balance_report,
    current_sample,
    draw,
    draw_allocation,
    read_cases,
    substitute,
    write_draw,
)
from sampling._cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "draw"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_draw(
            draw(read_cases(EXAMPLE), "auto", seed=2026, reserves=2), out, input_path=EXAMPLE
        )
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_substitution_uses_the_next_reserve_and_appends_to_the_log(folder: Path) -> None:
    originals = {n: (folder / n).read_bytes() for n in ("sample.csv", "reserves.csv",
                                                         "manifest.json")}  # fmt: skip
    sample = pd.read_csv(folder / "sample.csv", dtype=str, keep_default_na=False)
    reserves = pd.read_csv(folder / "reserves.csv", dtype=str, keep_default_na=False)
    first = sample["case_id"].iloc[0]  # cell 1, draw order 1
    cell_reserves = reserves[reserves["cell"] == sample["cell"].iloc[0]]["case_id"].tolist()
    done = substitute(folder, first, "transferred to another region")
    assert (done.replaced, done.replacement, done.reserve_order) == (first, cell_reserves[0], 1)
    assert done.cell == 1 and done.reserves_left == len(cell_reserves) - 1
    log_after_one = (folder / "substitutions.csv").read_bytes()
    second = sample["case_id"].iloc[1]
    again = substitute(folder, second, "  in   custody ")
    assert again.replacement == cell_reserves[1] and again.reason == "in custody"
    # the log keeps its earlier lines byte for byte; the draw's own files never change
    log = (folder / "substitutions.csv").read_bytes()
    assert log.startswith(log_after_one) and log.count(b"\n") == 3
    for name, content in originals.items():
        assert (folder / name).read_bytes() == content
    # the current sample: the replacements in the replaced cases' places, marked
    current = pd.read_csv(folder / "sample_current.csv", dtype=str, keep_default_na=False)
    assert current["case_id"].tolist()[:2] == cell_reserves[:2]
    assert current["replaces"].tolist()[:2] == [first, second]
    assert current["case_id"].tolist()[2:] == sample["case_id"].tolist()[2:]
    assert current_sample(folder)["case_id"].tolist() == current["case_id"].tolist()
    # the balance report runs on the substituted sample, against the draw's allocation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = balance_report(draw_allocation(folder), current_sample(folder))
    assert report.n == 100 and report.largest_outside == 0


def test_refusals_write_nothing(folder: Path) -> None:
    sample = pd.read_csv(folder / "sample.csv", dtype=str, keep_default_na=False)
    reserves = pd.read_csv(folder / "reserves.csv", dtype=str, keep_default_na=False)
    first = sample["case_id"].iloc[0]
    substitute(folder, first, "file missing")
    before = _files(folder)
    with pytest.raises(ValueError, match=f"case '{first}' was already replaced by"):
        substitute(folder, first, "again")
    with pytest.raises(ValueError, match="is a reserve, not in the sample"):
        substitute(folder, reserves["case_id"].iloc[-1], "x")
    with pytest.raises(ValueError, match="case 'NOPE' is not in the sample"):
        substitute(folder, "NOPE", "x")
    with pytest.raises(ValueError, match="reason must say why"):
        substitute(folder, sample["case_id"].iloc[1], "   ")
    # cell 1 has two reserves: the second is used, then the cell is exhausted
    substitute(folder, sample["case_id"].iloc[1], "in custody")
    before = _files(folder)
    exhausted = "cell 1 (gender=female, disposal=community order, risk=low) has no reserve left"
    with pytest.raises(ValueError, match=re.escape(exhausted + " (2 listed, all used)")):
        substitute(folder, sample["case_id"].iloc[2], "deceased")
    assert _files(folder) == before


def test_exhausted_cells_are_named(folder: Path) -> None:
    # cell 7 (one woman on licence at high risk) has its only case sampled and no reserve
    sample = pd.read_csv(folder / "sample.csv", dtype=str, keep_default_na=False)
    only = sample[sample["cell"] == "7"]["case_id"].tolist()
    assert len(only) == 1
    with pytest.raises(ValueError, match=r"cells with no reserve left: 7 \(gender=female, "
                                         r"disposal=licence, risk=high\)"):  # fmt: skip
        substitute(folder, only[0], "transferred")


def test_not_a_draw_folder(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(
        ValueError, match=re.escape("is not a draw's folder: it lacks manifest.json")
    ):
        substitute(tmp_path, "X", "y")
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"seed": 2026', '"seed": 1'))
    with pytest.raises(ValueError, match="edited after it was written"):
        substitute(folder, "X", "y")


def test_substitute_command(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = pd.read_csv(folder / "sample.csv", dtype=str, keep_default_na=False)
    case = sample["case_id"].iloc[-1]
    code = main(["substitute", str(folder), "--case", case, "--reason", "moved out of area"])
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith(f"Replaced {case} by ")
    assert "Goodness of fit" in out and "sample_current.csv" in out
    before = _files(folder)
    code = main(["substitute", str(folder), "--case", case, "--reason", "again"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: case") and err.count("\n") == 1
    assert _files(folder) == before
    # a folder in fieldwork is never replaced by a new draw, even with --force
    code = main(["draw", str(EXAMPLE), "--n", "auto", "--seed", "1", "--out", str(folder),
                 "--force"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "holds a substitution log" in err
    assert _files(folder) == before
