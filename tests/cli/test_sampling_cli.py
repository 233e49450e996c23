"""Command line of the sizing commands: output, JSON shape, start-up imports and bad input."""

import json
import subprocess
import sys

import pytest

from sampling._cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_size_plain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "size", "--population", "254")
    assert code == 0
    assert out.startswith("Inspect 100 cases")
    assert "164.24" in out


def test_size_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "size", "--population", "250", "--json")
    rec = json.loads(out)
    assert code == 0
    assert {
        "n",
        "n0",
        "population_size",
        "confidence_level",
        "margin_of_error",
        "proportion",
        "method",
        "achieved_margin",
    } <= set(rec)
    got = (rec["n"], rec["population_size"], rec["confidence_level"], rec["margin_of_error"])
    assert got == (100, 250, 0.8, 0.05)
    assert rec["z"] == 1.2815515655446004


def test_size_several_populations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "size", "--population", "250", "350", "500", "inf", "--json")
    rows = json.loads(out)
    assert [r["n"] for r in rows] == [100, 113, 124, 165]
    assert rows[-1]["population_size"] is None
    code, out, _ = run(capsys, "size", "--population", "250", "350")
    assert code == 0 and len(out.strip().splitlines()) == 4  # title, header, two rows


def test_size_methods_and_percent_confidence(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "size", "--population", "254", "--method", "exact", "--json")
    assert json.loads(out)["n"] == 107
    _, out, _ = run(capsys, "size", "--confidence", "80%", "--margin", "5%", "--json")
    assert json.loads(out)["n"] == 165


def test_margin(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "margin", "--n", "13", "--population", "33", "--json")
    rec = json.loads(out)
    assert code == 0
    assert (rec["n"], rec["population_size"]) == (13, 33)
    assert rec["margin_of_error"] == pytest.approx(0.1405, abs=5e-5)
    _, out, _ = run(capsys, "margin", "--n", "13", "--population", "33")
    assert "+/-14.05 points" in out


def test_implied_and_published(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "implied", "--n", "100", "--json")
    rec = json.loads(out)
    assert (rec["smallest"], rec["largest"]) == (248, 254)
    code, out, _ = run(capsys, "published", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 5
    assert [r["n"] for r in rows] == [100, 98, 120, 129, 100]
    assert all(r["rule_n_at_largest"] == r["n"] for r in rows)


def test_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--population", "250", "inf")
    assert code == 0 and "165" in out and "385" in out


BAD = [
    (
        ["size", "--confidence", "80"],
        "--confidence must be between 0 and 1 (exclusive); got 80. Did you mean 0.80?",
    ),
    (
        ["size", "--margin", "5"],
        "--margin must be between 0 and 1 (exclusive); got 5. Did you mean 0.05?",
    ),
    (["size", "--proportion", "1.2"], "--proportion must be between 0 and 1"),
    (["size", "--proportion", "-0.1"], "--proportion must be between 0 and 1"),
    (["size", "--population", "0"], "--population must be a whole number of at least 1; got 0"),
    (["size", "--population", "-5"], "--population must be a whole number of at least 1; got -5"),
    (["size", "--population", "25.5"], "--population must be a whole number of at least 1"),
    (["size", "--population", "abc"], "--population must be a number; got 'abc'"),
    (["size", "--method", "wald"], "--method must be one of 'normal', 'wilson', 'exact'"),
    (["size", "--design-effect", "0.5"], "--design-effect must be a number from 1 to 1000"),
    (
        ["margin", "--n", "40", "--population", "33"],
        "--n must not exceed --population; got --n = 40 with --population = 33",
    ),
    (["margin", "--n", "0"], "--n must be a whole number of at least 1; got 0"),
    (["margin", "--n", "x"], "--n must be a number; got 'x'"),
    (["implied", "--n", "200"], "--n must be at most 165"),
    (["published", "/nonexistent/file.csv"], "cannot read /nonexistent/file.csv"),
    (["size", "--bogus"], "unrecognized arguments: --bogus"),
    ([], "the following arguments are required: command"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_size_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from sampling._cli import main\n"
        "main(['size', '--population', '254'])\n"
        "print(sorted(m for m in ('pandas', 'statsmodels', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sampling", "size", "--population", "254", "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["n"] == 100
    bad = subprocess.run(
        [sys.executable, "-m", "sampling", "size", "--margin", "5"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stdout == ""
