"""Page 2, Draw the sample: from the eligible-population file to the fieldwork pack.

One function per step, in the order a user meets them, so that each piece of work still to land
slots into one place:

=========================  ==========================================  =========================
step                       public functions                            waits for
=========================  ==========================================  =========================
:func:`step_source`        upload (CSV, Excel, Parquet) or the example
:func:`step_sheet`         the workbook's sheets (``sheet=``)
:func:`step_header`        the header row (found, or typed:
                           ``header_row=``) and its columns
:func:`step_mapping`       ID and strata, guessed from the names
:func:`step_fixes`         the fixes the check offers (totals rows,
                           repeated rows, look-alike levels)
:func:`step_check`         :func:`sampling.read_case_list`: every
                           problem at once, or the record of the read
:func:`step_recodings`     the spellings merged, each one editable
                           (``recode=``)
:func:`step_exclusions`    (none yet)                                  exclusions (issue 12)
:func:`step_settings`      n by the rule or typed, seed, reserves
:func:`step_draw`          :func:`sampling.draw`,                      inclusion probabilities
                           :func:`sampling.balance_report`,            (issue 12)
                           :func:`sampling.write_draw` (the pack,
                           ``fieldwork.xlsx`` included)
:func:`step_results`       allocation, balance chart and table,
                           downloads
:func:`step_reproduce`     :func:`sampling.reproduce_draw`
:func:`step_substitutions`  (none yet)                                 substitutions (issue 12)
=========================  ==========================================  =========================

The pack is the folder :func:`sampling.write_draw` writes (as ``python -m sampling draw --out``
does), zipped in memory; the folder and the staged copy of the upload are removed as soon as
the zip is made. The checked cases and the last draw stay in the session's state only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from sampling import (
    Balance,
    CaseList,
    CaseListError,
    Draw,
    balance_report,
    draw,
    read_case_list,
    reproduce_draw,
    sample_size,
    vocabulary_table,
    write_draw,
)

from ._ui import attempt, scratch, staged

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["find_header", "guess_id", "guess_strata", "pack_names", "render"]

LABELS = {
    "n": "Cases to sample",
    "seed": "Seed",
    "reserves": "Reserves per cell",
    "id_column": "ID column",
    "strata": "Strata columns",
    "cases": "Case list",
    "blank_strata": "Blank strata",
    "sheet": "Sheet",
    "header_row": "Header row",
}
TYPES = ["csv", "txt", "tsv", "xlsx", "xls", "parquet"]  # .xls accepted so its message can say why
EXAMPLE = "example_population.csv"
STATE = "draw_state"
PREVIEW_ROWS = 40  # rows looked at to find the header for the column menus
RECODE = "draw_recode::"  # widget keys of the editable recodings: RECODE + column + "::" + value
_ID_NAMES = ("case_id", "caseid", "crn", "case_reference", "case_ref", "reference", "id")
_STRATA_NAMES = {
    "gender": ("gender", "sex"),
    "disposal": ("disposal", "disposal_type", "sentence", "sentence_type", "order_type"),
    "risk": ("risk", "rosh", "rosh_level", "risk_level", "risk_of_serious_harm"),
}


@dataclass(frozen=True)
class Source:
    """An uploaded (or the bundled) case list: its name, bytes and SHA-256."""

    name: str
    data: bytes
    digest: str


@dataclass(frozen=True)
class Header:
    """Where the header is (None: the library finds it) and the columns it names."""

    row: int | None
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Mapping:
    """Which columns identify the cases and stratify them."""

    id_column: str
    strata: tuple[str, ...]
    blank_strata: str


@dataclass(frozen=True)
class Fixes:
    """The fixes the check offers, as chosen."""

    drop_totals: bool
    drop_repeats: bool
    vocabularies: str
    keep_levels: bool


@dataclass(frozen=True)
class Reading:
    """Everything the case list is read with (the key of the checked cases)."""

    digest: str
    sheet: str | None
    header_row: int | None
    mapping: Mapping
    fixes: Fixes
    recode: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    """What the user asked the draw for."""

    n: int | str
    seed: Any
    reserves: int


@dataclass(frozen=True)
class Outcome:
    """A finished draw and its downloads, with the inputs it was made from."""

    key: tuple[Any, ...]
    result: Draw
    balance: Balance
    chart: bytes
    pack: bytes
    manifest: dict[str, Any]


def _state() -> dict[str, Any]:
    state = st.session_state.get(STATE)
    if not isinstance(state, dict):
        state = {}
        st.session_state[STATE] = state
    return state


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def guess_id(columns: list[str]) -> str | None:
    """The column most likely to hold case IDs, from its name.

    Examples
    --------
    >>> guess_id(["Office", "CRN", "Gender"]), guess_id(["a", "b"])
    ('CRN', None)
    """
    names = {_normal(c): c for c in columns}
    for wanted in _ID_NAMES:
        if wanted in names:
            return names[wanted]
    for c in columns:
        if "crn" in _normal(c) or _normal(c).endswith(("_id", "_ref")):
            return c
    return None


def guess_strata(columns: list[str]) -> list[str]:
    """Columns for gender, disposal and RoSH level, found by their names.

    Examples
    --------
    >>> guess_strata(["CRN", "Sex", "Sentence type", "RoSH level", "Office"])
    ['Sex', 'Sentence type', 'RoSH level']
    """
    names = {_normal(c): c for c in columns}
    found = []
    for candidates in _STRATA_NAMES.values():
        match = next((names[c] for c in candidates if c in names), None)
        if match is not None:
            found.append(match)
    return found


def find_header(rows: list[list[str]]) -> int:
    """The 0-based index of the header among a sheet's first rows: the first nearly full one.

    Title rows above a header fill a cell or two; the header fills one per column (a data row
    with a stray extra field does not make the header short). This only offers the column
    menus: the library finds the header itself and says which row it used.

    Examples
    --------
    >>> find_header([["Eligible cases, March"], [], ["CRN", "Gender", "RoSH"], ["1", "m", "low"]])
    2
    """
    counts = [sum(1 for cell in row if str(cell).strip()) for row in rows]
    if not counts:
        return 0
    enough = max(2, (max(counts) + 1) // 2)  # a short ragged data row must not win
    return next((i for i, c in enumerate(counts) if c >= enough), counts.index(max(counts)))


def _preview(path: Path, sheet: str | None) -> list[list[str]]:
    """The first rows of the file as text (for the column menus only)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pandas as pd

        return [[str(c) for c in pd.read_parquet(path).columns]]
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            shown = [w for w in book.worksheets if w.sheet_state == "visible"] or book.worksheets
            ws = book[sheet] if sheet else shown[0]
            return [
                ["" if v is None else str(v) for v in row]
                for row in ws.iter_rows(max_row=PREVIEW_ROWS, values_only=True)
            ]
        finally:
            book.close()
    if suffix not in {".csv", ".txt", ".tsv"}:
        raise ValueError(suffix)
    raw = path.read_bytes()[: 1 << 20]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:  # UTF-16 and other encodings the library refuses: let it say so
        raise ValueError("not text")
    lines = text.splitlines()[:PREVIEW_ROWS]
    delimiter = max([",", ";", "\t", "|"], key=lambda d: sum(line.count(d) for line in lines))
    return [list(row) for row in csv.reader(lines, delimiter=delimiter)]


def pack_names(pack: bytes) -> list[str]:
    """The files in a zipped fieldwork pack."""
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        return sorted(archive.namelist())


def step_source() -> Source | None:
    """Step 1: the eligible-population file (or the bundled synthetic example)."""
    st.subheader("1. The eligible population")
    uploaded = st.file_uploader(
        "Case list: one row per eligible case (CSV, Excel .xlsx or Parquet)",
        type=TYPES,
        key="draw_upload",
    )
    example = st.checkbox(
        "Use the bundled example instead (250 synthetic cases, no real data)",
        key="draw_use_example",
    )
    if example:
        data = (files("sampling") / "data" / EXAMPLE).read_bytes()
        name = EXAMPLE
    elif uploaded is not None:
        data, name = uploaded.getvalue(), uploaded.name
    else:
        st.write("Upload the provider's case list to begin.")
        return None
    return Source(name, data, hashlib.sha256(data).hexdigest())


def step_sheet(source: Source) -> str | None:
    """Step 2: which sheet of a workbook (the first visible one unless another is chosen)."""
    if not source.name.lower().endswith(".xlsx"):
        return None
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True)
        sheets = [str(ws.title) for ws in book.worksheets]
        visible = [str(ws.title) for ws in book.worksheets if ws.sheet_state == "visible"]
        book.close()
    except Exception:  # not a workbook after all: the reading step says why
        return None
    first = sheets.index(visible[0]) if visible else 0
    sheet = st.selectbox("Sheet", sheets, index=first, key="draw_sheet")
    # The first visible sheet is the library's default: passed as None, so the manifest records
    # the read as the command line's without --sheet does.
    return None if sheet == sheets[first] else str(sheet)


def step_header(source: Source, sheet: str | None) -> Header | None:
    """Step 3: the header row (found below any title rows, or typed) and its columns."""
    typed = st.number_input(
        "Header row (0: find it below any title rows)",
        step=1,
        min_value=0,
        key="draw_header_row",
    )
    with staged(source.name, source.data) as path:
        try:
            rows = _preview(path, sheet)
        except Exception:
            rows = []
        index = int(typed) - 1 if typed else find_header(rows)
        columns = [c.strip() for c in rows[index] if c.strip()] if 0 <= index < len(rows) else []
        if not columns:  # let the library say what is wrong with the file
            if attempt(lambda: read_case_list(path, sheet=sheet), LABELS) is not None:
                st.error(f"cannot find the columns of {source.name}")
            return None
    where = "" if source.name.lower().endswith(".parquet") else f"row {index + 1} of "
    st.caption(f"Header in {where}{source.name}: {', '.join(columns)}.")
    return Header(int(typed) or None, tuple(columns))


def step_mapping(header: Header) -> Mapping:
    """Step 4: the ID and strata columns, guessed from their names."""
    st.subheader("2. Columns")
    columns = list(header.columns)
    # A new file's columns: guesses for it, not the last file's choices (set before the widgets,
    # which then take their values from the session state).
    if st.session_state.get("draw_id") not in columns:
        st.session_state["draw_id"] = guess_id(columns) or columns[0]
    chosen = st.session_state.get("draw_strata")
    if not isinstance(chosen, list) or not set(chosen) <= set(columns):
        st.session_state["draw_strata"] = guess_strata(columns)
    left, right = st.columns(2)
    id_column = left.selectbox("ID column (one per case)", columns, key="draw_id")
    strata = right.multiselect("Strata (gender, disposal, RoSH level)", columns, key="draw_strata")
    blank = st.checkbox(
        "Keep cases with a blank stratum as a level of their own, '(blank)'",
        key="draw_blank_level",
        help="Otherwise blank strata are refused, listing the rows.",
    )
    return Mapping(str(id_column), tuple(strata), "level" if blank else "error")


def step_fixes() -> Fixes:
    """Step 5: the fixes the check offers; each is recorded in the manifest."""
    a, b = st.columns(2)
    totals = a.checkbox("Drop totals, subtotal and footer rows", key="draw_drop_totals")
    repeats = a.checkbox("Drop rows that repeat an earlier row exactly", key="draw_drop_repeats")
    merge = b.checkbox(
        "Merge look-alike spellings into the standard levels (M and Male to male, SSO to "
        "suspended sentence order)",
        key="draw_vocab_apply",
    )
    keep = b.checkbox("Keep look-alike levels apart", key="draw_keep_levels")
    return Fixes(totals, repeats, "apply" if merge else "detect", keep)


def _recode() -> tuple[str, ...]:
    """The recodings the user changed (``COLUMN:VALUE=LEVEL``), from the last run's menus."""
    proposals: dict[tuple[str, str], str] = _state().get("proposals", {})
    out = []
    for (column, value), level in sorted(proposals.items()):
        chosen = st.session_state.get(f"{RECODE}{column}::{value}", level)
        if chosen != level:
            out.append(f"{column}:{value}={chosen}")
    return tuple(out)


def _read(path: Path, reading: Reading) -> CaseList | CaseListError:
    """The library's read; every blocking problem comes back together as the error."""
    try:
        return read_case_list(
            path,
            id_column=reading.mapping.id_column,
            strata=list(reading.mapping.strata),
            blank_strata=reading.mapping.blank_strata,
            sheet=reading.sheet,
            header_row=reading.header_row,
            drop_totals=reading.fixes.drop_totals,
            drop_repeats=reading.fixes.drop_repeats,
            recode=list(reading.recode),
            vocabularies=reading.fixes.vocabularies,
            keep_levels=reading.fixes.keep_levels,
        )
    except CaseListError as exc:
        return exc


def _show_problems(problems: pd.DataFrame) -> None:
    for severity, message in zip(problems["severity"], problems["message"], strict=True):
        line = " ".join(str(message).split())
        if severity == "error":
            st.error(line)
        elif severity == "warning":
            st.warning(line)
        else:
            st.caption(line)


def step_check(source: Source, reading: Reading) -> CaseList | None:
    """Step 6: read and check the cases: every problem at once, or what was read and how."""
    state = _state()
    if state.get("reading") != reading:
        state.pop("listing", None)
        state.pop("reading", None)
        with staged(source.name, source.data) as path:
            listing = attempt(lambda: _read(path, reading), LABELS)
        if listing is None:  # not kept: the message shows again on the next run
            return None
        state["reading"], state["listing"] = reading, listing
    listing = state.get("listing")
    if isinstance(listing, CaseListError):
        blocking = int(listing.problems["blocks_draw"].sum())
        if blocking > 1:
            st.markdown(f"**{blocking} problems block a draw from {listing.label}:**")
        _show_problems(listing.problems)
        return None
    if not isinstance(listing, CaseList):
        return None
    st.success(listing.summary())
    _show_problems(listing.problems)
    return listing


def _levels_of(level: str) -> list[str]:
    """The levels of the vocabulary a level belongs to (the choices an edit may make)."""
    table = vocabulary_table()
    names = table.loc[table["level"] == level, "vocabulary"].tolist()
    if not names:
        return [level]
    return [str(v) for v in table.loc[table["vocabulary"] == names[0], "level"]]


def step_recodings(listing: CaseList) -> None:
    """Step 7: the spellings merged into standard levels, each editable; each stratum's levels."""
    state = _state()
    proposals: dict[tuple[str, str], str] = state.setdefault("proposals", {})
    recodings = listing.recodings
    if len(recodings):
        st.markdown("**Spellings merged into the standard levels** (change one to correct it)")
        for column, value, level, rows, by in zip(
            recodings["column"], recodings["value"], recodings["level"], recodings["rows"],
            recodings["by"], strict=True,
        ):  # fmt: skip
            key = (str(column), str(value))
            if by == "vocabulary" or key not in proposals:
                proposals[key] = str(level)
            options = _levels_of(proposals[key])
            st.selectbox(
                f"{column}: {value!r} ({rows} rows) becomes",
                options,
                index=options.index(str(level)) if str(level) in options else 0,
                key=f"{RECODE}{column}::{value}",
            )
    with st.expander("Levels of each stratum, as read"):
        columns = st.columns(max(len(listing.strata), 1))
        for column, name in zip(columns, listing.strata, strict=False):
            counts = listing.cases[name].value_counts().rename_axis(name).reset_index(name="cases")
            column.dataframe(counts, hide_index=True)


def step_exclusions() -> None:
    """Step 7: exclusions (issue 12 adds them; nothing is excluded today)."""
    st.caption(
        "Exclusions (cases to leave out, with the reason recorded) come with the probability "
        "sample work (issue 12). Remove ineligible cases from the file before uploading."
    )


def _seed(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text  # the library says what is wrong with it


def step_settings(cases: pd.DataFrame) -> Settings:
    """Step 8: how many cases, the seed and the reserves."""
    st.subheader("3. The draw")
    rule = sample_size(len(cases)).n
    left, middle, right = st.columns(3)
    how = left.radio(
        "Cases to sample",
        ["By the rule", "Typed"],
        key="draw_n_how",
        help=f"The rule (+/-5 points at 80% confidence) gives {rule} for {len(cases)} cases.",
    )
    n: int | str = "auto"
    if how == "Typed":
        n = int(left.number_input(LABELS["n"], value=rule, step=1, key="draw_n"))
    else:
        left.caption(f"By the rule: {rule} of {len(cases)} cases.")
    seed = middle.text_input(
        "Seed (leave blank and the computer picks one; it is recorded)",
        key="draw_seed",
    )
    st.session_state.setdefault("draw_reserves", 2)  # the default, set once (it is kept)
    reserves = right.number_input(LABELS["reserves"], step=1, key="draw_reserves")
    return Settings(n, _seed(seed), int(reserves))


def _pack(result: Draw, balance: Balance, source: Source, listing: CaseList, n: Any) -> Any:
    """The folder ``write_draw`` writes, zipped in memory: (zip bytes, manifest, chart PNG)."""
    with staged(source.name, source.data) as path, scratch() as folder:
        written = write_draw(
            result,
            folder / "fieldwork-pack",
            input_path=path,
            n_requested=n,
            blank_strata=str(listing.options.get("blank_strata", "error")),
            balance=balance,
            case_list=listing,
        )
        chart = (folder / "fieldwork-pack" / "balance.png").read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in sorted((folder / "fieldwork-pack").rglob("*")):
                if item.is_file():
                    archive.write(item, item.relative_to(folder).as_posix())
    return buffer.getvalue(), written.manifest, chart


def step_draw(
    source: Source, listing: CaseList, reading: Reading, settings: Settings
) -> Outcome | None:
    """Step 9: draw, report the balance and build the pack (on the button)."""
    state = _state()
    key = (reading, settings)
    if st.button("Draw the sample", type="primary", key="draw_button"):

        def run() -> Outcome:
            result = draw(
                listing.cases,
                settings.n,
                seed=settings.seed,
                id_column=listing.id_column,
                strata=list(listing.strata),
                reserves=settings.reserves,
                blank_strata=reading.mapping.blank_strata,
            )
            balance = balance_report(result.allocation, result.sample)
            pack, manifest, chart = _pack(result, balance, source, listing, settings.n)
            return Outcome(key, result, balance, chart, pack, manifest)

        state.pop("outcome", None)
        outcome = attempt(run, LABELS)
        if outcome is not None:
            state["outcome"] = outcome
    outcome = state.get("outcome")
    if not isinstance(outcome, Outcome):
        return None
    if outcome.key != key:
        st.info("The file or the settings changed since the last draw: draw again.")
        return None
    return outcome


def step_results(outcome: Outcome) -> None:
    """Step 10: the allocation, the balance chart and table, and the downloads."""
    result, balance = outcome.result, outcome.balance
    st.subheader("4. The sample")
    seed_note = "" if "seed" not in outcome.manifest else f" Seed {result.seed} is recorded."
    st.success(result.summary() + seed_note)
    st.write(result.allocation.summary())
    st.markdown("**Cases per cell**")
    st.dataframe(result.allocation.cells, hide_index=True)
    st.markdown("**Balance: sample against the eligible population**")
    st.write(balance.summary())
    st.image(outcome.chart)
    st.dataframe(balance.table, hide_index=True)
    st.caption(
        "Inclusion probabilities of each case come with the probability sample work (issue 12)."
    )
    # the marker file the toolkit keeps in its folders (.inspection-toolkit) is in the zip too,
    # so the unzipped folder is the command line's; the caption lists the files for people
    names = ", ".join(
        Path(n).name for n in pack_names(outcome.pack) if not Path(n).name.startswith(".")
    )
    st.download_button(
        "Download the fieldwork pack (.zip)",
        outcome.pack,
        file_name=f"fieldwork-pack-seed-{result.seed}.zip",
        mime="application/zip",
        key="draw_download_pack",
        type="primary",
    )
    st.caption(f"The pack holds {names}.")
    st.download_button(
        "Download the manifest (.json)",
        json.dumps(outcome.manifest, indent=2) + "\n",
        file_name="manifest.json",
        mime="application/json",
        key="draw_download_manifest",
    )


def step_reproduce(source: Source) -> None:
    """Step 11: repeat a recorded draw from its manifest and this case list."""
    with st.expander("Repeat a draw from its manifest"):
        uploaded = st.file_uploader("manifest.json", type=["json"], key="draw_manifest")
        if uploaded is None:
            return
        with (
            staged(source.name, source.data) as cases_path,
            staged("manifest.json", uploaded.getvalue()) as manifest_path,
        ):
            again = attempt(lambda: reproduce_draw(manifest_path, cases_path), LABELS)
        if again is not None:
            st.success(
                f"The recorded draw is repeated exactly from {source.name}: {again.n} cases, "
                f"seed {again.seed}, the same sample and reserves."
            )


def step_substitutions() -> None:
    """Step 12: substitutions recorded against an uploaded pack (issue 12)."""
    st.caption(
        "Recording substitutions (a sampled case replaced by its cell's next reserve) against "
        "an uploaded pack comes with the probability sample work (issue 12)."
    )


# Settings kept while a file is replaced (Streamlit drops a widget's value in a run that does
# not show it, as happens while a new file uploads).
KEEP = (
    "draw_id", "draw_strata", "draw_n_how", "draw_n", "draw_seed", "draw_reserves",
    "draw_blank_level", "draw_header_row", "draw_drop_totals", "draw_drop_repeats",
    "draw_vocab_apply", "draw_keep_levels",
)  # fmt: skip


def render() -> None:
    """Draw the page, step by step."""
    for key in KEEP:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    st.title("Draw the sample")
    st.write(
        "A stratified random sample whose gender, disposal and RoSH shares match the eligible "
        "population's, with reserves in order and a manifest that repeats the draw exactly."
    )
    source = step_source()
    if source is None:
        return
    sheet = step_sheet(source)
    header = step_header(source, sheet)
    if header is None:
        return
    mapping = step_mapping(header)
    fixes = step_fixes()
    reading = Reading(source.digest, sheet, header.row, mapping, fixes, _recode())
    listing = step_check(source, reading)
    if listing is None:
        return
    step_recodings(listing)
    step_exclusions()
    settings = step_settings(listing.cases)
    outcome = step_draw(source, listing, reading, settings)
    if outcome is not None:
        step_results(outcome)
    step_reproduce(source)
    step_substitutions()
