"""Page 2, Draw the sample: from the eligible-population file to the fieldwork pack.

One function per step, in the order a user meets them, so that each piece of work still to land
slots into one place:

====================  =======================================  ===============================
step                  today (public functions on main)         waits for
====================  =======================================  ===============================
:func:`step_source`   upload (CSV, Excel, Parquet) or example
:func:`step_sheet`    lists the sheets; the first is read      ``--sheet`` (issue 13)
:func:`step_header`   the columns of row 1                     header detection (issue 13)
:func:`step_mapping`  ID and strata guessed from the names
:func:`step_check`    :func:`sampling.read_cases` (first       ``check`` listing every
                      problem, one line)                       problem at once (issue 13)
:func:`step_levels`   each variable's levels and counts        recodings and vocabularies
                                                               (issue 13)
:func:`step_exclusions`  (none yet)                            exclusions (issue 12)
:func:`step_settings` n by the rule or typed, seed, reserves
:func:`step_draw`     :func:`sampling.draw`,                   inclusion probabilities
                      :func:`sampling.balance_report`,         (issue 12); ``fieldwork.xlsx``
                      :func:`sampling.write_draw`              comes inside the pack from
                                                               ``write_draw`` (issue 13)
:func:`step_results`  allocation, :func:`sampling.plot_balance`,
                      balance table, downloads
:func:`step_reproduce`  :func:`sampling.reproduce_draw`
:func:`step_substitutions`  (none yet)                         substitutions (issue 12)
====================  =======================================  ===============================

The pack is the folder :func:`sampling.write_draw` writes (as ``python -m sampling draw --out``
does), zipped in memory; the folder and the staged copy of the upload are removed as soon as
the zip is made. The checked cases and the last draw stay in the session's state only.
"""

from __future__ import annotations

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
    Draw,
    balance_report,
    draw,
    read_cases,
    reproduce_draw,
    sample_size,
    write_draw,
)

from ._ui import attempt, scratch, staged

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["guess_id", "guess_strata", "pack_names", "render"]

LABELS = {
    "n": "Cases to sample",
    "seed": "Seed",
    "reserves": "Reserves per cell",
    "id_column": "ID column",
    "strata": "Strata columns",
    "cases": "Case list",
    "blank_strata": "Blank strata",
}
TYPES = ["csv", "txt", "xlsx", "xls", "parquet"]  # .xls is accepted so its message can say why
EXAMPLE = "example_population.csv"
STATE = "draw_state"
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
class Mapping:
    """Which columns identify the cases and stratify them."""

    id_column: str
    strata: tuple[str, ...]
    blank_strata: str


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
    """Step 2: which sheet of a workbook (the first sheet is read until ``--sheet`` lands)."""
    if not source.name.lower().endswith(".xlsx"):
        return None
    try:
        import openpyxl  # type: ignore[import-untyped]  # no type stubs installed

        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True)
        sheets = [str(s) for s in book.sheetnames]
        book.close()
    except Exception:  # not a workbook after all: the reading step says why
        return None
    st.selectbox(
        "Sheet",
        sheets,
        index=0,
        key="draw_sheet",
        disabled=True,
        help="The first sheet in tab order is read. Choosing another sheet comes with the "
        "case-list work (issue 13).",
    )
    if len(sheets) > 1:
        st.caption(f"The workbook has {len(sheets)} sheets; the first, {sheets[0]!r}, is read.")
    return sheets[0]


def _columns(path: Path) -> list[str]:
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        frame = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, nrows=0, dtype=str)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        raise ValueError(suffix)
    return [str(c).strip() for c in frame.columns]


def step_header(source: Source) -> list[str] | None:
    """Step 3: the header row and its columns (row 1 until header detection lands)."""
    with staged(source.name, source.data) as path:
        try:
            columns = _columns(path)
        except Exception:
            columns = []
        if not columns:  # let the library say what is wrong with the file
            if attempt(lambda: read_cases(path), LABELS) is not None:
                st.error(f"cannot find the columns of {source.name}")
            return None
    st.caption(f"Header row 1 of {source.name}: {', '.join(columns)}.")
    return columns


def step_mapping(columns: list[str]) -> Mapping:
    """Step 4: the ID and strata columns, guessed from their names."""
    st.subheader("2. Columns")
    guessed = guess_id(columns)
    left, right = st.columns(2)
    id_column = left.selectbox(
        "ID column (one per case)",
        columns,
        index=columns.index(guessed) if guessed in columns else 0,
        key="draw_id",
    )
    strata = right.multiselect(
        "Strata (gender, disposal, RoSH level)",
        columns,
        default=guess_strata(columns),
        key="draw_strata",
    )
    blank = st.checkbox(
        "Keep cases with a blank stratum as a level of their own, '(blank)'",
        key="draw_blank_level",
        help="Otherwise blank strata are refused, listing the rows.",
    )
    return Mapping(str(id_column), tuple(strata), "level" if blank else "error")


def step_check(source: Source, mapping: Mapping) -> pd.DataFrame | None:
    """Step 5: read and check the cases (the library's checks; the first problem is shown)."""
    state = _state()
    key = (source.digest, mapping)
    if state.get("cases_key") != key:
        state.pop("cases", None)
        with staged(source.name, source.data) as path:
            cases = attempt(
                lambda: read_cases(
                    path,
                    id_column=mapping.id_column,
                    strata=list(mapping.strata),
                    blank_strata=mapping.blank_strata,
                ),
                LABELS,
            )
        if cases is None:
            state["cases_key"] = None
            return None
        state["cases"], state["cases_key"] = cases, key
    cases = state["cases"]
    st.success(
        f"{len(cases)} cases read from {source.name}: every case has its own ID and "
        f"{'its strata' if mapping.blank_strata == 'error' else 'strata (blanks kept as a level)'}."
    )
    st.caption("Listing every problem at once comes with the case-list work (issue 13).")
    return cases  # type: ignore[no-any-return]


def step_levels(cases: pd.DataFrame, mapping: Mapping) -> None:
    """Step 6: each stratum's levels, to spot near-duplicates (recodings come with issue 13)."""
    with st.expander("Levels found in each stratum"):
        columns = st.columns(max(len(mapping.strata), 1))
        for column, name in zip(columns, mapping.strata, strict=False):
            counts = cases[name].value_counts().rename_axis(name).reset_index(name="cases")
            column.dataframe(counts, hide_index=True)
        st.caption(
            "Near-duplicate levels (for example 'Male' and 'M') would be separate cells. "
            "Proposed recodings to accept or edit come with the case-list work (issue 13); "
            "until then correct them in the file."
        )


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
    reserves = right.number_input(LABELS["reserves"], value=2, step=1, key="draw_reserves")
    return Settings(n, _seed(seed), int(reserves))


def _pack(result: Draw, balance: Balance, source: Source, mapping: Mapping, n: Any) -> Any:
    """The folder ``write_draw`` writes, zipped in memory: (zip bytes, manifest, chart PNG)."""
    with staged(source.name, source.data) as path, scratch() as folder:
        written = write_draw(
            result,
            folder / "fieldwork-pack",
            input_path=path,
            n_requested=n,
            blank_strata=mapping.blank_strata,
            balance=balance,
        )
        chart = (folder / "fieldwork-pack" / "balance.png").read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in sorted((folder / "fieldwork-pack").rglob("*")):
                if item.is_file():
                    archive.write(item, item.relative_to(folder).as_posix())
    return buffer.getvalue(), written["manifest"], chart


def step_draw(
    source: Source, cases: pd.DataFrame, mapping: Mapping, settings: Settings
) -> Outcome | None:
    """Step 9: draw, report the balance and build the pack (on the button)."""
    state = _state()
    key = (source.digest, mapping, settings)
    if st.button("Draw the sample", type="primary", key="draw_button"):

        def run() -> Outcome:
            result = draw(
                cases,
                settings.n,
                seed=settings.seed,
                id_column=mapping.id_column,
                strata=list(mapping.strata),
                reserves=settings.reserves,
                blank_strata=mapping.blank_strata,
            )
            balance = balance_report(result.allocation, result.sample)
            pack, manifest, chart = _pack(result, balance, source, mapping, settings.n)
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
    names = ", ".join(Path(n).name for n in pack_names(outcome.pack))
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
KEEP = ("draw_n_how", "draw_n", "draw_seed", "draw_reserves", "draw_blank_level")


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
    step_sheet(source)
    columns = step_header(source)
    if columns is None:
        return
    mapping = step_mapping(columns)
    cases = step_check(source, mapping)
    if cases is None:
        return
    step_levels(cases, mapping)
    step_exclusions()
    settings = step_settings(cases)
    outcome = step_draw(source, cases, mapping, settings)
    if outcome is not None:
        step_results(outcome)
    step_reproduce(source)
    step_substitutions()
