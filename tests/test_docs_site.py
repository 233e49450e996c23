"""The documentation site browses from disk: page links end in .html, not in folders."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pages_are_linked_as_html_files() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^use_directory_urls:\s*false\b", config, re.MULTILINE)
    assert re.search(r"^\s+- .+: case-lists\.md$", config, re.MULTILINE)


def test_make_docs_says_where_to_open_the_site() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    docs = makefile.split("\ndocs:", 1)[1].split("\n\n", 1)[0]
    assert "site/index.html" in docs
