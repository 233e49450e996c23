"""The manifest of a draw: everything needed to show how the sample was chosen and to repeat it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from typing import Any

import numpy as np

from ._selection import Draw, draw

__all__ = ["MANIFEST_VERSION", "file_sha256", "make_manifest", "reproduce_draw"]

MANIFEST_VERSION = 1
SELECTION = (
    "numpy.random.default_rng(seed) (PCG64); u = rng.random(N), the k-th value to the case with "
    "the k-th smallest ID (text order); within each cell cases ranked by u (ties by ID): the "
    "first n_h are the sample, the next ones the reserves in order"
)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ids_sha256(ids: Any) -> str:
    return hashlib.sha256("\n".join(str(v) for v in ids).encode("utf-8")).hexdigest()


def make_manifest(
    result: Draw,
    *,
    input_path: str | os.PathLike[str],
    n_requested: int | str | None = None,
    blank_strata: str = "error",
    input_rows: int | None = None,
) -> dict[str, Any]:
    """The manifest of a draw as a JSON-ready dict.

    Parameters
    ----------
    result : Draw
        The draw.
    input_path : str or path-like
        The case list it was drawn from; its SHA-256 is recorded.
    n_requested : int or "auto", optional
        What the user asked for (``"auto"`` or a number); default the drawn n.
    blank_strata : {"error", "level"}, default "error"
        How blank strata were treated.
    input_rows : int, optional
        Cases in the input; default the allocation's population size.

    Returns
    -------
    dict
        Keys: ``manifest_version``, ``tool``, ``version``, ``numpy_version``, ``created_utc``,
        ``input_file``, ``input_sha256``, ``input_rows``, ``id_column``, ``strata``, ``n``,
        ``n_requested``, ``method``, ``minimum``, ``seed``, ``reserves``, ``blank_strata``,
        ``selection``, ``allocation`` (the cells), ``margins``, ``sample_ids``, ``reserve_ids``
        and ``sample_sha256`` (of the sample IDs in file order, one per line).
    """
    from . import __version__

    allocation = result.allocation.to_dict()
    sample_ids = [str(v) for v in result.sample[result.id_column]]
    return {
        "manifest_version": MANIFEST_VERSION,
        "tool": "inspection-toolkit sampling",
        "version": __version__,
        "numpy_version": np.__version__,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "input_file": os.path.basename(os.fspath(input_path)),
        "input_sha256": file_sha256(input_path),
        "input_rows": int(result.allocation.population_size if input_rows is None else input_rows),
        "id_column": result.id_column,
        "strata": list(result.strata),
        "n": result.n,
        "n_requested": result.n if n_requested is None else n_requested,
        "method": result.allocation.method,
        "minimum": result.allocation.minimum,
        "seed": result.seed,
        "reserves": result.reserves_per_cell,
        "blank_strata": blank_strata,
        "selection": SELECTION,
        "allocation": allocation["cells"],
        "margins": allocation["margins"],
        "sample_ids": sample_ids,
        "reserve_ids": [str(v) for v in result.reserves[result.id_column]],
        "sample_sha256": _ids_sha256(sample_ids),
    }


def load_manifest(manifest: dict[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
    """A manifest from a dict or a JSON file, checked for the keys a re-draw needs."""
    if isinstance(manifest, str | os.PathLike):
        where = os.fspath(manifest)
        try:
            with open(where, encoding="utf-8") as fh:
                manifest = json.load(fh)
        except OSError as exc:
            raise ValueError(f"cannot read manifest {where}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"manifest is not valid JSON: {exc.msg} at line {exc.lineno}"
            ) from None
    if not isinstance(manifest, dict):
        raise ValueError("manifest must be a JSON object")
    needed = ("input_sha256", "id_column", "strata", "n", "method", "seed", "reserves")
    missing = [k for k in needed if k not in manifest]
    if missing:
        raise ValueError(f"manifest lacks {', '.join(missing)}")
    return manifest


def reproduce_draw(
    manifest: dict[str, Any] | str | os.PathLike[str], cases_path: str | os.PathLike[str]
) -> Draw:
    """Repeat a draw from its manifest, after checking the case list is the same file.

    Parameters
    ----------
    manifest : dict or path
        A manifest from :func:`make_manifest` (or the ``manifest.json`` a draw wrote).
    cases_path : str or path-like
        The case list: the file drawn from, or the same cases re-saved or in another format
        (the manifest's ``case_table`` hash of the IDs and strata after reading and recoding must
        match; a manifest without one needs the same bytes, ``input_sha256``).

    Returns
    -------
    Draw
        The same sample and reserves, checked against the manifest's allocation and IDs.

    Raises
    ------
    ValueError
        The cases differ from those drawn from (the message counts the cases added, removed or
        with other strata), or the file's bytes differ and the manifest has no case table, or
        the manifest is unreadable
        or incomplete, or the repeated draw differs from the recorded one (which would mean a
        different numpy random stream; the manifest records the numpy version).

    Warns
    -----
    DifferentFileWarning
        The file's bytes differ from the one drawn from but its cases are the same.

    Examples
    --------
    >>> from importlib.resources import files
    >>> from sampling import draw, read_cases
    >>> path = files("sampling") / "data/example_population.csv"
    >>> first = draw(read_cases(path), "auto", seed=2026, reserves=2)
    >>> again = reproduce_draw(make_manifest(first, input_path=path), path)
    >>> again.sample["case_id"].tolist() == first.sample["case_id"].tolist()
    True
    """
    from ._case_table import list_for_manifest
    from ._frame import read_cases

    record = load_manifest(manifest)
    listing = list_for_manifest(record, cases_path)  # the same cases, even re-saved or converted
    if listing is None:  # a manifest without a case table: the same bytes only
        actual = file_sha256(cases_path) if os.path.isfile(cases_path) else None
        if actual is None:
            read_cases(cases_path)  # raises the usual missing-file message
        if actual != record["input_sha256"]:
            raise ValueError(
                f"{os.path.basename(os.fspath(cases_path))} is not the file the manifest was drawn "
                f"from: its SHA-256 is {actual}, the manifest's is {record['input_sha256']}"
            )
    blank = str(record.get("blank_strata", "error"))
    cases = (
        listing.cases
        if listing is not None
        else read_cases(
            cases_path, id_column=record["id_column"], strata=record["strata"], blank_strata=blank
        )
    )
    result = draw(
        cases,
        int(record["n"]),
        seed=int(record["seed"]),
        id_column=record["id_column"],
        strata=record["strata"],
        reserves=int(record["reserves"]),
        method=str(record["method"]),
        minimum=int(record.get("minimum") or 1),
        blank_strata=blank,
    )
    if "allocation" in record and result.allocation.to_dict()["cells"] != record["allocation"]:
        raise ValueError("the repeated allocation differs from the manifest's")
    ids = [str(v) for v in result.sample[result.id_column]]
    if "sample_sha256" in record and _ids_sha256(ids) != record["sample_sha256"]:
        raise ValueError(
            "the repeated sample differs from the manifest's (numpy "
            f"{record.get('numpy_version', '?')} drew it; this is numpy {np.__version__})"
        )
    return result
