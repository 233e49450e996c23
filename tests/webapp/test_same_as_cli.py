"""The page's numbers equal the command line's for the same inputs: one table, both paths.

Each row is the same question asked twice: through a page's form (AppTest) and through
``python -m sampling`` / ``python -m significance`` (their ``main``, in-process). What the page
shows (its "every number" JSON, its metrics and sentences, its downloaded pack) must equal what
the command prints (``--json``) or writes (``--out``), exactly.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from sampling._cli import main as sampling_main
from significance._cli import main as significance_main
from tests.webapp.conftest import Downloads, metrics, open_page, shown_json
from tests.webapp.test_robustness_in_forms import Action, act
from webapp._ratings import EXAMPLE as RATINGS_EXAMPLE

EXAMPLE = Path(__file__).resolve().parents[2] / "sampling" / "data" / "example_population.csv"
ANSWERS = Path(__file__).resolve().parents[2] / "significance/findings/data/example_results.csv"
MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "messy" / "messy_cases.xlsx"
MAINS: dict[str, Callable[[list[str]], int]] = {
    "sampling": sampling_main,
    "significance": significance_main,
}
PCTS: Action = ("radio", "change_kind", "Published percentages")


@dataclass(frozen=True)
class Same:
    """One question: the page and its form actions, the command line, what must be equal."""

    page: str
    actions: tuple[Action, ...]
    command: tuple[str, ...]
    compare: str  # "json": the page's JSON equals --json; others below
    before: tuple[str, ...] = ()  # a command run first (the draw a findings row reads)


ROWS: dict[str, Same] = {
    "size, the example's 250": Same("size", (), ("sampling", "size", "--population", "250",
                                                 "--json"), "json"),
    "size, 254 at 95% and 3 points": Same(
        "size",
        (("number", "size_population", 254), ("number", "size_confidence", 95.0),
         ("number", "size_margin", 3.0)),
        ("sampling", "size", "--population", "254", "--confidence", "0.95", "--margin", "0.03",
         "--json"),
        "json",
    ),
    "size, Wilson at 60% expected": Same(
        "size",
        (("number", "size_population", 600), ("number", "size_proportion", 60.0),
         ("select", "size_method", "wilson")),
        ("sampling", "size", "--population", "600", "--proportion", "0.6", "--method",
         "wilson", "--json"),
        "json",
    ),
    "ztest from counts": Same(
        "change", (),
        ("significance", "ztest", "--x1", "74", "--n1", "100", "--x2", "65", "--n2", "100",
         "--json"),
        "json",
    ),
    "ztest one-sided at 0.05": Same(
        "change",
        (("number", "change_x1", 51), ("number", "change_n1", 62), ("number", "change_x2", 23),
         ("number", "change_n2", 38), ("number", "change_alpha", 0.05),
         ("select", "change_alternative", "greater")),
        ("significance", "ztest", "--x1", "51", "--n1", "62", "--x2", "23", "--n2", "38",
         "--alpha", "0.05", "--alternative", "greater", "--json"),
        "json",
    ),
    "ztest from published percentages": Same(
        "change",
        (PCTS, ("number", "change_p1", 61.0), ("number", "change_n1", 79),
         ("number", "change_p2", 57.0), ("number", "change_n2", 79)),
        ("significance", "ztest", "--p1", "61%", "--n1", "79", "--p2", "57%", "--n2", "79",
         "--json"),
        "json",
    ),
    "detectable change": Same(
        "change", (), ("significance", "mdd", "--n1", "100", "--n2", "100", "--baseline",
                       "0.65"), "mdd",
    ),
    "power": Same(
        "change", (), ("significance", "power", "--n1", "100", "--n2", "100", "--p1", "0.74",
                       "--p2", "0.65", "--json"), "power",
    ),
    "rating of 64": Same("ratings", (), ("significance", "rating", "64", "--json"), "json"),
    "rating of 64.5, unrounded": Same(
        "ratings", (("number", "rating_pct", 64.5), ("radio", "rating_basis", "unrounded")),
        ("significance", "rating", "64.5", "--unrounded", "--json"), "json",
    ),
    "provider rating": Same(
        "ratings", (), ("significance", "provider-rating", *RATINGS_EXAMPLE, "--json"),
        "provider",
    ),
    "draw of the example, seed 2026": Same(
        "draw",
        (("upload", "draw_upload", "example_population.csv"), ("text", "draw_seed", "2026"),
         ("click", "draw_button", None)),
        ("sampling", "draw", str(EXAMPLE), "--n", "auto", "--seed", "2026", "--reserves", "2",
         "--out", "{out}"),
        "pack",
    ),
    "draw of 60 with 3 reserves": Same(
        "draw",
        (("upload", "draw_upload", "example_population.csv"), ("radio", "draw_n_how", "Typed"),
         ("number", "draw_n", 60), ("number", "draw_reserves", 3), ("text", "draw_seed", "11"),
         ("click", "draw_button", None)),
        ("sampling", "draw", str(EXAMPLE), "--n", "60", "--seed", "11", "--reserves", "3",
         "--out", "{out}"),
        "pack",
    ),
    "draw of the messy workbook, fixed as the check offers": Same(
        "draw",
        (("upload", "draw_upload", "messy_cases.xlsx"), ("check", "draw_drop_totals", None),
         ("check", "draw_drop_repeats", None), ("check", "draw_vocab_apply", None),
         ("check", "draw_blank_level", None), ("text", "draw_seed", "5"),
         ("click", "draw_button", None)),
        ("sampling", "draw", "{messy}", "--id", "CRN", "--strata", "Gender,Sentence Type,RoSH",
         "--drop-totals", "--drop-repeats", "--vocab", "apply", "--blank-strata", "level",
         "--n", "auto", "--seed", "5", "--out", "{out}"),
        "pack",
    ),
    "findings of the example answers": Same(
        "findings", (("check", "findings_example", None),),
        ("significance", "findings", "{answers}", "--sample", "{draw}", "--json"),
        "findings",
        before=("sampling", "draw", str(EXAMPLE), "--n", "auto", "--seed", "2026",
                "--reserves", "2", "--out", "{draw}"),
    ),
}  # fmt: skip


def run_cli(command: tuple[str, ...], out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    fill = {"{out}": str(out), "{messy}": str(MESSY), "{answers}": str(ANSWERS),
            "{draw}": str(out.parent / "draw")}  # fmt: skip
    argv = [fill.get(a, a) for a in command[1:]]
    code = MAINS[command[0]](argv)
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return printed.out


def _pack_files(pack: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        return {Path(n).name: archive.read(n) for n in archive.namelist()}


def _manifest(raw: bytes) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(raw)
    for key in ("created_utc", "input_file"):  # when, and the name the file had on each path
        record.pop(key)
    return record


def compare(kind: str, at: AppTest, printed: str, out: Path, downloads: Downloads) -> None:
    if kind == "json":
        assert shown_json(at) == json.loads(printed)
    elif kind == "mdd":
        text = " ".join(str(m.value) for m in at.markdown)
        assert f"Smallest detectable increase: {printed.splitlines()[0]}" in text
    elif kind == "power":
        text = " ".join(str(m.value) for m in at.markdown)
        assert f"Power {json.loads(printed)['power']:.2f}:" in text
    elif kind == "provider":
        record = json.loads(printed)
        shown = metrics(at)
        assert (shown["Provider rating"], shown["Score"]) == (
            record["rating"],
            f"{record['score']} of 30",
        )
    elif kind == "findings":
        import pandas as pd

        from webapp._findings import SHOWN

        table = at.dataframe[0].value.reset_index(drop=True)
        cli_table = pd.DataFrame(json.loads(printed)["key_questions"])[SHOWN]
        assert table.to_dict("records") == cli_table.to_dict("records")
    elif kind == "pack":
        (pack,) = (v for k, v in downloads.items() if k.startswith("fieldwork-pack"))
        page = _pack_files(pack)
        cli = {p.name: p.read_bytes() for p in out.iterdir()}
        assert sorted(page) == sorted(cli)
        for name in ("sample.csv", "reserves.csv", "balance.csv", "balance.txt"):
            assert page[name] == cli[name], name
        assert _manifest(page["manifest.json"]) == _manifest(cli["manifest.json"])
    else:  # pragma: no cover - a row with an unknown comparison
        raise AssertionError(kind)


@pytest.mark.parametrize("name", list(ROWS))
def test_the_page_and_the_command_line_agree(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], downloads: Downloads
) -> None:
    row = ROWS[name]
    (tmp_path / "example_population.csv").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "messy_cases.xlsx").write_bytes(MESSY.read_bytes())
    at = open_page(None if row.page == "size" else row.page)
    act(at, row.actions, tmp_path)
    assert not at.error, [e.value for e in at.error]
    if row.before:
        run_cli(row.before, tmp_path / "cli-out", capsys)
    printed = run_cli(row.command, tmp_path / "cli-out", capsys)
    compare(row.compare, at, printed, tmp_path / "cli-out", downloads)
