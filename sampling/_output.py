"""Write a draw's files into a folder all at once: complete results or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._balance import Balance, balance_report
from ._case_table import reading_record
from ._fieldwork import write_fieldwork
from ._manifest import make_manifest
from ._selection import Draw

if TYPE_CHECKING:
    from ._caselist import CaseList

__all__ = ["OUTPUT_FILES", "check_output_dir", "write_draw"]

OUTPUT_FILES = (
    "sample.csv",
    "reserves.csv",
    "balance.csv",
    "balance.png",
    "manifest.json",
    "balance.txt",
    "fieldwork.xlsx",
)


def check_output_dir(
    out_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    input_path: str | os.PathLike[str] | None = None,
) -> Path:
    """Check an output folder can receive results; return it as a resolved path.

    Refuses a file in the way, a missing parent folder, a folder that already holds anything
    (unless ``force``), and a folder that contains the input file (so it can never be replaced).
    """
    out = Path(out_dir).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise ValueError(f"output folder {out_dir} is a file; give a folder name")
    if not out.parent.is_dir():
        raise ValueError(f"cannot write {out_dir}: its parent folder {out.parent} does not exist")
    if input_path is not None:
        source = Path(input_path).expanduser().resolve()
        if out == source.parent or out in source.parents:
            raise ValueError(
                f"output folder {out_dir} holds the input file {Path(input_path).name}; "
                f"choose another folder"
            )
    if out.is_dir() and any(out.iterdir()) and not force:
        held = sorted(p.name for p in out.iterdir())
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise ValueError(
            f"output folder {out_dir} already holds files ({shown}); choose a new folder "
            f"or pass --force (force=True) to replace it"
        )
    return out


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
    one rename, so ``out_dir`` holds a complete set or is left as it was. The input file is only
    read (for its SHA-256).

    Parameters
    ----------
    result : Draw
        The draw to save.
    out_dir : str or path-like
        Folder to create (its parent must exist). An existing non-empty folder is refused
        unless ``force``, which replaces it whole.
    input_path : str or path-like
        The case list drawn from (recorded in the manifest by name and SHA-256).
    force : bool, default False
        Replace an existing folder.
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
        ``manifest`` (the dict written), ``balance`` (the report) and ``files`` (paths).
    """
    out = check_output_dir(out_dir, force=force, input_path=input_path)
    if balance is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            balance = balance_report(result.allocation, result.sample)
    from ._plot import plot_balance

    manifest = make_manifest(
        result, input_path=input_path, n_requested=n_requested, blank_strata=blank_strata
    )
    manifest["balance_tests"] = json.loads(balance.tests.to_json(orient="records"))
    if case_list is not None:
        manifest.update(reading_record(case_list))
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        result.sample.to_csv(tmp / "sample.csv", index=False)
        result.reserves.to_csv(tmp / "reserves.csv", index=False)
        balance.table.to_csv(tmp / "balance.csv", index=False)
        plot_balance(balance, tmp / "balance.png")
        with open(tmp / "manifest.json", "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2)
            fh.write("\n")
        (tmp / "balance.txt").write_text(balance.report() + "\n", encoding="utf-8")
        write_fieldwork(tmp / "fieldwork.xlsx", result, balance, manifest, case_list,
                        chart=tmp / "balance.png")  # fmt: skip
        if out.exists():
            if any(out.iterdir()):  # force: move the old folder aside, then drop it
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
                os.rename(out, old / out.name)
            else:
                out.rmdir()
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.rename(old / out.name, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return {
        "manifest": manifest,
        "balance": balance,
        "files": {name: out / name for name in OUTPUT_FILES},
    }
