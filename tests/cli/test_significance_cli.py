"""``python -m significance``: output, JSON keys and one-line errors with exit status 2."""

import json
import subprocess
import sys

import pytest

from significance._cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ztest_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100", "--json"
    )
    assert code == 0 and err == ""
    d = json.loads(out)
    for key in (
        "x1",
        "n1",
        "x2",
        "n2",
        "p1",
        "p2",
        "difference",
        "statistic",
        "pvalue",
        "alpha",
        "significant",
        "alternative",
        "method",
        "confidence_interval",
    ):
        assert key in d
    # statsmodels proportions_ztest([74, 65], [100, 100]):
    # (1.3822455156044657, 0.16689632898196016)
    assert d["statistic"] == pytest.approx(1.3822455156044657, abs=1e-12)
    assert d["pvalue"] == pytest.approx(0.16689632898196016, abs=1e-12)
    assert d["significant"] is False and d["alpha"] == 0.1 and d["alternative"] == "two-sided"
    assert len(d["confidence_interval"]) == 2 and d["x1"] == 74


def test_ztest_options_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "ztest",
        "--x1",
        "74",
        "--n1",
        "100",
        "--x2",
        "65",
        "--n2",
        "100",
        "--unpooled",
        "--continuity",
        "--population1",
        "250",
        "--population2",
        "260",
        "--alternative",
        "greater",
        "--alpha",
        "0.05",
    )
    assert code == 0
    assert (
        "unpooled standard error, continuity correction, finite population correction "
        "(answers: did the eligible populations' rates differ?), greater" in out
    )
    assert "+9.0 points" in out


def test_ztest_from_percentages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "ztest", "--p1", "61%", "--n1", "79", "--p2", "0.74", "--n2", "100", "--json"
    )
    d = json.loads(out)
    assert code == 0 and (d["x1"], d["x2"]) == (48, 74)
    assert "published percentages" in d["method"]


def test_small_counts_warn_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ztest", "--x1", "3", "--n1", "10", "--x2", "1", "--n2", "10")
    assert code == 0 and err.startswith("warning: an expected count is below 5") and "Fisher" in err


def test_power_mdd_sample_size(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "power", "--n1", "100", "--n2", "100", "--p1", "0.65", "--p2", "0.74", "--json"
    )
    assert code == 0 and json.loads(out)["power"] == pytest.approx(0.39593946090979915, abs=1e-12)
    code, out, _ = run(capsys, "mdd", "--n1", "100", "--n2", "100", "--baseline", "0.65", "--json")
    d = json.loads(out)
    assert code == 0 and round(d["detectable_rate"], 3) == 0.806
    assert d["difference"] == pytest.approx(d["detectable_rate"] - 0.65, abs=1e-15)
    code, out, _ = run(capsys, "sample-size", "--p1", "0.65", "--p2", "0.74", "--json")
    assert code == 0 and json.loads(out)["n_per_group"] == 323
    code, out, _ = run(capsys, "mdd", "--n1", "100", "--n2", "100", "--baseline", "65%")
    assert code == 0 and "80.6%" in out
    code, out, _ = run(capsys, "power", "--n1", "100", "--n2", "100", "--p1", "65%", "--p2", "74%")
    assert code == 0 and out.startswith("Power 0.3959")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["ztest", "--x1", "120", "--n1", "100", "--x2", "65", "--n2", "100"],
            "--x1 must be at most --n1 (100); got 120",
        ),
        (
            ["ztest", "--x1", "-3", "--n1", "100", "--x2", "65", "--n2", "100"],
            "--x1 must be a whole number of at least 0; got -3",
        ),
        (
            ["ztest", "--x1", "7.5", "--n1", "100", "--x2", "65", "--n2", "100"],
            "--x1 must be a whole number of at least 0; got 7.5",
        ),
        (
            ["ztest", "--x1", "0", "--n1", "0", "--x2", "65", "--n2", "100"],
            "--n1 must be a whole number of at least 1; got 0",
        ),
        (
            ["ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100", "--alpha", "5"],
            "--alpha must be between 0 and 1 (exclusive); got 5. Did you mean 0.05?",
        ),
        (
            [
                "ztest",
                "--x1",
                "74",
                "--n1",
                "100",
                "--x2",
                "65",
                "--n2",
                "100",
                "--alternative",
                "larger",
            ],
            "Did you mean 'greater'?",
        ),
        (
            [
                "ztest",
                "--x1",
                "74",
                "--n1",
                "100",
                "--x2",
                "65",
                "--n2",
                "100",
                "--alternative",
                "sideways",
            ],
            "--alternative must be one of 'two-sided', 'greater', 'less'; got 'sideways'",
        ),
        (
            ["ztest", "--p1", "120%", "--n1", "100", "--x2", "65", "--n2", "100"],
            "percentage must be between 0 and 100; got 120",
        ),
        (["ztest", "--p1", "74", "--n1", "100", "--x2", "65", "--n2", "100"], "Did you mean 74%?"),
        (
            ["ztest", "--p1", "79%", "--n1", "44", "--x2", "65", "--n2", "100"],
            "no count out of n = 44 rounds to 79%",
        ),
        (
            ["ztest", "--x1", "74", "--p1", "74%", "--n1", "100", "--x2", "65", "--n2", "100"],
            "give --x1 (a count) or --p1 (a percentage), not both",
        ),
        (["ztest", "--n1", "100", "--x2", "65", "--n2", "100"], "group 1 needs --x1"),
        (
            ["ztest", "--x1", "abc", "--n1", "100", "--x2", "65", "--n2", "100"],
            "--x1 must be a number; got 'abc'",
        ),
        (
            [
                "power",
                "--n1",
                "100",
                "--n2",
                "100",
                "--p1",
                "0.65",
                "--p2",
                "0.74",
                "--alpha",
                "1.5",
            ],
            "--alpha must be between 0 and 1",
        ),
        (
            ["mdd", "--n1", "100", "--n2", "100", "--baseline", "0.65", "--power", "80"],
            "--power must be between 0 and 1 (exclusive); got 80. Did you mean 0.80?",
        ),
        (["sample-size", "--p1", "0.65", "--p2", "0.65"], "--p1 and --p2 must differ"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err


def test_subprocess_is_light_and_exits_2() -> None:
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['significance', 'ztest', '--x1', '74', '--n1', '100',"
        " '--x2', '65', '--n2', '100']\n"
        "try:\n    runpy.run_module('significance', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert exc.code == 0\n"
        "heavy = sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'pandas', 'matplotlib', 'statsmodels'})\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "HEAVY []" in done.stdout and "z = 1.382" in done.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "significance",
            "ztest",
            "--x1",
            "120",
            "--n1",
            "100",
            "--x2",
            "1",
            "--n2",
            "10",
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "error: --x1 must be at most --n1 (100); got 120\n"


def test_quoted_user_values_are_not_renamed(capsys: pytest.CaptureFixture[str]) -> None:
    # 'exact' is what the user typed: it must not come back as '--exact'
    code = main(
        ["power", "--n1", "100", "--n2", "100", "--p1", "0.6", "--p2", "0.7", "--method", "exact"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--method must be one of 'pooled', 'arcsine'; got 'exact'" in err
