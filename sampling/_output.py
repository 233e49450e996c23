"""Write a draw's files into a folder all at once: complete results or nothing."""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.files import check_output_folder, write_folder
from inspection_core.result import Result

from ._balance import Balance, balance_report
from ._case_table import reading_record
from ._fieldwork import write_fieldwork
from ._manifest import file_sha256, make_manifest
from ._selection import Draw

if TYPE_CHECKING:
    from ._caselist import CaseList

__all__ = ["OUTPUT_FILES", "SUBSTITUTION_LOG", "WrittenDraw", "check_output_dir", "write_draw"]

OUTPUT_FILES = (
    "sample.csv",
    "reserves.csv",
    "balance.csv",
    "balance.png",
    "manifest.json",
    "balance.txt",
    "fieldwork.xlsx",
)
SUBSTITUTION_LOG = "substitutions.csv"


@dataclass(frozen=True, eq=False)
class WrittenDraw(Result):
    """A draw's folder as :func:`write_draw` left it.

    Attributes
    ----------
    folder : pathlib.Path
        The folder (absolute).
    files : tuple of str
        The files written in it, by name (besides the toolkit's marker ``.inspection-toolkit``).
    manifest : dict
        The manifest, as written to ``manifest.json`` (the JSON document: reading the file with
        :func:`json.load` gives the same dict, which :func:`sampling.reproduce_draw` takes).
    balance : Balance
        The balance report written to balance.csv and balance.txt.
    chart_skipped : str or None
        Why balance.png was not drawn (a variable with too many levels), or None.
    """

    folder: Path
    files: tuple[str, ...]
    manifest: dict[str, Any]
    balance: Balance
    chart_skipped: str | None

    def path(self, name: str) -> Path:
        """The full path of one of the files written, e.g. ``written.path("sample.csv")``."""
        if name not in self.files:
            raise ParameterError("name", f"must be one of {', '.join(self.files)}; got {name!r}")
        return self.folder / name

    def summary(self) -> str:
        """Say where the draw was written and what is in the folder."""
        chart = "" if self.chart_skipped is None else f" (no balance chart: {self.chart_skipped})"
        return f"Wrote {self.folder}: {', '.join(self.files)}{chart}."


def check_output_dir(
    out_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    input_path: str | os.PathLike[str] | None = None,
) -> Path:
    """Check an output folder can receive results; return it as an absolute path.

    Refuses an empty name, the current folder, a folder holding the input or above it, a file,
    a missing parent folder, a folder that already holds anything, unless ``force`` and the
    toolkit wrote all of it (:func:`inspection_core.files.check_output_folder`), and a draw's
    folder with a substitution log (fieldwork records are never replaced, even with ``force``).
    """
    try:
        in_fieldwork = (Path(out_dir).expanduser() / SUBSTITUTION_LOG).exists()
    except (OSError, TypeError, ValueError):  # a name no file system takes: said just below
        in_fieldwork = False
    if in_fieldwork:
        raise ParameterError(
            "out_dir",
            f"holds a substitution log ({SUBSTITUTION_LOG}): a draw in fieldwork is never "
            "replaced; choose a new folder",
        )
    inputs = [] if input_path is None else [input_path]
    return check_output_folder(out_dir, force=force, inputs=inputs, parameter="out_dir")


def write_draw(
    result: Draw,
    out_dir: str | os.PathLike[str],
    *,
    input_path: str | os.PathLike[str],
    force: bool = False,
    n_requested: int | str | None = None,
    blank_strata: str = "error",
    balance: Balance | None = None,
    case_list: CaseList | None = None,
) -> WrittenDraw:
    """Write a draw's folder: fieldwork.xlsx, the CSVs, balance.txt and .png, manifest.json.

    The files are written into a temporary folder beside ``out_dir`` and moved into place with
    one rename, so ``out_dir`` holds a complete set or is left as it was
    (:func:`inspection_core.files.write_folder`). The folder also gets a marker file,
    ``.inspection-toolkit``, listing each file with its SHA-256: ``force`` replaces only a folder
    with that marker, nothing else in it and no file changed since. The input file is only read
    (for its SHA-256). The chart is left out, with the reason in ``chart_skipped``, when a
    variable has too many levels to show legibly.

    Parameters
    ----------
    result : Draw
        The draw to save.
    out_dir : str or path-like
        Folder to create (its parent must exist). Not the current folder, the input's folder
        or one above it. An existing non-empty folder is refused unless ``force``.
    input_path : str or path-like
        The case list drawn from (recorded in the manifest by name and SHA-256).
    force : bool, default False
        Replace an existing folder that the toolkit wrote (never one holding other files).
    n_requested : int or "auto", optional
        What was asked for, recorded in the manifest.
    blank_strata : {"error", "level"}, default "error"
        Recorded in the manifest so the draw can be repeated.
    balance : Balance, optional
        A balance report to save; computed from the draw when omitted.
    case_list : CaseList, optional
        How the input was read (:func:`sampling.read_case_list`): recorded in the manifest
        (``reading``, and ``case_table``, the hash of the cases that lets a re-saved or
        converted copy of the same cases repeat the draw) and in fieldwork.xlsx.

    Returns
    -------
    WrittenDraw
        The folder, the files written in it, the manifest (as written), the balance report
        and why balance.png was not drawn (or None).

    Raises
    ------
    ValueError
        The folder is refused (the reason in the message) or cannot be written, or the input
        file has changed since ``case_list`` was read from it (the manifest records the hash
        of the bytes read, so it must still be the file on disk).
    TypeError
        ``result`` is not a :class:`Draw`.
    """
    if not isinstance(result, Draw):
        raise ParameterTypeError("result", f"must be a Draw; got {type(result).__name__}")
    out = check_output_dir(out_dir, force=force, input_path=input_path)
    if balance is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            balance = balance_report(result.allocation, result.sample)
    from ._chart_process import PendingChart
    from ._plot import chart_data, chart_problem

    read_sha256 = None if case_list is None else case_list.input_sha256
    if read_sha256 is not None and file_sha256(input_path) != read_sha256:
        raise ParameterError(
            "input_path",
            f"{os.path.basename(os.fspath(input_path))} changed after its cases were read "
            "(its SHA-256 is not that of the bytes read), so a manifest could not repeat this "
            "draw from it; nothing was written. Draw again from the file as it is now",
        )
    manifest = make_manifest(
        result,
        input_sha256=read_sha256,
        input_path=input_path,
        n_requested=n_requested,
        blank_strata=blank_strata,
        balance_tests=json.loads(balance.tests.to_json(orient="records")),
        extra=None if case_list is None else reading_record(case_list),
    )
    skipped = chart_problem(balance)
    report = balance

    def fill(tmp: Path) -> None:
        # The chart first: a helper process may draw it while the other files are written.
        chart = None if skipped else tmp / "balance.png"
        pending = None if chart is None else PendingChart(chart_data(report), chart)
        try:
            if pending is not None:
                pending.start()  # inside the try: an interrupt from here on stops the helper
            result.sample.to_csv(tmp / "sample.csv", index=False)
            result.reserves.to_csv(tmp / "reserves.csv", index=False)
            report.table.to_csv(tmp / "balance.csv", index=False)
            with open(tmp / "manifest.json", "w", encoding="utf-8") as fh:
                json.dump(manifest, fh, indent=2)
                fh.write("\n")
            (tmp / "balance.txt").write_text(balance.report() + "\n", encoding="utf-8")
            ready = None if pending is None else pending.finish  # waited for at the end
            write_fieldwork(tmp / "fieldwork.xlsx", result, balance, manifest, case_list,
                            chart=chart, chart_ready=ready)  # fmt: skip
        except BaseException:
            if pending is not None:
                pending.cancel()  # nothing written into the folder once it is removed
            raise

    write_folder(out, fill, force=force, inputs=[input_path], parameter="out_dir")
    names = [n for n in OUTPUT_FILES if skipped is None or n != "balance.png"]
    return WrittenDraw(
        folder=out,
        files=tuple(names),
        manifest=manifest,
        balance=balance,
        chart_skipped=skipped,
    )
