"""Page 4, Findings: inspectors' case answers and the fieldwork pack to the published findings.

:func:`significance.case_findings` does the work (the answers joined to the draw, each key
question's counts, half-up percentage, margin and Wilson interval over the rating bands, the
design-based estimate, sub-groups and their tests, standard and provider ratings); the page
takes the two files, shows the tables and the chart (:meth:`significance.CaseFindings.plot`) and
offers the workbook (:meth:`significance.CaseFindings.write`). The pack is the zip the Draw page
downloads (or this session's draw, or the bundled example's), unpacked into the session's
folder for as long as the library reads it.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import streamlit as st

from sampling import draw, read_cases, write_draw
from significance import RATINGS, CaseFindings, case_findings
from significance.report.standards import STANDARD_NAMES

from ._ui import attempt, confidence_input, scratch, staged

__all__ = ["render", "unpack"]

LABELS = {
    "results": "Case answers",
    "sample": "Fieldwork pack",
    "confidence_level": "Confidence level",
    "alpha": "Significance level",
    "groups": "Sub-groups",
    "standard_ratings": "Ratings of other standards",
}
STATE = "findings_state"
PACK_FILES = frozenset(
    {
        "sample.csv",
        "reserves.csv",
        "manifest.json",
        "balance.csv",
        "balance.txt",
        "balance.png",
        "fieldwork.xlsx",
    }
)
EXAMPLE_RESULTS = "example_results.csv"
SHOWN = [
    "key_question",
    "standard",
    "sub_sample",
    "answered",
    "yes",
    "pct",
    "margin_of_error",
    "wilson_low",
    "wilson_high",
    "band",
    "interval_bands",
    "near_boundary",
    "sentence",
]


@dataclass(frozen=True)
class Upload:
    """A file's name and bytes."""

    name: str
    data: bytes


def unpack(pack: bytes, folder: Path) -> Path:
    """The pack's files (by name, whatever folder the zip holds them in) written into ``folder``.

    Only the files a draw writes are taken, so nothing in the zip can land elsewhere.

    Examples
    --------
    >>> import tempfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("fieldwork-pack/sample.csv", "case_id")
    ...     z.writestr("../../elsewhere.txt", "ignored")
    >>> out = unpack(buffer.getvalue(), Path(tempfile.mkdtemp()))
    >>> sorted(p.name for p in out.iterdir())
    ['sample.csv']
    """
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        for info in archive.infolist():
            name = Path(info.filename).name
            if not info.is_dir() and name in PACK_FILES:
                (folder / name).write_bytes(archive.read(info))
    return folder


def _example_pack() -> bytes:
    """The fieldwork pack of the example draw the bundled answers belong to (seed 2026)."""
    population = Path(str(files("sampling") / "data" / "example_population.csv"))
    with scratch() as folder:
        write_draw(
            draw(read_cases(population), "auto", seed=2026, reserves=2),
            folder / "pack",
            input_path=population,
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for item in sorted((folder / "pack").iterdir()):
                archive.write(item, item.name)
    return buffer.getvalue()


def step_inputs() -> tuple[Upload, Upload] | None:
    """The case answers and the pack: uploaded, this session's draw, or the bundled example."""
    example = st.checkbox(
        "Use the bundled example: synthetic answers for the example population's draw (seed 2026)",
        key="findings_example",
    )
    if example:
        state = st.session_state.setdefault(STATE, {})
        if "example_pack" not in state:
            state["example_pack"] = _example_pack()
        results = (files("significance.findings") / "data" / EXAMPLE_RESULTS).read_bytes()
        return Upload(EXAMPLE_RESULTS, results), Upload("example-pack.zip", state["example_pack"])
    left, right = st.columns(2)
    answers = left.file_uploader(
        "Case answers: one row per case, a column per key question (CSV, Excel, Parquet)",
        type=["csv", "xlsx", "parquet"],
        key="findings_answers",
    )
    pack = right.file_uploader(
        "The fieldwork pack the cases were drawn in (.zip from Draw the sample)",
        type=["zip"],
        key="findings_pack",
    )
    drawn = st.session_state.get("draw_state", {}).get("outcome")
    use_drawn = drawn is not None and right.checkbox(
        "Use the pack of the draw made on Draw the sample in this session", key="findings_drawn"
    )
    if answers is None or (pack is None and not use_drawn):
        st.write("Upload the case answers and the fieldwork pack to begin.")
        return None
    if use_drawn:
        pack_upload = Upload("drawn-pack.zip", drawn.pack)
    else:
        assert pack is not None  # checked above
        pack_upload = Upload(pack.name, pack.getvalue())
    return Upload(answers.name, answers.getvalue()), pack_upload


@contextmanager
def _staged_inputs(answers: Upload, pack: Upload) -> Iterator[tuple[Path, Path]]:
    with staged(answers.name, answers.data) as results, scratch() as folder:
        try:
            sample = unpack(pack.data, folder)
        except zipfile.BadZipFile:
            raise ValueError(
                f"{pack.name} is not a zip file (the pack the draw page gives)"
            ) from None
        yield results, sample


def _compute(answers: Upload, pack: Upload, options: dict[str, Any]) -> CaseFindings | None:
    state = st.session_state.setdefault(STATE, {})
    key = (
        hashlib.sha256(answers.data).hexdigest(),
        hashlib.sha256(pack.data).hexdigest(),
        tuple(sorted((k, str(v)) for k, v in options.items())),
    )
    if state.get("key") != key or "findings" not in state:
        state.pop("findings", None)
        state.pop("key", None)

        def run() -> tuple[CaseFindings, bytes, bytes]:
            with _staged_inputs(answers, pack) as (results, sample):
                found = case_findings(results, sample=sample, **options)
                workbook = found.write(sample / "findings.xlsx").read_bytes()
            return found, workbook, found.plot().to_bytes("png")

        computed = attempt(run, LABELS)
        if computed is None:  # not kept: the message shows again on the next run
            return None
        state["key"], state["findings"] = key, computed
    return state["findings"][0]  # type: ignore[no-any-return]


def render() -> None:
    """Draw the page."""
    st.title("Findings")
    st.write(
        "From the inspectors' yes/no answers to each key question's published figure: the "
        "percentage (rounded half up), its margin of error and interval over the rating bands, "
        "the sub-groups and the tests between them, and the ratings."
    )
    inputs = step_inputs()
    if inputs is None:
        return
    with st.form("findings_options", border=False):
        a, b, c = st.columns(3)
        confidence = confidence_input(a, "findings_confidence")
        alpha = b.number_input(
            "Significance level (alpha)",
            value=0.1,
            step=0.01,
            format="%.3f",
            key="findings_alpha",
        )
        groups = c.multiselect(
            "Sub-groups",
            ["gender", "disposal", "risk"],
            default=["gender", "disposal"],
            key="findings_groups",
        )
        ratings: dict[str, str] = {}
        st.markdown("Ratings of the standards the case files do not rate (for the provider rating)")
        columns = st.columns(6)
        for i, code in enumerate(("1.1", "1.2", "1.3", "1.4", "4.1", "4.2")):
            chosen = columns[i].selectbox(
                f"{code} {STANDARD_NAMES[code]}", ["not given", *RATINGS], key=f"findings_{code}"
            )
            if chosen != "not given":
                ratings[code] = chosen
        st.form_submit_button("Compute the findings", key="findings_compute")
    options: dict[str, Any] = {
        "confidence_level": confidence / 100,
        "alpha": alpha,
        "groups": tuple(groups),
        "standard_ratings": ratings or None,
    }
    found = _compute(*inputs, options)
    if found is None:
        return
    _, workbook, chart = st.session_state[STATE]["findings"]
    st.success(found.summary())
    for statement in found.statements:
        st.caption(statement)
    st.subheader("Key questions")
    st.dataframe(found.key_questions[SHOWN], hide_index=True)
    st.image(chart)
    st.subheader("Sub-groups")
    st.dataframe(found.subgroups, hide_index=True)
    st.dataframe(found.subgroup_tests, hide_index=True)
    st.subheader("Ratings")
    st.dataframe(found.standards, hide_index=True)
    if found.provider is not None:
        st.metric("Provider rating", found.provider.rating)
        st.write(found.provider.summary())
    st.download_button(
        "Download the findings workbook (.xlsx)",
        workbook,
        file_name="findings.xlsx",
        key="findings_download_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.download_button(
        "Download the chart (.png)",
        chart,
        file_name="findings.png",
        mime="image/png",
        key="findings_download_png",
    )
