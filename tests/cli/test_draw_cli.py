"""Command line: ``allocate`` and ``draw`` output, JSON shapes, manifests and bad input."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sampling._cli import main

EXAMPLE = str(Path("sampling/data/example_population.csv").resolve())
STRATA = ["--id", "case_id", "--strata", "gender,disposal,risk"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_allocate_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "allocate", EXAMPLE, *STRATA, "--n", "auto", "--seed", "5",
                         "--json")  # fmt: skip
    assert code == 0 and err == ""
    data = json.loads(out)
    # the fields of sampling.Allocation, by their API names
    assert list(data) == ["n", "method", "strata", "population_size", "minimum", "cells",
                          "margins", "seed", "rounding"]  # fmt: skip
    assert data["n"] == 100 and data["method"] == "unbiased" and data["seed"] == 5
    assert set(data["cells"][0]) == {"gender", "disposal", "risk", "population", "quota",
                                     "expected", "allocated", "inclusion_probability",
                                     "design_weight", "bias"}  # fmt: skip
    assert sum(c["allocated"] for c in data["cells"]) == 100
    # unbiased: every case's inclusion probability is 100/250, exactly as computed
    assert {c["inclusion_probability"] for c in data["cells"]} == {100 / 250}
    assert data["rounding"]["exact"] is True and data["rounding"]["route"] == "decomposition"
    margins = {(m["variable"], m["level"]): m for m in data["margins"]}
    female = margins["gender", "female"]  # quota 100 * 39 / 250 = 15.6
    assert (female["floor"], female["ceiling"]) == (15, 16)
    assert all(m["floor"] <= m["allocated"] <= m["ceiling"] for m in data["margins"])
    # the deterministic method keeps its promise: every margin on its largest-remainder target
    code, out, _ = run(capsys, "allocate", EXAMPLE, "--n", "auto", "--method", "controlled",
                       "--json")  # fmt: skip
    data = json.loads(out)
    assert data["seed"] is None and data["rounding"]["route"] == "deterministic"
    assert [m["target"] for m in data["margins"] if m["level"] == "female"] == [16]
    assert all(m["target"] == m["allocated"] and m["deviation"] == 0 for m in data["margins"])


def test_allocate_text_and_methods(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "allocate", EXAMPLE, "--n", "100")
    assert code == 0 and out.startswith("100 of 250 cases over 22 cells")
    code, out, _ = run(capsys, "allocate", EXAMPLE, "--n", "35", "--strata", "gender,risk")
    assert code == 0 and "over 7 cells (gender x risk)" in out
    code, out, _ = run(capsys, "allocate", EXAMPLE, "--n", "100", "--method", "largest-remainder")
    assert code == 0 and "margins off target" in out
    code, out, _ = run(capsys, "allocate", EXAMPLE, "--n", "30", "--method", "minimum")
    assert code == 0 and "at least 1 per cell" in out


def test_draw_writes_everything_and_reruns_from_manifest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "draw"
    args = ["draw", EXAMPLE, *STRATA, "--n", "auto", "--seed", "2026", "--reserves", "2"]
    code, text, err = run(capsys, *args, "--out", str(out))
    assert code == 0
    assert "Drew 100 of 250 cases with seed 2026" in text and "Goodness of fit" in text
    assert "warning: risk: expected sample count 0.40" in err
    assert sorted(p.name for p in out.iterdir()) == [
        ".inspection-toolkit",
        "balance.csv",
        "balance.png",
        "balance.txt",
        "fieldwork.xlsx",
        "manifest.json",
        "reserves.csv",
        "sample.csv",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"input_sha256", "seed", "n", "strata", "id_column", "version"} <= set(manifest)
    assert (manifest["seed"], manifest["n"], manifest["n_requested"]) == (2026, 100, "auto")
    assert manifest["strata"] == ["gender", "disposal", "risk"]
    sample = (out / "sample.csv").read_text().splitlines()
    assert sample[0].startswith("case_id,gender,disposal,risk") and len(sample) == 101

    again = tmp_path / "again"
    code, _, _ = run(
        capsys, "draw", "--manifest", str(out / "manifest.json"), EXAMPLE, "--out", str(again)
    )
    assert code == 0
    assert (again / "sample.csv").read_text() == (out / "sample.csv").read_text()
    assert (again / "reserves.csv").read_text() == (out / "reserves.csv").read_text()

    # --force replaces a folder that holds results.
    code, _, _ = run(capsys, *args[:-1], "3", "--out", str(out), "--force")
    assert code == 0 and json.loads((out / "manifest.json").read_text())["reserves"] == 3


def test_draw_json_prints_manifest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "draw", EXAMPLE, "--n", "20", "--seed", "1", "--out", str(tmp_path / "o"), "--json"
    )
    assert code == 0 and json.loads(out)["n"] == 20


def _bad_cases(tmp_path: Path) -> dict[str, str]:
    header = "case_id,gender,disposal,risk\n"
    files = {
        "dupes.csv": header + "A1,male,licence,low\nA1,female,licence,low\n",
        "blank.csv": header + "A1,male,licence,low\nA2,,licence,low\n",
        "empty.csv": "",
        "header.csv": header,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return {name: str(tmp_path / name) for name in files}


BAD = [
    (["allocate", "{missing}", "--n", "10"], "cannot read"),
    (["allocate", EXAMPLE, "--n", "300"], "--n must be at most 250 (the number of eligible cases)"),
    (["allocate", EXAMPLE, "--n", "0"], "--n must be a whole number of at least 1; got 0"),
    (["allocate", EXAMPLE, "--n", "-3"], "--n must be a whole number of at least 1; got -3"),
    (["allocate", EXAMPLE, "--n", "many"], "--n must be a whole number or 'auto'; got 'many'"),
    (["allocate", EXAMPLE, "--n", "10", "--method", "neyman"], "--method must be one of"),
    (
        ["allocate", EXAMPLE, "--n", "10", "--id", "crn"],
        "no column 'crn' in example_population.csv",
    ),
    (
        ["allocate", EXAMPLE, "--n", "10", "--strata", "sex"],
        "did you mean --strata gender? Its columns are 'case_id', 'gender'",
    ),
    (["allocate", "{dupes.csv}", "--n", "1"], "repeats 1 ID: 'A1' (rows 2, 3)"),
    (["allocate", "{blank.csv}", "--n", "1"], "gender is blank in 1 row: 3 of blank.csv"),
    (["allocate", "{empty.csv}", "--n", "1"], "empty.csv is empty"),
    (["allocate", "{header.csv}", "--n", "1"], "header.csv has no cases"),
    (["draw", "{dupes.csv}", "--n", "1", "--seed", "1", "--out", "{out}"], "repeats 1 ID"),
    (["draw", EXAMPLE, "--n", "500", "--seed", "1", "--out", "{out}"], "--n must be at most 250"),
    (["draw", EXAMPLE, "--n", "5", "--seed", "x", "--out", "{out}"], "--seed must be a whole"),
    (["draw", EXAMPLE, "--n", "5", "--seed", "-1", "--out", "{out}"], "seed must be a whole"),
    (["draw", EXAMPLE, "--seed", "1", "--out", "{out}"], "required: --n (or --manifest)"),
    (["draw", EXAMPLE, "--n", "5", "--out", "{nodir}/x"], "parent folder"),
    (
        ["draw", "--manifest", "{missing}", EXAMPLE, "--seed", "3", "--out", "{out}"],
        "--manifest sets the draw; do not also give --seed",
    ),
    (["draw", "--manifest", "{missing}", EXAMPLE, "--out", "{out}"], "cannot read manifest"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_one_line_exit_2_nothing_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    paths = _bad_cases(tmp_path)
    fill = {**paths, "missing": str(tmp_path / "missing.csv"), "out": str(tmp_path / "out"),
            "nodir": str(tmp_path / "nodir")}  # fmt: skip
    argv = []
    for arg in args:
        for key, value in fill.items():
            arg = arg.replace("{" + key + "}", value)
        argv.append(arg)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no folder, no temp folder


def test_existing_results_refused_and_input_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.csv"
    shutil.copy(EXAMPLE, cases)
    original = cases.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    (out / "sample.csv").write_text("old")
    code, _, err = run(capsys, "draw", str(cases), "--n", "5", "--seed", "1", "--out", str(out))
    assert code == 2 and "already holds files (sample.csv)" in err and "--force" in err
    assert (out / "sample.csv").read_text() == "old"
    # A folder that holds the input is never replaced, even with --force.
    code, _, err = run(
        capsys, "draw", str(cases), "--n", "5", "--seed", "1", "--out", str(tmp_path), "--force"
    )
    assert code == 2 and "holds the input file cases.csv" in err
    # The manifest check: a changed input is refused.
    code, _, _ = run(capsys, "draw", str(cases), "--n", "5", "--seed", "1", "--out",
                     str(tmp_path / "first"))  # fmt: skip
    assert code == 0
    changed = tmp_path / "changed.csv"
    changed.write_text(cases.read_text().replace("CRN540586", "CRN540587"))
    code, _, err = run(capsys, "draw", "--manifest", str(tmp_path / "first" / "manifest.json"),
                       str(changed), "--out", str(tmp_path / "second"))  # fmt: skip
    assert code == 2 and "holds other cases than those the manifest was drawn from: 1 case " in err
    assert "added, 1 removed, 0 with other strata (250 cases then, 250 now)" in err
    assert not (tmp_path / "second").exists()
    assert cases.read_bytes() == original


def test_size_still_does_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "from sampling._cli import main\n"
        "main(['size', '--population', '254'])\n"
        "print(sorted(m for m in ('pandas', 'scipy.optimize', 'matplotlib', 'pyarrow')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
