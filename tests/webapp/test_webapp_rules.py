"""The web app's rules, checked on its source and its settings.

* It calls only the public API of ``sampling`` and ``significance`` (no ``sampling._x`` or
  ``significance._x`` import, every imported name in its module's ``__all__``), takes nothing
  from the kernel but the structured error's rendering, and imports no statistics library: the
  statistics are the library's.
* It caches nothing (no ``st.cache_data`` or ``st.cache_resource``: case data must not outlive
  the session).
* It runs on this computer only, with usage statistics off, whether started by the launcher's
  flags or by ``streamlit run webapp/app.py`` (the config beside the script).
* Every page file is in the navigation, and the session's folder goes when the session does.
"""

from __future__ import annotations

import ast
import gc
import importlib
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.webapp.conftest import open_page
from webapp import APP_SCRIPT, streamlit_arguments
from webapp._app import PAGES
from webapp._ui import FOLDER_KEY

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "webapp"
SOURCES = sorted(APP.rglob("*.py"))
STATISTICS = {"numpy", "scipy", "statsmodels", "sklearn"}
CACHES = {"cache_data", "cache_resource", "experimental_memo", "memo"}
KERNEL_ALLOWED = ("inspection_core.errors", "render_error")  # the error's one-line rendering


def imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, imported name or None) for every import in a file, relative ones resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield from ((module, alias.name) for alias in node.names)


def test_the_app_has_sources_to_check() -> None:
    assert len(SOURCES) >= 10
    assert APP / "_draw.py" in SOURCES and APP / "pages" / "draw.py" in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_public_library_names(path: Path) -> None:
    found = []
    for module, name in imports(path):
        top, *rest = module.split(".")
        if top in {"sampling", "significance"}:
            if any(part.startswith("_") for part in rest) or (name or "").startswith("_"):
                found.append(f"private: {module} {name}")
            elif name is not None:
                exported = getattr(importlib.import_module(module), "__all__", ())
                if name not in exported:
                    found.append(f"not in {module}.__all__: {name}")
        elif top == "inspection_core" and (module, name) != (
            "inspection_core.errors",
            "render_error",
        ):
            found.append(f"kernel: {module} {name}")
        elif top in STATISTICS:
            found.append(f"statistics library: {module}")
    assert found == []


def test_the_rule_catches_a_private_import(tmp_path: Path) -> None:
    bad = APP / "_probe_for_the_rule_test.py"
    bad.write_text("from sampling._sizes import sample_size\nimport significance._ztest\n")
    try:
        found = [m for m, _ in imports(bad)]
    finally:
        bad.unlink()
    assert found == ["sampling._sizes", "significance._ztest"]


def test_nothing_is_cached() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr in CACHES)
        or (isinstance(node, ast.alias) and node.name in CACHES)
    ]
    assert found == []


def test_local_only_and_no_usage_statistics() -> None:
    config = tomllib.loads((APP / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True
    args = streamlit_arguments("127.0.0.1", 8600)
    flags = dict(zip(args[2::2], args[3::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1" and flags["--server.port"] == "8600"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert args[:2] == ["run", str(APP_SCRIPT)]


def test_every_page_file_is_in_the_navigation() -> None:
    files = {f"pages/{p.name}" for p in (APP / "pages").glob("*.py") if p.name != "__init__.py"}
    assert {script for script, _, _ in PAGES} == files
    assert [url for _, _, url in PAGES] == ["size", "draw", "change", "findings", "ratings"]


def test_session_folder_is_removed_with_the_session() -> None:
    at = open_page("change")
    at.radio(key="change_mode").set_value("A table of key questions").run()  # uses the folder
    folder = at.session_state[FOLDER_KEY].path
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the staged table and the workbook are already gone
    del at
    gc.collect()
    assert not folder.exists()


def test_the_launcher_takes_another_port_when_the_default_is_busy() -> None:
    import socket

    from webapp._launch import free_port

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        other = free_port("127.0.0.1", taken)
    assert other != taken and 1024 <= other <= 65535
