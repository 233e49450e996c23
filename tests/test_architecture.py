"""The layout's rules, checked on the source: who imports whom, what the light paths load.

* ``sampling`` and ``significance`` import down into ``inspection_core`` and never from each
  other's private modules (public names only, and none are needed today).
* ``inspection_core`` imports neither package, nor pandas.
* ``python -m significance ztest`` loads no ``sampling`` module and no pandas;
  ``python -m sampling size`` loads no pandas, statsmodels or matplotlib.
* Each command line's ``--help`` defaults are the library signatures' defaults.
"""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("inspection_core", "sampling", "significance")


def imported_modules(path: Path) -> Iterator[str]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module
            for alias in node.names:  # `from sampling import _frame` names a module too
                yield f"{module}.{alias.name}"


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_no_package_reaches_into_another_private_module(package: str) -> None:
    others = [p for p in PACKAGES if p != package]
    found = []
    for path in sources(package):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] in others and any(part.startswith("_") for part in parts[1:]):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    assert found == []


def test_kernel_imports_neither_package_nor_pandas() -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources("inspection_core")
        for module in imported_modules(path)
        if module.split(".")[0] in {"sampling", "significance", "pandas", "matplotlib"}
    ]
    assert found == []


def _loaded(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_ztest_command_loads_no_sampling_and_no_pandas() -> None:
    loaded = _loaded(
        "from significance._cli import main\n"
        "assert main(['ztest', '--x1', '74', '--n1', '100', '--x2', '65', '--n2', '100']) == 0"
    )
    assert {m for m in loaded if m.split(".")[0] in {"sampling", "pandas"}} == set()
    assert not any(m.startswith("significance.report") or "_report" in m for m in loaded)


def test_size_command_loads_no_pandas_statsmodels_or_matplotlib() -> None:
    loaded = _loaded(
        "from sampling._cli import main\nassert main(['size', '--population', '254']) == 0"
    )
    heavy = {"pandas", "statsmodels", "matplotlib", "significance"}
    assert {m for m in loaded if m.split(".")[0] in heavy} == set()


def _defaults(parser: object, command: str) -> dict[str, object]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub = action.choices[command]
            return {a.dest: a.default for a in sub._actions if a.dest != "help"}
    raise AssertionError(command)


def _signature(function: object) -> dict[str, object]:
    assert callable(function)
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


@pytest.mark.parametrize(
    ("command", "function"),
    [
        ("size", "sample_size"),
        ("margin", "margin_of_error"),
        ("implied", "implied_population"),
        ("published", "published_samples"),
        ("plan", "planning_table"),
    ],
)
def test_sampling_help_defaults_are_the_signatures(command: str, function: str) -> None:
    import sampling
    from sampling._cli import build_parser

    shown = _defaults(build_parser(), command)
    expected = _signature(getattr(sampling, function))
    common = {k: v for k, v in shown.items() if k in expected}
    assert common, f"{command}: no option shares a name with {function}()"
    for name, value in common.items():
        value = value[0] if isinstance(value, list) and len(value) == 1 else value
        default = expected[name]
        want = list(default) if isinstance(default, tuple) else default
        assert value == want, f"{command} --{name}: {value!r} != {function}() {want!r}"


@pytest.mark.parametrize(
    ("command", "function"),
    [
        ("ztest", "ztest"),
        ("power", "power"),
        ("mdd", "minimum_detectable_difference"),
        ("sample-size", "sample_size_per_group"),
    ],
)
def test_significance_help_defaults_are_the_signatures(command: str, function: str) -> None:
    import significance
    from significance._cli import build_parser

    shown = _defaults(build_parser(), command)
    expected = _signature(getattr(significance, function))
    common = {k: v for k, v in shown.items() if k in expected}
    assert common, f"{command}: no option shares a name with {function}()"
    for name, value in common.items():
        assert value == expected[name], f"{command} --{name}: {value!r} != {expected[name]!r}"
