"""The library's robustness table (tests/cli/test_robustness_bad_input.py), through the forms.

Every row of that table is here: either the form can produce it, and then the page shows the
library's one-line message (each parameter named by its field) and carries on working once the
input is put right, or the form cannot (a menu, a number-only field, a bounded percentage, an
output the app writes itself), and the reason is given. A row added to the table fails
``test_every_robustness_row_is_accounted_for`` until it is placed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.cli.test_robustness_bad_input import CASES, _make_fixtures
from tests.webapp.conftest import errors, metrics, open_page

Action = tuple[str, str, object]  # (widget kind, key, value)


@dataclass(frozen=True)
class Row:
    """How a form produces one bad input, and what the page must then say."""

    page: str
    actions: tuple[Action, ...]
    message: str


def upload(name: str) -> Action:
    return ("upload", "draw_upload", name)


def typed_n(value: int) -> tuple[Action, ...]:
    return (upload("cases.csv"), ("radio", "draw_n_how", "Typed"), ("number", "draw_n", value),
            ("click", "draw_button", None))  # fmt: skip


def settings(**values: object) -> tuple[Action, ...]:
    return tuple(("number" if k != "seed" else "text", f"draw_{k}", v) for k, v in values.items())


DRAW = ("click", "draw_button", None)
TABLE = ("radio", "change_mode", "A table of key questions")
PCTS = ("radio", "change_kind", "Published percentages")

FORM: dict[str, Row] = {
    "size population zero": Row(
        "size", (("number", "size_population", 0),),
        "Eligible population must be a whole number of at least 1; got 0",
    ),
    "size population negative": Row(
        "size", (("number", "size_population", -10),),
        "Eligible population must be a whole number of at least 1; got -10",
    ),
    "margin n above population": Row(
        "size", (("number", "size_sub0_n", 40), ("number", "size_sub0_pop", 33)),
        "Women: sampled must not exceed Women: eligible; got Women: sampled = 40",
    ),
    "implied n zero": Row(
        "size", (("number", "size_implied_n", 0),),
        "Published sample size must be a whole number of at least 1",
    ),
    "allocate empty file": Row("draw", (upload("empty.csv"),), "empty.csv is empty"),
    "allocate header only": Row("draw", (upload("header.csv"),), "has no cases"),
    "allocate .xls": Row("draw", (upload("cases.xls"),), "Save .xls files as .xlsx first"),
    "allocate corrupt xlsx": Row(
        "draw", (upload("corrupt.xlsx"),), "cannot read corrupt.xlsx as excel"
    ),
    "allocate corrupt parquet": Row(
        "draw", (upload("corrupt.parquet"),), "cannot read corrupt.parquet"
    ),
    "allocate not UTF-8": Row("draw", (upload("latin1.csv"),), "cannot read latin1.csv"),
    "allocate ID also a stratum": Row(
        "draw", (upload("cases.csv"), ("select", "draw_id", "gender")),
        "must not also be a stratum",
    ),
    "allocate duplicate IDs": Row("draw", (upload("dupes.csv"),), "repeats 2 IDs"),
    "draw duplicate IDs": Row("draw", (upload("dupes.csv"),), "case_id must identify each case"),
    "allocate blank ID": Row("draw", (upload("blank_id.csv"),), "case_id is blank in 1 row"),
    "allocate blank strata": Row("draw", (upload("blank_risk.csv"),), "risk is blank in 1 row"),
    "draw blank strata": Row(
        "draw", (upload("blank_risk.csv"),), "fill them in (a mapping's [corrections] can)"
    ),
    "allocate n above population": Row(
        "draw", typed_n(300), "Cases to sample must be at most 250 (the number of eligible cases)"
    ),
    "draw n above population": Row("draw", typed_n(251), "Cases to sample must be at most 250"),
    "allocate n zero": Row("draw", typed_n(0), "Cases to sample must be"),
    "allocate n negative": Row("draw", typed_n(-5), "Cases to sample must be"),
    "draw bad seed": Row(
        "draw", (upload("cases.csv"), *settings(seed="x"), DRAW), "Seed must be a number; got 'x'"
    ),
    "draw seed not whole": Row(
        "draw", (upload("cases.csv"), *settings(seed="2.5"), DRAW), "Seed must be a"
    ),
    "draw negative seed": Row(
        "draw", (upload("cases.csv"), *settings(seed="-1"), DRAW),
        "Seed must be a whole number of at least 0; got -1",
    ),
    "draw negative reserves": Row(
        "draw", (upload("cases.csv"), *settings(reserves=-1), DRAW), "Reserves per cell must be"
    ),
    "draw manifest not JSON": Row(
        "draw", (upload("cases.csv"), ("upload", "draw_manifest", "notjson.json")),
        "manifest is not valid JSON",
    ),
    "draw manifest missing keys": Row(
        "draw", (upload("cases.csv"), ("upload", "draw_manifest", "partial.json")),
        "manifest lacks input_sha256, id_column, strata, n, method, reserves",
    ),
    "draw manifest of another file": Row(
        "draw", (upload("other.csv"), ("upload", "draw_manifest", "manifest.json")),
        "other.csv is not the file the manifest was drawn from",
    ),
    "ztest x above n": Row(
        "change", (("number", "change_x1", 120),),
        "Met (this round) must be at most Cases (this round) (100); got 120",
    ),
    "ztest negative count": Row("change", (("number", "change_x1", -1),), "Met (this round)"),
    "ztest n zero": Row(
        "change", (("number", "change_x1", 0), ("number", "change_n1", 0)),
        "Cases (this round) must be a whole number of at least 1; got 0",
    ),
    "ztest alpha above 1": Row(
        "change", (("number", "change_alpha", 10.0),), "Significance level must be between 0 and 1"
    ),
    "power alpha zero": Row(
        "change", (("number", "change_alpha", 0.0),), "Significance level must be between 0 and 1"
    ),
    "ztest percentage over 100": Row(
        "change", (PCTS, ("number", "change_p1", 120.0)), "Published % (this round)"
    ),
    "ztest impossible percentage": Row(
        "change", (PCTS, ("number", "change_n1", 44), ("number", "change_p1", 79.0)),
        "no count out of n = 44 rounds to 79%",
    ),
    "compare wrong columns": Row(
        "change", (TABLE, ("upload", "change_table", "cases.csv"),
                   ("uncheck", "change_use_example", None)), "column",
    ),
    "compare percentage over 100": Row(
        "change", (TABLE, ("upload", "change_table", "bad_questions.csv"),
                   ("uncheck", "change_use_example", None)), "150",
    ),
    "allocate ragged first row": Row(
        "draw", (upload("ragged_first.csv"),), "row 2 has more fields"
    ),
    "allocate ragged later row": Row("draw", (upload("ragged_later.csv"),), "row 3 has 5 fields"),
    "draw ragged first row": Row("draw", (upload("ragged_first.csv"),), "row 2 has more fields"),
    "allocate null ID in Parquet": Row("draw", (upload("null_id.parquet"),), "case_id is blank"),
    "draw null ID in Parquet": Row(
        "draw", (upload("null_id.parquet"),), "case_id is blank in 1 row: 3 of null_id.parquet"
    ),
    "draw NaN ID in Parquet": Row(
        "draw", (upload("nan_id.parquet"),), "case_id is blank in 1 row: 2 of nan_id.parquet"
    ),
    "allocate stratum named population": Row(
        "draw", (upload("population_column.csv"),
                 ("multiselect", "draw_strata", ["gender", "population"]), DRAW),
        "allocation table uses",
    ),
    "draw input has a cell column": Row(
        "draw", (upload("cell_column.csv"), DRAW), "has a column named 'cell', which the draw adds"
    ),
    "draw input has draw_order": Row("draw", (upload("draw_order.csv"), DRAW), "'draw_order'"),
    "draw stratum named cell": Row(
        "draw", (upload("cell_column.csv"), ("multiselect", "draw_strata", ["gender", "cell"]),
                 DRAW), "which the draw adds",
    ),
    "compare comma as 654": Row(
        "change", (TABLE, ("upload", "change_table", "comma_654.csv"),
                   ("uncheck", "change_use_example", None)), "Did you mean 65.4?",
    ),
    "compare decimal comma in a percentage": Row(
        "change", (TABLE, ("upload", "change_table", "comma_pct.csv"),
                   ("uncheck", "change_use_example", None)), "'6,5'. Did you mean 6.5?",
    ),
    "ztest --alpha '1e300'": Row(
        "change", (("number", "change_alpha", 1e300),), "Significance level must be between 0 and 1"
    ),
    "ztest --alpha '1e-320'": Row(
        "change", (("number", "change_alpha", 1e-320),), "at least 1e-12 from 0 and 1"
    ),
    "compare --alpha '1e300'": Row(
        "change", (TABLE, ("number", "change_table_alpha", 1e300)),
        "Significance level must be between 0 and 1",
    ),
    "compare --alpha '1e-320'": Row(
        "change", (TABLE, ("number", "change_table_alpha", 1e-320)), "at least 1e-12 from 0 and 1"
    ),
    **{
        f"draw --seed {value!r}": Row(
            "draw", (upload("cases.csv"), *settings(seed=value), DRAW), "Seed must be a"
        )
        for value in ("-inf", "1,000.5", "1e-320", "1e400", "6,5", "65,4", "abc", "nan")
    },
    "rating above 100": Row(
        "ratings", (("number", "rating_pct", 140.0),),
        "Key question's result (%) must be a number from 0 to 100; got 140",
    ),
}  # fmt: skip

MENU = "a menu offers only the valid choices"
NUMBER = "a number field takes numbers only"
WHOLE = "a whole-number field takes whole numbers only"
PERCENT = "the field is in percent (80 means 80%) and bounded to sensible values"
COLUMNS = "columns are chosen from the file's own columns"
WRITES = "the app writes its outputs into its own session folder, never to a path typed in"
NOT_HERE = "the page has no field for it"
ALWAYS = "the field always holds a value"
UPLOAD = "an upload is a file that exists"
NOT_A_FORM: dict[str, str] = {
    "size confidence as a percentage": PERCENT,
    "size margin as a percentage": PERCENT,
    "size proportion above 1": PERCENT,
    "size population fractional": WHOLE,
    "size population not a number": NUMBER,
    "size unknown method": MENU,
    "size unknown option": NOT_HERE,
    "no command": NOT_HERE,
    "margin n missing": ALWAYS,
    "published missing file": NOT_HERE,
    "published wrong columns": NOT_HERE,
    "plan confidence as a percentage": NOT_HERE,
    "allocate missing file": UPLOAD,
    "allocate a folder": UPLOAD,
    "allocate unknown extension": "the upload accepts only .csv, .txt, .xlsx, .xls, .parquet",
    "allocate missing strata column": COLUMNS,
    "allocate missing ID column": COLUMNS,
    "allocate repeated stratum": "a multi-select cannot pick a column twice",
    "allocate n fractional": WHOLE,
    "allocate n not a number": NUMBER,
    "allocate unknown method": NOT_HERE + " (the published controlled allocation)",
    "allocate bad blank-strata": "a tick box chooses between the two",
    "allocate minimum not whole": NOT_HERE,
    "draw missing n": ALWAYS + " (by the rule, or typed)",
    "draw out folder holds results": WRITES,
    "draw out is a file": WRITES,
    "draw out parent missing": WRITES,
    "draw out is the input's folder": WRITES,
    "draw manifest with a flag": "repeating a draw takes only the manifest and the case list",
    "draw manifest missing": UPLOAD,
    "ztest fractional count": WHOLE,
    "ztest misspelt alternative": MENU,
    "ztest count and percentage": "a switch chooses counts or percentages",
    "ztest unknown exact test": NOT_HERE,
    "ztest not a number": NUMBER,
    "power p above 1": "the rates come from the counts",
    "power unknown method": NOT_HERE,
    "mdd power above 1": NOT_HERE + " (power 0.8)",
    "mdd bad direction": "the directions follow the test chosen",
    "sample-size equal rates": NOT_HERE,
    "sample-size missing p2": NOT_HERE,
    "sample-size bad alternative": NOT_HERE,
    "compare missing file": UPLOAD,
    "compare bad out extension": WRITES,
    "compare out exists": WRITES,
    "compare out is the input": WRITES,
    "compare plot extension": WRITES,
    "compare bad column mapping": NOT_HERE,
    "rating not a number": NUMBER,
    "provider-rating too few": "ten menus, one per standard",
    "provider-rating unknown rating": MENU,
}


NOT_A_FORM |= {
    "allocate /dev/null": UPLOAD,
    "allocate a FIFO": UPLOAD,
    "draw a FIFO": UPLOAD,
    "compare /dev/null": UPLOAD,
    "compare unwritable out": WRITES,
    "compare unwritable plot leaves out unwritten": WRITES,
    "draw reserves 10**30 as text": NUMBER,
    "draw reserves 1e30": WHOLE,
    "margin n 1e309": NUMBER,
    "plan margin 1e-300": NOT_HERE,
    "sample-size alpha 1e-300": NOT_HERE,
    "size confidence 0.9999999999999999": PERCENT,
    "size design effect 1e308": NOT_HERE,
    "size margin 1e-11 (n0 beyond 2**53)": PERCENT,
    "size margin 1e-300": PERCENT,
    "size proportion 1e-320": PERCENT,
    "ztest decimal-comma percentage": NUMBER,
    "ztest percentage of 1e12 cases": "the form's count fields stop at 10,000,000 cases",
    "draw --seed ''": "a blank seed asks the computer to choose one, which the draw records",
    # Issue 12's exclusions, version-2 manifests and substitutions came after the web app: its
    # draw page has no exclusion upload and repeats no manifest, and fieldwork substitutions
    # are made with `sampling substitute` (left open in the notes).
    "draw exclude without the ID column": NOT_HERE + " (exclusions: command line and library)",
    "draw exclude unknown IDs": NOT_HERE + " (exclusions: command line and library)",
    "draw exclude a whole cell": NOT_HERE + " (exclusions: command line and library)",
    "draw manifest v2 tampered allocation": NOT_HERE + " (repeating a draw: command line)",
    "draw manifest v2 tampered hash scheme": NOT_HERE + " (repeating a draw: command line)",
    "substitute case not in the sample": NOT_HERE + " (substitutions: command line)",
    "substitute case already replaced": NOT_HERE + " (substitutions: command line)",
    "substitute with no reserve left": NOT_HERE + " (substitutions: command line)",
    "substitute not a draw's folder": NOT_HERE + " (substitutions: command line)",
    "substitute blank reason": NOT_HERE + " (substitutions: command line)",
}
# The table's generated rows: every numeric flag with ten bad texts ('', 'abc', '6,5', 'nan',
# '1e400', ...). They test the command line's reading of a typed number; a form's number field
# sends a number (text, commas, NaN and infinities cannot be typed into it), whole-number fields
# are bounded to 2**53 and percentage fields to their range. The ones a form can produce (the
# seed is a text field; alpha takes any number) are rows of FORM above.
GENERATED = re.compile(r"^(?P<command>[\w-]+) (?P<flag>--[\w-]+) '(?P<value>.*)'$")
TYPED_NUMBER = "the command line's reading of a typed number: " + NUMBER
OUT_FOLDER = re.compile(r"^draw --out ")


def reason(name: str) -> str | None:
    """Why a form cannot produce a row, or None when it can (the row is in FORM)."""
    if name in FORM:
        return None
    if name in NOT_A_FORM:
        return NOT_A_FORM[name]
    if GENERATED.match(name):
        if name.startswith("ztest --p") and "1e-320" in name:
            return "the library reads 1e-320% as 0% (a count of 0); only typing refuses it"
        return TYPED_NUMBER
    if OUT_FOLDER.match(name):
        return WRITES
    raise KeyError(name)


def test_every_robustness_row_is_accounted_for() -> None:
    assert not set(FORM) & set(NOT_A_FORM)
    assert set(FORM) <= set(CASES), sorted(set(FORM) - set(CASES))
    unplaced = []
    for name in CASES:
        try:
            reason(name)
        except KeyError:
            unplaced.append(name)
    assert unplaced == []
    assert len(FORM) >= 50


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("form-fixtures")
    _make_fixtures(folder)
    return folder


def act(at: AppTest, actions: tuple[Action, ...], fixtures: Path) -> None:
    for kind, key, value in actions:
        if kind == "upload":
            data = (fixtures / str(value)).read_bytes()
            at.file_uploader(key=key).set_value((str(value), data, "application/octet-stream"))
        elif kind == "number":
            assert isinstance(value, int | float)
            at.number_input(key=key).set_value(value)
        elif kind == "text":
            at.text_input(key=key).set_value(str(value))
        elif kind == "select":
            at.selectbox(key=key).set_value(value)
        elif kind == "radio":
            at.radio(key=key).set_value(value)
        elif kind == "multiselect":
            assert isinstance(value, list)
            at.multiselect(key=key).set_value(value)
        elif kind == "uncheck":
            at.checkbox(key=key).uncheck()
        elif kind == "check":
            at.checkbox(key=key).check()
        elif kind == "click":
            at.button(key=key).click()
        elif kind == "clear" and key in {u.key for u in at.file_uploader}:
            at.file_uploader(key=key).clear()  # empty an upload, where the page shows it
        at.run()
        assert not at.exception, at.exception


RECOVER: dict[str, tuple[Action, ...]] = {
    "size": (("number", "size_population", 250), ("number", "size_sub0_n", 16),
             ("number", "size_sub0_pop", 39), ("number", "size_implied_n", 100)),
    "draw": (("clear", "draw_manifest", None), upload("cases.csv"),
             ("select", "draw_id", "case_id"), ("radio", "draw_n_how", "By the rule"),
             *settings(seed="2026", reserves=2), DRAW),
    "change": (("radio", "change_mode", "One key question"), ("radio", "change_kind", "Counts"),
               ("number", "change_x1", 74), ("number", "change_n1", 100),
               ("number", "change_alpha", 0.1)),
    "ratings": (("number", "rating_pct", 64.0),),
}  # fmt: skip


def recovered(at: AppTest, page: str) -> bool:
    if page == "size":
        return metrics(at)["Cases to inspect"] == "100"
    if page == "draw":
        return any(
            str(s.value).startswith("Drew 100 of 250 cases with seed 2026") for s in at.success
        )
    if page == "change":
        return metrics(at)["z"] == "1.382"
    return metrics(at)["Band"] == "Requires improvement"


@pytest.mark.parametrize("name", list(FORM))
def test_the_form_shows_the_library_message_and_carries_on(name: str, fixtures: Path) -> None:
    row = FORM[name]
    at = open_page(row.page)
    act(at, row.actions, fixtures)
    shown = errors(at)
    assert len(shown) == 1, (name, shown)  # one line, where the problem is
    assert row.message in shown[0], (name, shown[0])
    assert "Traceback" not in shown[0] and "\n" not in shown[0]
    if row.actions[-1][0] != "click":  # a button's message answers that click only
        at.run()  # another run (any other interaction): it stays while the input is wrong
        assert errors(at) == shown, name
    act(at, RECOVER[row.page], fixtures)
    assert errors(at) == [], (name, errors(at))
    assert recovered(at, row.page), name
