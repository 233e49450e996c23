"""The report is the only pandas part of significance, and it is loaded only when used."""

import inspect
import subprocess
import sys

import pytest

import significance
from inspection_core.cli import default_of
from significance._cli import build_parser
from significance.report import ROUND_TESTS, compare_rounds

HEAVY = ("pandas", "sampling", "significance.report", "matplotlib")


def _imported(argv: list[str]) -> set[str]:
    """Modules Python imported to run ``argv``, from ``-X importtime`` (one line per module)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, check=True
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "significance" in names or argv[0] == "-c"
    return names


def _heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == h or n.startswith(h + ".") for h in HEAVY))


def test_ztest_command_imports_no_pandas_no_sampling_no_report() -> None:
    argv = ["-m", "significance", "ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100"]
    names = _imported(argv)
    assert "significance._ztest" in names  # the probe sees the modules it should
    assert _heavy(names) == []


def test_import_significance_is_light() -> None:
    names = _imported(["-c", "import significance"])
    assert "significance" in names and _heavy(names) == []


def test_report_names_load_on_first_use() -> None:
    probe = (
        "import sys, significance\n"
        "before = 'significance.report' in sys.modules\n"
        "significance.compare_rounds\n"
        "print(before, 'significance.report' in sys.modules, 'pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "True"]
    assert significance.compare_rounds is compare_rounds
    assert significance.report.ROUND_TESTS is ROUND_TESTS


def test_compare_defaults_are_the_signatures() -> None:
    args = vars(build_parser().parse_args(["compare", "table.csv"]))
    expected = {
        name: p.default
        for name, p in inspect.signature(compare_rounds).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    shared = sorted(set(args) & set(expected))
    assert {"alpha", "previous_n", "columns", "test", "comparator_includes_provider"} <= set(shared)
    assert {"max_provider_share", "band_basis", "standard_ratings", "sheet"} <= set(shared)
    for name in shared:
        assert args[name] == expected[name], name


def test_test_option_is_built_from_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["compare", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"the test of each change: {', '.join(ROUND_TESTS)}" in text
    assert next(iter(ROUND_TESTS)) == default_of(compare_rounds, "test") == "ztest"
