"""Bad input across every command: exit 2, one line naming the problem, nothing written.

One table-driven test. Each row is a command line (``{name}`` stands for a file in a folder of
fixture files, ``{out}`` for an output path in a fresh folder), the text the one-line message must
contain, and whether to run it through a real subprocess (a handful are, to check what a user's
shell sees; the rest call ``main([...])`` in-process, which is fast). Every row checks:

* exit status 2 and nothing on stdout;
* stderr is exactly one line, starts with ``error:``, contains the expected text, no traceback;
* no output written: ``{out}`` paths absent afterwards (or, when the row set one up beforehand,
  holding exactly what they held), and no temporary folder left beside them;
* every fixture file's bytes unchanged (SHA-256 before and after), the input included.

Per-command bad input with finer checks is in test_cli_sampling.py, test_draw_cli.py and
test_significance_cli.py; this suite is the cross-cutting guarantee.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sampling._cli import main as sampling_main
from significance._cli import main as significance_main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
KEY_QUESTIONS = ROOT / "significance" / "data" / "thames_valley_2019_key_questions.csv"
MAINS: dict[str, Callable[[list[str]], int]] = {
    "sampling": sampling_main,
    "significance": significance_main,
}


@dataclass(frozen=True)
class Case:
    """One bad command line and what its message must say."""

    package: str
    argv: tuple[str, ...]
    message: str
    subprocess: bool = False
    outputs: tuple[str, ...] = ()  # names under the fresh folder that must not be written
    existing: dict[str, str] = field(default_factory=dict)  # set up before the run, kept as is


def S(*argv: str, message: str, **kw: object) -> Case:  # noqa: N802  # reads as a table row
    return Case("sampling", argv, message, **kw)  # type: ignore[arg-type]


def G(*argv: str, message: str, **kw: object) -> Case:  # noqa: N802  # reads as a table row
    return Case("significance", argv, message, **kw)  # type: ignore[arg-type]


DRAW = ("draw", "{cases.csv}", "--seed", "2026", "--out", "{out}/draw")
DRAW_OUT = {"outputs": ("draw",)}
ALLOC = ("allocate", "{cases.csv}")
ZT = ("ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100")
POWER = ("power", "--n1", "100", "--n2", "100", "--p1", "0.65", "--p2", "0.74")
MDD = ("mdd", "--n1", "100", "--n2", "100", "--baseline", "0.65")
SSIZE = ("sample-size", "--p1", "0.65", "--p2", "0.74")
CMP = ("compare", "{questions.csv}", "--previous-n", "100")

CASES: dict[str, Case] = {
    # --- size, margin, implied, published, plan: values and options ---
    "size confidence as a percentage": S(
        "size", "--confidence", "80", message="--confidence must be between 0 and 1"
    ),
    "size margin as a percentage": S("size", "--margin", "5", message="--margin"),
    "size proportion above 1": S("size", "--proportion", "1.5", message="--proportion"),
    "size population zero": S("size", "--population", "0", message="--population"),
    "size population negative": S("size", "--population", "-10", message="--population"),
    "size population fractional": S("size", "--population", "254.5", message="--population"),
    "size population not a number": S(
        "size", "--population", "many", message="--population must be a number", subprocess=True
    ),
    "size unknown method": S("size", "--population", "254", "--method", "magic", message="method"),
    "size unknown option": S("size", "--populaton", "254", message="unrecognized arguments"),
    "no command": S(message="required: command"),
    "margin n above population": S("margin", "--n", "40", "--population", "33", message="--n"),
    "margin n missing": S("margin", message="--n"),
    "implied n zero": S("implied", "--n", "0", message="--n"),
    "published missing file": S("published", "{nothere.csv}", message="cannot read"),
    "published wrong columns": S(
        "published", "{cases.csv}", message="needs columns case_supervision_n"
    ),
    "plan confidence as a percentage": S("plan", "--confidence", "95", message="--confidence"),
    # --- allocate: files, columns, values ---
    "allocate missing file": S("allocate", "{nothere.csv}", "--n", "10", message="does not exist"),
    "allocate a folder": S("allocate", "{folder.csv}", "--n", "10", message="is a folder"),
    "allocate empty file": S("allocate", "{empty.csv}", "--n", "10", message="empty.csv is empty"),
    "allocate header only": S("allocate", "{header.csv}", "--n", "10", message="no cases"),
    "allocate .xls": S("allocate", "{cases.xls}", "--n", "10", message="Save .xls files as .xlsx"),
    "allocate unknown extension": S(
        "allocate", "{cases.json}", "--n", "10", message=".csv, .xlsx or .parquet"
    ),
    "allocate corrupt xlsx": S(
        "allocate", "{corrupt.xlsx}", "--n", "10", message="cannot read corrupt.xlsx as excel"
    ),
    "allocate corrupt parquet": S(
        "allocate", "{corrupt.parquet}", "--n", "10", message="cannot read corrupt.parquet"
    ),
    "allocate not UTF-8": S("allocate", "{latin1.csv}", "--n", "10", message="latin1.csv"),
    "allocate missing strata column": S(
        *ALLOC, "--n", "10", "--strata", "gender,ethnicity", message="no column 'ethnicity'"
    ),
    "allocate missing ID column": S(
        *ALLOC, "--n", "10", "--id", "crn", message="no column 'crn'", subprocess=True
    ),
    "allocate ID also a stratum": S(
        *ALLOC, "--n", "10", "--strata", "case_id,gender", message="must not also be a stratum"
    ),
    "allocate repeated stratum": S(
        *ALLOC, "--n", "10", "--strata", "gender,gender", message="must not repeat"
    ),
    "allocate duplicate IDs": S("allocate", "{dupes.csv}", "--n", "10", message="repeats 2 IDs"),
    "allocate blank ID": S("allocate", "{blank_id.csv}", "--n", "10", message="case_id is blank"),
    "allocate blank strata": S(
        "allocate", "{blank_risk.csv}", "--n", "10", message="risk is blank"
    ),
    "allocate n above population": S(*ALLOC, "--n", "300", message="--n"),
    "allocate n zero": S(*ALLOC, "--n", "0", message="--n"),
    "allocate n negative": S(*ALLOC, "--n", "-5", message="--n"),
    "allocate n fractional": S(*ALLOC, "--n", "10.5", message="--n"),
    "allocate n not a number": S(*ALLOC, "--n", "ten", message="--n must be a whole number"),
    "allocate unknown method": S(*ALLOC, "--n", "10", "--method", "neyman", message="method"),
    "allocate bad blank-strata": S(
        *ALLOC, "--n", "10", "--blank-strata", "ignore", message="--blank-strata must be one of"
    ),
    "allocate minimum not whole": S(
        *ALLOC, "--n", "40", "--method", "minimum", "--minimum", "1.5", message="--minimum"
    ),
    # --- draw: values, options and the output folder ---
    "draw missing n": S(*DRAW, message="--n", **DRAW_OUT),
    "draw bad seed": S(*DRAW, "--n", "10", "--seed", "x", message="--seed", **DRAW_OUT),
    "draw negative seed": S(*DRAW, "--n", "10", "--seed", "-1", message="seed", **DRAW_OUT),
    "draw negative reserves": S(
        *DRAW, "--n", "10", "--reserves", "-1", message="reserves", **DRAW_OUT
    ),
    "draw n above population": S(*DRAW, "--n", "251", message="--n", **DRAW_OUT),
    "draw duplicate IDs": S(
        "draw", "{dupes.csv}", "--n", "5", "--out", "{out}/draw", message="repeats", **DRAW_OUT
    ),
    "draw blank strata": S(
        "draw",
        "{blank_risk.csv}",
        "--n",
        "5",
        "--out",
        "{out}/draw",
        message="risk is blank",
        subprocess=True,
        **DRAW_OUT,
    ),
    "draw out folder holds results": S(
        *DRAW[:-1],
        "{out}/full",
        "--n",
        "10",
        message="already holds files",
        existing={"full/sample.csv": "case_id\nCRN1\n"},
    ),
    "draw out is a file": S(
        *DRAW[:-1], "{out}/afile", "--n", "10", message="is a file", existing={"afile": "x"}
    ),
    "draw out parent missing": S(
        *DRAW[:-1], "{out}/no/such/dir", "--n", "10", message="parent folder", outputs=("no",)
    ),
    "draw out is the input's folder": S(
        "draw",
        "{cases.csv}",
        "--n",
        "10",
        "--out",
        "{fixtures}",
        "--force",
        message="holds the input file",
    ),
    "draw manifest with a flag": S(
        "draw",
        "--manifest",
        "{manifest.json}",
        "{cases.csv}",
        "--seed",
        "1",
        "--out",
        "{out}/draw",
        message="do not also give --seed",
        **DRAW_OUT,
    ),
    "draw manifest not JSON": S(
        "draw",
        "--manifest",
        "{notjson.json}",
        "{cases.csv}",
        "--out",
        "{out}/draw",
        message="manifest is not valid JSON",
        **DRAW_OUT,
    ),
    "draw manifest missing keys": S(
        "draw",
        "--manifest",
        "{partial.json}",
        "{cases.csv}",
        "--out",
        "{out}/draw",
        message="manifest lacks input_sha256, id_column, strata, n, method, reserves",
        **DRAW_OUT,
    ),
    "draw manifest of another file": S(
        "draw",
        "--manifest",
        "{manifest.json}",
        "{other.csv}",
        "--out",
        "{out}/draw",
        message="is not the file the manifest was drawn from",
        subprocess=True,
        **DRAW_OUT,
    ),
    "draw manifest missing": S(
        "draw",
        "--manifest",
        "{nothere.json}",
        "{cases.csv}",
        "--out",
        "{out}/draw",
        message="cannot read manifest",
        **DRAW_OUT,
    ),
    # --- ztest, power, mdd, sample-size ---
    "ztest x above n": G(
        "ztest", "--x1", "120", "--n1", "100", "--x2", "65", "--n2", "100", message="x1"
    ),
    "ztest negative count": G(
        "ztest", "--x1", "-1", "--n1", "100", "--x2", "65", "--n2", "100", message="x1"
    ),
    "ztest fractional count": G(
        "ztest", "--x1", "7.5", "--n1", "100", "--x2", "65", "--n2", "100", message="x1"
    ),
    "ztest n zero": G("ztest", "--x1", "0", "--n1", "0", "--x2", "65", "--n2", "100", message="n1"),
    "ztest alpha above 1": G(*ZT, "--alpha", "10", message="--alpha"),
    "ztest misspelt alternative": G(*ZT, "--alternative", "larger", message="greater"),
    "ztest percentage over 100": G(
        "ztest", "--p1", "120%", "--n1", "100", "--x2", "65", "--n2", "100", message="--p1"
    ),
    "ztest count and percentage": G(*ZT, "--p1", "74%", message="not both", subprocess=True),
    "ztest impossible percentage": G(
        "ztest", "--p1", "79%", "--n1", "44", "--x2", "20", "--n2", "44", message="--p1"
    ),
    "ztest unknown exact test": G(*ZT, "--exact", "student", message="exact"),
    "ztest not a number": G(
        "ztest",
        "--x1",
        "many",
        "--n1",
        "100",
        "--x2",
        "65",
        "--n2",
        "100",
        message="--x1 must be a number",
    ),
    "power alpha zero": G(*POWER, "--alpha", "0", message="--alpha"),
    "power p above 1": G(
        "power", "--n1", "100", "--n2", "100", "--p1", "1.4", "--p2", "0.74", message="--p1"
    ),
    "power unknown method": G(*POWER, "--method", "exact", message="method"),
    "mdd power above 1": G(*MDD, "--power", "1.2", message="--power"),
    "mdd bad direction": G(*MDD, "--direction", "up", message="direction"),
    "sample-size equal rates": G("sample-size", "--p1", "0.65", "--p2", "0.65", message="p1"),
    "sample-size missing p2": G("sample-size", "--p1", "0.65", message="--p2"),
    "sample-size bad alternative": G(*SSIZE, "--alternative", "smaller", message="less"),
    # --- compare, rating, provider-rating ---
    "compare missing file": G("compare", "{nothere.csv}", message="nothere.csv"),
    "compare wrong columns": G("compare", "{cases.csv}", message="column"),
    "compare percentage over 100": G(
        "compare", "{bad_questions.csv}", "--previous-n", "100", message="150"
    ),
    "compare bad out extension": G(
        *CMP, "--out", "{out}/report.txt", message="--out", outputs=("report.txt",)
    ),
    "compare out exists": G(
        *CMP, "--out", "{out}/report.csv", message="--out", existing={"report.csv": "kept\n"}
    ),
    "compare out is the input": G(*CMP, "--out", "{questions.csv}", "--force", message="--out"),
    "compare plot extension": G(
        *CMP, "--plot", "{out}/chart.jpg", message="--plot", outputs=("chart.jpg",)
    ),
    "compare bad column mapping": G(*CMP, "--column", "comparator_pct", message="--column"),
    "rating above 100": G("rating", "140", message="percentage"),
    "rating not a number": G("rating", "good", message="percentage"),
    "provider-rating too few": G("provider-rating", "Good", "Good", message="ten"),
    "provider-rating unknown rating": G(
        "provider-rating", *(["Good"] * 9), "Excellent", message="Excellent"
    ),
}


def _make_fixtures(folder: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    (folder / "cases.csv").write_text(text, encoding="utf-8")
    (folder / "other.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    (folder / "cases.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    (folder / "cases.json").write_text("{}", encoding="utf-8")
    (folder / "folder.csv").mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / "header.csv").write_text(lines[0] + "\n", encoding="utf-8")
    (folder / "corrupt.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    (folder / "corrupt.parquet").write_bytes(b"PAR1 not a parquet file PAR1")
    (folder / "latin1.csv").write_bytes(
        (lines[0] + "\nCRN1,m\xe2le,licence,low,Reading,2019-01-01\n").encode("utf-16")
    )
    dupes = [lines[0], *lines[1:40], lines[3], lines[5]]
    (folder / "dupes.csv").write_text("\n".join(dupes) + "\n", encoding="utf-8")
    blank_id = [lines[0], *lines[1:30], "," + lines[30].split(",", 1)[1]]
    (folder / "blank_id.csv").write_text("\n".join(blank_id) + "\n", encoding="utf-8")
    cells = lines[31].split(",")
    cells[3] = "  "
    blank_risk = [lines[0], *lines[1:30], ",".join(cells)]
    (folder / "blank_risk.csv").write_text("\n".join(blank_risk) + "\n", encoding="utf-8")
    shutil.copy(KEY_QUESTIONS, folder / "questions.csv")
    bad_q = KEY_QUESTIONS.read_text(encoding="utf-8").splitlines()
    first = bad_q[1].split(",")
    # the row's current_pct (5th field from the end of a line without quotes) becomes 150
    bad_q[1] = ",".join([*first[:-3], "150", *first[-2:]])
    (folder / "bad_questions.csv").write_text("\n".join(bad_q) + "\n", encoding="utf-8")
    (folder / "notjson.json").write_text("{not json", encoding="utf-8")
    (folder / "partial.json").write_text(json.dumps({"seed": 1}), encoding="utf-8")
    manifest = {
        "input_sha256": hashlib.sha256((folder / "cases.csv").read_bytes()).hexdigest(),
        "id_column": "case_id",
        "strata": ["gender", "disposal", "risk"],
        "n": 100,
        "method": "controlled",
        "seed": 2026,
        "reserves": 2,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-input-fixtures")
    _make_fixtures(folder)
    return folder


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _fill(arg: str, fixtures: Path, out: Path) -> str:
    if arg == "{out}" or arg.startswith("{out}/"):
        return str(out) + arg[len("{out}") :]
    if arg == "{fixtures}":
        return str(fixtures)
    if arg.startswith("{") and arg.endswith("}"):
        return str(fixtures / arg[1:-1])
    return arg


def test_the_table_covers_every_command() -> None:
    assert len(CASES) >= 40
    commands = {(c.package, c.argv[0]) for c in CASES.values() if c.argv}
    sampling_commands = {"size", "margin", "implied", "published", "plan", "allocate", "draw"}
    significance_commands = {"ztest", "power", "mdd", "sample-size", "compare", "rating",
                             "provider-rating"}  # fmt: skip
    assert {("sampling", c) for c in sampling_commands} <= commands
    assert {("significance", c) for c in significance_commands} <= commands
    assert 3 <= sum(c.subprocess for c in CASES.values()) <= 8


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    name: str, fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    out = tmp_path / "out"
    out.mkdir()
    for rel, content in case.existing.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(content, encoding="utf-8")
    out_before = _hashes(out)
    before = _hashes(fixtures)
    argv = [_fill(a, fixtures, out) for a in case.argv]

    if case.subprocess:
        proc = subprocess.run(
            [sys.executable, "-m", case.package, *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        code, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    else:
        code = MAINS[case.package](argv)
        stdout, stderr = capsys.readouterr()

    assert code == 2, f"{name}: exit {code}; stderr {stderr!r}"
    assert stdout == "", f"{name}: printed {stdout!r}"
    assert "Traceback" not in stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, f"{name}: {stderr!r}"
    assert stderr.startswith("error: "), stderr
    assert case.message.lower() in stderr.lower(), f"{name}: {stderr!r} lacks {case.message!r}"
    assert _hashes(fixtures) == before, f"{name} changed a fixture file"
    assert _hashes(out) == out_before, f"{name} wrote {sorted(set(_hashes(out)) - set(out_before))}"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        {rel.split("/")[0] for rel in case.existing}
    ), f"{name} left {sorted(p.name for p in out.iterdir())}"
    for name_ in case.outputs:
        assert not (out / name_).exists()
