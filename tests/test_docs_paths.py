"""Every test file, script or data file the docs name exists (the tests were reorganised once)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*ROOT.glob("docs/*.md"), ROOT / "README.md", ROOT / "CHANGELOG.md"])
NAMED = re.compile(r"\b((?:tests|benchmarks|scripts)/[\w/.-]+\.(?:py|R|csv))\b")


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_named_project_file_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    if page.name == "CHANGELOG.md":  # history names files as they were then: only the top
        text = text.split("\n## ", 2)[1] if "\n## " in text else text
    missing = sorted({m for m in NAMED.findall(text) if not (ROOT / m).exists()})
    assert missing == [], f"{page.name} names files that do not exist: {missing}"
