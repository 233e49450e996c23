"""The scalar commands import neither numpy, scipy, pandas nor matplotlib (issue 16).

Each command runs in a fresh interpreter, as ``python -m``; the probe then lists the heavy
packages in ``sys.modules``. The arithmetic is the library's pure-Python path, whose results
``tests/significance/test_scalar_paths.py`` and ``tests/sampling/test_scalar_paths.py`` compare
with the array code's bit for bit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "pandas", "matplotlib", "statsmodels", "pyarrow")

TEN = ["Good"] * 6 + ["Inadequate"] * 2 + ["Good", "Outstanding"]
COMMANDS = {
    "size": ("sampling", ["size", "--population", "254"], "Inspect 100 cases"),
    "size, several": ("sampling", ["size", "--population", "50", "250", "inf"], "165"),
    "size --json": ("sampling", ["size", "--population", "254", "--json"], '"n": 100'),
    "margin": ("sampling", ["margin", "--n", "100", "--population", "250"], "+/-4.97"),
    "implied": ("sampling", ["implied", "--n", "100"], "from 248 to 254"),
    "plan": ("sampling", ["plan"], "infinite  165  271  385"),
    "rating": ("significance", ["rating", "64"], "Requires improvement"),
    "provider-rating": ("significance", ["provider-rating", *TEN], "Score 17 of 30: Good."),
    "ztest": (
        "significance",
        ["ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100"],
        "z = 1.382, p = 0.1669",
    ),
    "ztest, small counts (Fisher)": (
        "significance",
        ["ztest", "--x1", "3", "--n1", "10", "--x2", "1", "--n2", "12"],
        "Fisher's exact test p = 0.2932",
    ),
    "ztest from percentages": (
        "significance",
        ["ztest", "--p1", "74%", "--n1", "100", "--p2", "65%", "--n2", "100", "--json"],
        '"statistic": 1.38',
    ),
    "ztest with populations": (
        "significance",
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
            "--population1",
            "250",
            "--population2",
            "250",
            "--unpooled",
            "--continuity",
        ],
        "finite population correction",
    ),
    "power": (
        "significance",
        ["power", "--n1", "100", "--n2", "100", "--p1", "0.74", "--p2", "0.65"],
        "Power 0.3959",
    ),
    "mdd": ("significance", ["mdd", "--n1", "100", "--n2", "100", "--baseline", "0.65"], "80.6%"),
    "sample-size": (
        "significance",
        ["sample-size", "--p1", "0.74", "--p2", "0.65"],
        "Inspect 323 cases in each round",
    ),
}

PROBE = """
import runpy, sys
sys.argv = [{package!r}, *{argv!r}]
try:
    runpy.run_module({package!r}, run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print("\\nPROBE", {{"code": code, "heavy": sorted({{m.split(".")[0] for m in sys.modules}}
      & set({heavy!r}))}})
"""


@pytest.mark.parametrize("name", list(COMMANDS))
def test_scalar_command_imports_no_heavy_package(name: str) -> None:
    package, argv, expected = COMMANDS[name]
    probe = PROBE.format(package=package, argv=argv, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    out, _, tail = done.stdout.rpartition("\nPROBE ")
    record = json.loads(tail.replace("'", '"'))
    assert record == {"code": 0, "heavy": []}, (name, done.stderr)
    assert expected in out, out


def test_the_probe_sees_heavy_imports() -> None:
    """The same probe on a command that needs numpy and scipy (Boschloo's test) finds them."""
    argv = ["ztest", "--x1", "3", "--n1", "10", "--x2", "1", "--n2", "12", "--exact", "boschloo"]
    probe = PROBE.format(package="significance", argv=argv, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    record = json.loads(done.stdout.rpartition("\nPROBE ")[2].replace("'", '"'))
    assert record["code"] == 0 and {"numpy", "scipy"} <= set(record["heavy"])
