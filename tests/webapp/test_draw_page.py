"""Page 2, Draw the sample, driven headless: upload, columns, check, draw, the pack, a repeat.

The reference for every case drawn is the library itself on the same file and seed
(:func:`sampling.read_cases` then :func:`sampling.draw`, as ``python -m sampling draw`` does):
the page must give exactly those cases, and a pack with exactly what ``write_draw`` writes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sampling import draw, read_cases
from tests.webapp.conftest import Downloads, errors, open_page
from webapp._draw import pack_names
from webapp._ui import FOLDER_KEY

EXAMPLE = Path(str(files("sampling") / "data" / "example_population.csv"))
DATA = EXAMPLE.read_bytes()
PACK = [  # what write_draw writes (python -m sampling draw --out), in a folder of the zip
    "fieldwork-pack/.inspection-toolkit",  # the marker of a folder the toolkit wrote
    "fieldwork-pack/balance.csv",
    "fieldwork-pack/balance.png",
    "fieldwork-pack/balance.txt",
    "fieldwork-pack/fieldwork.xlsx",
    "fieldwork-pack/manifest.json",
    "fieldwork-pack/reserves.csv",
    "fieldwork-pack/sample.csv",
]


@pytest.fixture
def page() -> AppTest:
    at = open_page("draw")
    at.file_uploader(key="draw_upload").set_value(("cases.csv", DATA, "text/csv")).run()
    assert not at.exception and errors(at) == []
    return at


def successes(at: AppTest) -> list[str]:
    return [str(s.value) for s in at.success]


def test_columns_are_guessed_and_the_cases_checked(page: AppTest) -> None:
    at = page
    assert at.selectbox(key="draw_id").value == "case_id"
    assert at.multiselect(key="draw_strata").value == ["gender", "disposal", "risk"]
    assert successes(at)[0] == (
        "Read 250 cases from cases.csv (UTF-8, comma-separated); header in row 1."
    )
    caption = " ".join(str(c.value) for c in at.caption)
    assert "Header in row 1 of cases.csv: case_id, gender, disposal, risk, office" in caption
    assert "By the rule: 100 of 250 cases." in caption  # 250 -> 100 (docs/methods.md)


def test_draw_through_to_the_pack(page: AppTest, downloads: Downloads) -> None:
    at = page
    at.text_input(key="draw_seed").set_value("2026").run()
    at.button(key="draw_button").click().run()
    assert not at.exception and errors(at) == []
    expected = draw(read_cases(EXAMPLE), "auto", seed=2026, reserves=2)
    assert successes(at)[-1].startswith(expected.summary())
    # the margins hit their targets, which the balance warns about only for the rare level
    assert [str(w.value) for w in at.warning] == [
        "risk: expected sample count 0.40 for 'very high' is below 5, so the chi-square "
        "p-value is approximate"
    ]
    pack = downloads["fieldwork-pack-seed-2026.zip"]
    assert pack_names(pack) == PACK
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        sample = pd.read_csv(archive.open("fieldwork-pack/sample.csv"), dtype=str)
        reserves = pd.read_csv(archive.open("fieldwork-pack/reserves.csv"), dtype=str)
        manifest = json.loads(archive.read("fieldwork-pack/manifest.json"))
        assert archive.read("fieldwork-pack/balance.png").startswith(b"\x89PNG")
    assert sample["case_id"].tolist() == expected.sample["case_id"].tolist()
    assert reserves["case_id"].tolist() == expected.reserves["case_id"].tolist()
    assert (manifest["seed"], manifest["n"], manifest["n_requested"]) == (2026, 100, "auto")
    assert manifest["input_file"] == "cases.csv"
    assert manifest["input_sha256"] == hashlib.sha256(DATA).hexdigest()
    assert json.loads(downloads["manifest.json"]) == manifest
    # nothing of the case list is left on disk: the staged copy and the pack folder are gone
    folder = at.session_state[FOLDER_KEY].path
    assert list(folder.iterdir()) == []


def test_a_blank_seed_is_chosen_and_recorded(page: AppTest, downloads: Downloads) -> None:
    at = page
    at.button(key="draw_button").click().run()
    outcome = at.session_state["draw_state"]["outcome"]
    seed = outcome.result.seed
    assert isinstance(seed, int) and seed >= 0
    assert f"Seed {seed} is recorded." in successes(at)[-1]
    assert outcome.manifest["seed"] == seed
    again = draw(read_cases(EXAMPLE), "auto", seed=seed)
    assert outcome.result.sample["case_id"].tolist() == again.sample["case_id"].tolist()


def test_typed_n_reserves_and_changed_settings(page: AppTest) -> None:
    at = page
    at.radio(key="draw_n_how").set_value("Typed").run()
    at.number_input(key="draw_n").set_value(40).run()
    at.number_input(key="draw_reserves").set_value(0).run()
    at.text_input(key="draw_seed").set_value("7").run()
    at.button(key="draw_button").click().run()
    result = at.session_state["draw_state"]["outcome"].result
    expected = draw(read_cases(EXAMPLE), 40, seed=7, reserves=0)
    assert len(result.sample) == 40 and result.reserves.empty
    assert result.sample["case_id"].tolist() == expected.sample["case_id"].tolist()
    at.number_input(key="draw_n").set_value(41).run()  # a changed setting hides the old draw
    assert [str(i.value) for i in at.info] == [
        "The file or the settings changed since the last draw: draw again."
    ]
    assert at.get("download_button") == []


def test_a_workbook_with_two_sheets(downloads: Downloads) -> None:
    cases = pd.read_csv(io.BytesIO(DATA), dtype=str)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        cases.to_excel(book, sheet_name="Cases", index=False)
        pd.DataFrame({"note": ["extract of 1 March"]}).to_excel(book, sheet_name="Notes")
    at = open_page("draw")
    upload = ("cases.xlsx", buffer.getvalue(), "application/octet-stream")
    at.file_uploader(key="draw_upload").set_value(upload).run()
    assert at.selectbox(key="draw_sheet").options == ["Cases", "Notes"]
    assert at.selectbox(key="draw_sheet").value == "Cases"
    at.text_input(key="draw_seed").set_value("2026").run()
    at.button(key="draw_button").click().run()
    assert errors(at) == []
    result = at.session_state["draw_state"]["outcome"].result
    from_csv = draw(read_cases(EXAMPLE), "auto", seed=2026)
    assert result.sample["case_id"].tolist() == from_csv.sample["case_id"].tolist()
    assert "fieldwork-pack/sample.csv" in pack_names(downloads["fieldwork-pack-seed-2026.zip"])


def test_blank_strata_kept_as_a_level(page: AppTest) -> None:
    lines = DATA.decode().splitlines()
    cells = lines[31].split(",")
    cells[3] = ""
    blank = "\n".join([*lines[:31], ",".join(cells), *lines[32:]]).encode()
    at = page
    at.file_uploader(key="draw_upload").set_value(("blank.csv", blank, "text/csv")).run()
    assert errors(at) and "risk is blank in 1 row: 32 of blank.csv" in errors(at)[0]
    at.checkbox(key="draw_blank_level").check().run()
    assert errors(at) == [] and successes(at)[0].startswith("Read 250 cases from blank.csv")
    at.text_input(key="draw_seed").set_value("1").run()
    at.button(key="draw_button").click().run()
    outcome = at.session_state["draw_state"]["outcome"]
    assert "(blank)" in outcome.result.allocation.margins["level"].tolist()
    assert outcome.manifest["blank_strata"] == "level"


def test_repeat_a_draw_from_its_manifest(page: AppTest) -> None:
    at = page
    at.text_input(key="draw_seed").set_value("2026").run()
    at.button(key="draw_button").click().run()
    manifest = json.dumps(at.session_state["draw_state"]["outcome"].manifest).encode()
    at.file_uploader(key="draw_manifest").set_value(("manifest.json", manifest, "x")).run()
    assert errors(at) == []
    assert any(s.startswith("The recorded draw is repeated exactly") for s in successes(at))


MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "messy" / "messy_cases.xlsx"


def test_the_messy_workbook_every_problem_then_the_fixes(downloads: Downloads) -> None:
    """The provider's workbook of tests/fixtures/messy (planted.json lists its problems)."""
    at = open_page("draw")
    upload = ("messy_cases.xlsx", MESSY.read_bytes(), "application/octet-stream")
    at.file_uploader(key="draw_upload").set_value(upload).run()
    assert at.selectbox(key="draw_sheet").options == ["Cases", "Notes"]
    caption = " ".join(str(c.value) for c in at.caption)
    assert "Header in row 3 of messy_cases.xlsx: CRN, Gender, Sentence Type, RoSH" in caption
    assert at.selectbox(key="draw_id").value == "CRN"
    assert at.multiselect(key="draw_strata").value == ["Gender", "Sentence Type", "RoSH"]
    shown = errors(at)  # every blocking problem at once, one line each
    assert len(shown) == 6
    assert "has 2 rows that are not cases: 305 (totals" in shown[0]
    assert "repeats 1 ID: '187455' (rows 26, 232)" in shown[1]
    assert "RoSH is blank in 2 rows: 165, 288" in shown[2]
    assert all("look like one level spelt differently" in s for s in shown[3:])
    for key in ("draw_drop_totals", "draw_drop_repeats", "draw_vocab_apply", "draw_blank_level"):
        at.checkbox(key=key).check().run()
    assert errors(at) == []
    assert successes(at)[0].startswith(
        "Read 300 cases from sheet 'Cases' of messy_cases.xlsx (other sheets: 'Notes'; --sheet "
        "chooses); header in row 3 (row 1 above it skipped); dropped rows 305 (totals), 307 "
        "(footer), 232 (repeat of row 26); recoded 14 spellings"
    )
    pss = at.selectbox(key="draw_recode::Sentence Type::PSS")
    assert pss.value == "post-sentence supervision"
    assert pss.options == [
        "community order", "suspended sentence order", "licence", "post-sentence supervision"
    ]  # fmt: skip
    at.text_input(key="draw_seed").set_value("5").run()
    at.button(key="draw_button").click().run()
    assert errors(at) == []
    manifest = at.session_state["draw_state"]["outcome"].manifest
    assert manifest["reading"]["header_row"] == 3 and manifest["reading"]["sheet"] == "Cases"
    pack = downloads["fieldwork-pack-seed-5.zip"]
    assert "fieldwork-pack/fieldwork.xlsx" in pack_names(pack)
    # an edited recoding is the user's own, recorded as such, and changes the cells
    pss.set_value("licence").run()
    assert errors(at) == []
    listing = at.session_state["draw_state"]["listing"]
    edited = listing.recodings.set_index("value").loc["PSS"]
    assert (edited["level"], edited["by"]) == ("licence", "mapping")
    assert "post-sentence supervision" not in set(listing.cases["Sentence Type"])
