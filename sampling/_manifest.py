"""The manifest of a draw: everything needed to show how the sample was chosen and to repeat it.

Version 2 (this release) records the method, the allocation drawn and its expectation, the
rounding's decomposition summary, the hash scheme of the permanent random numbers, the
exclusions, and ``content_sha256``: the SHA-256 of the manifest's canonical JSON without that
key and without ``created_utc``. A manifest edited after it was written (a changed allocation,
seed or hash scheme) no longer matches its digest and is refused. The digest is a check against
accidental or careless edits, not a signature: whoever can edit the file can recompute it, and
a re-draw then still compares the allocation with the one the method gives for the seed.

Version 1 (release 0.1) manifests are still repeated: deterministic rounding and numpy's PCG64
stream, checked against the recorded sample digest (refused, with the reason, if this numpy's
stream differs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from inspection_core.result import to_builtin

from ._prn import HASH_SCHEME
from ._selection import Draw, draw_table, prepare_draw
from ._selection_v1 import SELECTION_V1

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MANIFEST_VERSION",
    "SELECTION",
    "ReproductionWarning",
    "content_digest",
    "file_sha256",
    "load_manifest",
    "make_manifest",
    "reproduce_draw",
]

MANIFEST_VERSION = 2
SELECTION = HASH_SCHEME
_READS = (1, 2)
_UNSEALED = ("created_utc", "content_sha256")


class ReproductionWarning(UserWarning):
    """A repeated draw used the manifest's recorded allocation (another solver version)."""


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ids_sha256(ids: Any) -> str:
    return hashlib.sha256("\n".join(str(v) for v in ids).encode("utf-8")).hexdigest()


def content_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 of a manifest's canonical JSON (sorted keys, no spaces), without the unsealed keys.

    Examples
    --------
    >>> content_digest({"seed": 1, "created_utc": "now"}) == content_digest({"seed": 1})
    True
    """
    body = {k: v for k, v in manifest.items() if k not in _UNSEALED}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def make_manifest(
    result: Draw,
    *,
    input_path: str | os.PathLike[str],
    n_requested: int | str | None = None,
    blank_strata: str = "error",
    input_rows: int | None = None,
    balance_tests: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    input_sha256: str | None = None,
) -> dict[str, Any]:
    """The manifest of a draw as a JSON-ready dict (version 2).

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
        Cases in the input; default the population before any exclusions.
    balance_tests : list of dict, optional
        The balance report's tests, recorded (and sealed) with the rest.
    extra : dict, optional
        Further records sealed with the rest: how the case list was read (``reading``) and the
        hash of its normalised cases (``case_table``), from :func:`sampling.read_case_list`.
    input_sha256 : str, optional
        SHA-256 of the bytes the cases were read from (``CaseList.input_sha256``); default the
        file's hash now.

    Returns
    -------
    dict
        Keys: ``manifest_version`` (2), ``tool``, ``version``, ``numpy_version``,
        ``scipy_version``, ``created_utc``, ``input_file``, ``input_sha256``, ``input_rows``,
        ``id_column``, ``strata``, ``n``, ``n_requested``, ``population_size`` (cases drawn from,
        after exclusions), ``rule_population`` (which population the sizing rule used),
        ``exclusions``, ``method``, ``minimum``, ``seed``, ``reserves``, ``blank_strata``,
        ``selection`` (the hash scheme), ``allocation`` (the cells: population, quota, expected,
        allocated, inclusion probability, design weight), ``rounding`` (the decomposition's
        summary), ``margins``, ``sample_ids``, ``reserve_ids``, ``sample_sha256``, optionally
        ``balance_tests``, and ``content_sha256`` (see the module notes).
    """
    import scipy

    from . import __version__

    allocation = result.allocation
    sample_ids = [str(v) for v in result.sample[result.id_column]]
    ex = result.exclusions
    before = result.allocation.population_size if ex is None else ex.population_before
    record: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "tool": "inspection-toolkit sampling",
        "version": __version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "created_utc": result.created_utc or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "input_file": os.path.basename(os.fspath(input_path)),
        "input_sha256": file_sha256(input_path) if input_sha256 is None else input_sha256,
        "input_rows": int(before if input_rows is None else input_rows),
        "id_column": result.id_column,
        "strata": list(result.strata),
        "n": result.n,
        "n_requested": result.n if n_requested is None else n_requested,
        "population_size": result.allocation.population_size,
        "rule_population": "after exclusions" if ex is not None else "no exclusions",
        "exclusions": None if ex is None else ex.to_dict(),
        "method": result.allocation.method,
        "minimum": result.allocation.minimum,
        "seed": result.seed,
        "reserves": result.reserves_per_cell,
        "blank_strata": blank_strata,
        "selection": result.selection,
        "allocation": to_builtin(allocation.cells),
        "rounding": allocation.rounding.to_dict(),
        "margins": _margins_record(allocation.margins),
        "sample_ids": sample_ids,
        "reserve_ids": [str(v) for v in result.reserves[result.id_column]],
        "sample_sha256": _ids_sha256(sample_ids),
    }
    if balance_tests is not None:
        record["balance_tests"] = balance_tests
    record.update(extra or {})
    record["content_sha256"] = content_digest(record)
    return record


def _margins_record(margins: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """The manifest's margins, nested: ``{variable: {level: {population, quota, ...}}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in margins.to_dict(orient="records"):
        out.setdefault(str(r["variable"]), {})[str(r["level"])] = {
            "population": int(r["population"]),
            "quota": float(r["quota"]),
            "floor": int(r["floor"]),
            "ceiling": int(r["ceiling"]),
            "target": int(r["target"]),
            "allocated": int(r["allocated"]),
        }
    return out


def load_manifest(manifest: dict[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
    """A manifest from a dict or a JSON file, checked for its version and the keys a re-draw needs.

    Raises
    ------
    ValueError
        Unreadable JSON, an unknown version, missing keys, or (version 2) a manifest whose
        content no longer matches its ``content_sha256`` or whose hash scheme is not this
        toolkit's.
    """
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
    version = manifest.get("manifest_version", 1)
    if version not in _READS:
        raise ValueError(
            f"manifest version {version!r} is not one this toolkit reads (versions 1 and 2); "
            "it was written by another release"
        )
    needed = ["input_sha256", "id_column", "strata", "n", "method", "seed", "reserves"]
    if version == 2:
        needed += ["selection", "allocation", "content_sha256"]
    missing = [k for k in needed if k not in manifest]
    if missing:
        raise ValueError(f"manifest lacks {', '.join(missing)}")
    if version == 2:
        if content_digest(manifest) != manifest["content_sha256"]:
            raise ValueError(
                "manifest was edited after it was written: its content no longer matches its "
                "content_sha256; use the manifest the draw wrote"
            )
        if manifest["selection"] not in (HASH_SCHEME, SELECTION_V1):
            raise ValueError(
                f"manifest's hash scheme {manifest['selection']!r} is not this toolkit's "
                f"({HASH_SCHEME!r}); the draw cannot be repeated with it"
            )
    return manifest


def _recorded_counts(record: dict[str, Any]) -> list[int]:
    return [int(c["allocated"]) for c in record["allocation"]]


def reproduce_draw(
    manifest: dict[str, Any] | str | os.PathLike[str], cases_path: str | os.PathLike[str]
) -> Draw:
    """Repeat a draw from its manifest, after checking the case list is the same file.

    Parameters
    ----------
    manifest : dict or path
        A manifest from :func:`make_manifest` (or the ``manifest.json`` a draw wrote), version 2,
        or version 1 from release 0.1.
    cases_path : str or path-like
        The case list: the file drawn from, or the same cases re-saved or in another format
        (the manifest's ``case_table`` hash of the IDs and strata after reading and recoding must
        match; a manifest without one needs the same bytes, ``input_sha256``).

    Returns
    -------
    Draw
        The same sample and reserves, checked against the manifest's allocation and IDs, with
        the manifest's ``created_utc``, so that writing it gives the same manifest.

    Raises
    ------
    ValueError
        The cases differ from those drawn from (the message counts the cases added, removed or
        with other strata), or the file's bytes differ and the manifest has no case table, or
        the manifest is unreadable, incomplete, edited or of an unknown version or hash scheme,
        or the repeated draw differs from the recorded one (for version 1, a different numpy
        random stream: the manifest records the numpy version).

    Warns
    -----
    ReproductionWarning
        Version 2, another scipy version than the one that drew: if its decomposition picks
        another rounding, the manifest's recorded allocation (checked: the method's floor and
        ceiling for every cell and margin, total n) is used, and the sample is then repeated
        exactly by the permanent random numbers.

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
    import dataclasses

    import scipy

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
    version = int(record.get("manifest_version", 1))
    ex = record.get("exclusions") if version == 2 else None
    table, exclusions = prepare_draw(
        cases,
        id_column=record["id_column"],
        strata=record["strata"],
        blank_strata=blank,
        exclude=None if ex is None else ex["ids"],
    )
    if exclusions is not None and ex is not None:
        exclusions = dataclasses.replace(
            exclusions, source=ex.get("source"), source_sha256=ex.get("source_sha256")
        )
    settings = {
        "seed": int(record["seed"]),
        "reserves": int(record["reserves"]),
        "method": str(record["method"]),
        "minimum": int(record.get("minimum") or 1),
        "exclusions": exclusions,
    }
    legacy = version == 1 or record.get("selection") == SELECTION_V1
    result = draw_table(table, int(record["n"]), legacy=legacy, **settings)  # type: ignore[arg-type]
    counts = result.allocation.cells["allocated"].astype(int).tolist()
    if legacy:
        if not _same_cells(to_builtin(result.allocation.cells), record.get("allocation", [])):
            raise ValueError("the repeated allocation differs from the manifest's")
    elif counts != _recorded_counts(record):
        same_solver = record.get("scipy_version") == scipy.__version__
        if same_solver or result.allocation.method != "unbiased":
            raise ValueError(
                "the repeated allocation differs from the manifest's (same method, seed and "
                "solver): the manifest's allocation was changed, or it was not written by "
                "this toolkit"
            )
        recorded = np.asarray(_recorded_counts(record), dtype=np.int64)
        _check_recorded(result, recorded)
        warnings.warn(
            f"scipy {scipy.__version__} decomposes the quotas differently from scipy "
            f"{record.get('scipy_version')}, which drew this sample; the manifest's allocation "
            "(a valid rounding) is used",
            ReproductionWarning,
            stacklevel=2,
        )
        result = draw_table(table, int(record["n"]), recorded=recorded, **settings)  # type: ignore[arg-type]
    ids = [str(v) for v in result.sample[result.id_column]]
    if "sample_sha256" in record and _ids_sha256(ids) != record["sample_sha256"]:
        if legacy:
            raise ValueError(
                "the repeated sample differs from the manifest's (numpy "
                f"{record.get('numpy_version', '?')} drew it; this is numpy {np.__version__}, "
                "whose random stream differs: install that numpy to repeat a version-1 draw)"
            )
        raise ValueError(
            "the repeated sample differs from the manifest's: the manifest's sample was changed"
        )
    _check_outputs(record, result, ids, legacy)
    return dataclasses.replace(result, created_utc=record.get("created_utc"))


def _check_outputs(record: dict[str, Any], result: Draw, ids: list[str], legacy: bool) -> None:
    """Refuse a repeat whose result differs from any result field the manifest records.

    The fields are compared one by one and the first that differs is named, with the settings
    that could have been edited to make it differ (a manifest resealed by hand passes the
    content check, but not this one).
    """
    reserve_ids = [str(v) for v in result.reserves[result.id_column]]
    found: dict[str, Any] = {
        "n": result.n,
        "population_size": result.allocation.population_size,
        "sample_ids": ids,  # (sample_sha256 is checked above, with its own message)
        "reserve_ids": reserve_ids,
    }
    if not legacy:
        keys = [*result.strata, "population", "allocated"]  # (expectations: solver's floats)
        found["allocation"] = [{k: c[k] for k in keys} for c in to_builtin(result.allocation.cells)]
        record = dict(
            record, allocation=[{k: c.get(k) for k in keys} for c in record["allocation"]]
        )
        found["margins"] = _margins_record(result.allocation.margins)
    for name, value in found.items():
        if name in record and _plain(record[name]) != _plain(value):
            raise ValueError(
                f"the repeated draw's {name} differs from the manifest's: the manifest was "
                "edited (its seed, method, strata, reserves, exclusions or recorded results) "
                "or not written by this toolkit; use the manifest the draw wrote"
            )


def _plain(value: Any) -> Any:
    """A value as JSON would give it back (tuples as lists, floats as written)."""
    return json.loads(json.dumps(value))


def _same_cells(cells: list[dict[str, Any]], recorded: list[dict[str, Any]]) -> bool:
    """Whether the cells agree on every key the recorded ones have (version 1 has fewer)."""
    return len(cells) == len(recorded) and all(
        {k: c.get(k) for k in r} == r for c, r in zip(cells, recorded, strict=True)
    )


def _check_recorded(result: Draw, recorded: np.ndarray[Any, np.dtype[np.int64]]) -> None:
    """Refuse a recorded allocation that is not a valid rounding for the method."""
    cells = result.allocation.cells
    quota = cells["quota"].to_numpy()
    ok = (
        len(recorded) == len(cells)
        and int(recorded.sum()) == result.n
        and bool(np.all((recorded >= np.floor(quota)) & (recorded <= np.ceil(quota))))
    )
    if ok:
        for j, name in enumerate(result.strata):
            del j
            got = cells.assign(_r=recorded).groupby(name, sort=False)["_r"].sum().to_dict()
            marg = result.allocation.margins[result.allocation.margins["variable"] == name]
            for level, low, high in zip(marg["level"], marg["floor"], marg["ceiling"], strict=True):
                ok = ok and low <= got.get(level, 0) <= high
    if not ok:
        raise ValueError(
            "the manifest's allocation is not a valid rounding of the quotas (a cell or margin "
            "outside its floor and ceiling, or the total is not n): refused"
        )
