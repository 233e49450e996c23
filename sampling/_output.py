"""Write a draw's files into a folder all at once: complete results or nothing."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.files import check_output_folder, write_folder

from ._balance import Balance, balance_report
from ._case_table import reading_record
from ._fieldwork import write_fieldwork
from ._manifest import make_manifest
from ._selection import Draw

if TYPE_CHECKING:
    from ._caselist import CaseList

__all__ = ["OUTPUT_FILES", "SUBSTITUTION_LOG", "check_output_dir", "write_draw"]

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
) -> dict[str, Any]:
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
    dict
        ``manifest`` (the dict written), ``balance`` (the report), ``files`` (paths) and
        ``chart_skipped`` (why balance.png was not drawn, or None).

    Raises
    ------
    ValueError
        The folder is refused (the reason in the message) or cannot be written.
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
    from ._plot import chart_problem, plot_balance

    manifest = make_manifest(
        result,
        input_path=input_path,
        n_requested=n_requested,
        blank_strata=blank_strata,
        balance_tests=json.loads(balance.tests.to_json(orient="records")),
        extra=None if case_list is None else reading_record(case_list),
    )
    skipped = chart_problem(balance)
    report = balance

    def fill(tmp: Path) -> None:
        result.sample.to_csv(tmp / "sample.csv", index=False)
        result.reserves.to_csv(tmp / "reserves.csv", index=False)
        report.table.to_csv(tmp / "balance.csv", index=False)
        if skipped is None:
            plot_balance(report, tmp / "balance.png")
        with open(tmp / "manifest.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2)
            fh.write("\n")
        (tmp / "balance.txt").write_text(balance.report() + "\n", encoding="utf-8")
        chart = tmp / "balance.png" if skipped is None else None
        write_fieldwork(tmp / "fieldwork.xlsx", result, balance, manifest, case_list,
                        chart=chart)  # fmt: skip

    write_folder(out, fill, force=force, inputs=[input_path], parameter="out_dir")
    names = [n for n in OUTPUT_FILES if skipped is None or n != "balance.png"]
    return {
        "manifest": manifest,
        "balance": balance,
        "files": {name: out / name for name in names},
        "chart_skipped": skipped,
    }
