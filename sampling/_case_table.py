"""The normalised case table: what a draw depends on, hashed so a re-saved file still reproduces.

A draw depends on the cases' IDs and strata after reading and recoding, not on the file's bytes:
a workbook re-saved unchanged in a spreadsheet, or the same list as CSV, holds the same cases. The
manifest therefore records, beside the file's SHA-256, the SHA-256 of the *normalised case table*
(one line per case, ``ID<TAB>stratum 1<TAB>...``, sorted by ID in text order, UTF-8, joined by
newlines) and, for lists of up to 100,000 cases, a fingerprint of each case (8 bytes of BLAKE2b of
its ID and 4 of its whole line), so that a list with other cases is refused with what changed:
cases added, removed, or with other strata, counted.
"""

from __future__ import annotations

import base64
import hashlib
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ._caselist import CaseList

__all__ = [
    "SAME_CASES",
    "DifferentFileWarning",
    "case_table_record",
    "compare_case_tables",
    "list_for_manifest",
    "reading_record",
]

FINGERPRINT_LIMIT = 100_000
SAME_CASES = (
    "SHA-256 of the cases' lines 'ID<TAB>strata...' after reading and recoding, sorted by ID "
    "(text order), UTF-8, joined by newlines; fingerprints: per case 8 bytes of BLAKE2b of the ID "
    "and 4 of the line, sorted, base64"
)


class DifferentFileWarning(UserWarning):
    """A draw repeated from a file whose bytes differ but whose cases are the same."""


def _lines(cases: pd.DataFrame, id_column: str, strata: Sequence[str]) -> list[str]:
    from ._frame import sort_ids

    ids = cases[id_column].astype("str")
    line = ids.copy()
    for name in strata:
        line = line + "\t" + cases[name].astype("str")
    order, _ = sort_ids(ids)  # text order (UTF-8 bytes, so code points), as the draw sorts
    values = line.to_numpy(dtype=object)[order]
    return [str(v) for v in values]


def case_table_record(cases: pd.DataFrame, id_column: str, strata: Sequence[str]) -> dict[str, Any]:
    r"""The normalised case table's SHA-256, size and (up to 100,000 cases) fingerprints.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"id": ["B", "A"], "g": ["m", "f"]})
    >>> record = case_table_record(cases, "id", ["g"])
    >>> record["sha256"] == hashlib.sha256("A\tf\nB\tm".encode()).hexdigest()
    True
    >>> record["sha256"] == case_table_record(cases.iloc[::-1], "id", ["g"])["sha256"]
    True
    """
    lines = _lines(cases, id_column, strata)
    record: dict[str, Any] = {
        "sha256": hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest(),
        "cases": len(lines),
        "id_column": id_column,
        "strata": list(strata),
        "scheme": SAME_CASES,
    }
    if len(lines) <= FINGERPRINT_LIMIT:
        prints = sorted(
            hashlib.blake2b(line.split("\t", 1)[0].encode("utf-8"), digest_size=8).digest()
            + hashlib.blake2b(line.encode("utf-8"), digest_size=4).digest()
            for line in lines
        )
        record["fingerprints"] = base64.b64encode(b"".join(prints)).decode("ascii")
    return record


def _prints(record: dict[str, Any]) -> dict[bytes, bytes] | None:
    text = record.get("fingerprints")
    if not isinstance(text, str):
        return None
    raw = base64.b64decode(text)
    return {raw[i : i + 8]: raw[i + 8 : i + 12] for i in range(0, len(raw), 12)}


def compare_case_tables(recorded: dict[str, Any], current: dict[str, Any]) -> str | None:
    """None when the two case tables are the same; else what changed, in words (counted).

    Examples
    --------
    >>> import pandas as pd
    >>> then = pd.DataFrame({"id": ["A", "B", "C"], "g": ["m", "f", "m"]})
    >>> now = pd.DataFrame({"id": ["A", "B", "D", "E"], "g": ["m", "m", "f", "f"]})
    >>> old, new = case_table_record(then, "id", ["g"]), case_table_record(now, "id", ["g"])
    >>> compare_case_tables(old, new)
    '2 cases added, 1 removed, 1 with other strata (3 cases then, 4 now)'
    """
    if recorded.get("sha256") == current.get("sha256"):
        return None
    sizes = f"{recorded.get('cases', '?')} cases then, {current.get('cases', '?')} now"
    before, after = _prints(recorded), _prints(current)
    if before is None or after is None:
        return f"the cases differ ({sizes})"
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    changed = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
    parts = [f"{added} case{'s' if added != 1 else ''} added", f"{removed} removed",
             f"{changed} with other strata"]  # fmt: skip
    return f"{', '.join(parts)} ({sizes})"


def reading_record(case_list: CaseList) -> dict[str, Any]:
    """What the manifest adds for a case list: ``reading`` and ``case_table``."""
    return {
        "reading": case_list.to_dict(),
        "case_table": case_table_record(case_list.cases, case_list.id_column, case_list.strata),
    }


def list_for_manifest(
    record: dict[str, Any], cases_path: str | os.PathLike[str], *, quiet: bool = False
) -> CaseList | None:
    """Read a case list as the manifest's draw read it; refuse other cases, say if bytes differ.

    Returns None for a manifest without a reading record (made before case tables were
    recorded): then only the same file, byte for byte, repeats the draw.

    Raises
    ------
    ValueError
        The cases differ from those drawn from (the message counts what changed).

    Warns
    -----
    DifferentFileWarning
        The file's bytes differ from the one drawn from but its cases are the same
        (unless ``quiet``).
    """
    from dataclasses import replace

    from ._caselist import read_case_list
    from ._manifest import file_sha256
    from ._recode import load_mapping

    reading, table = record.get("reading"), record.get("case_table")
    if not isinstance(reading, dict) or not isinstance(table, dict):
        return None
    name = os.path.basename(os.fspath(cases_path))
    same_bytes = os.path.isfile(cases_path) and file_sha256(cases_path) == record["input_sha256"]
    options = dict(reading.get("options", {}))
    is_excel = name.lower().endswith((".xlsx", ".xlsm"))
    options["sheet"] = reading.get("sheet") if is_excel else None
    if not same_bytes:
        options["header_row"] = None  # another file: find its header
    mapping = replace(
        load_mapping(reading.get("mapping")), sources=tuple(reading.get("mapping_sources", ()))
    )
    try:
        listing = read_case_list(
            cases_path,
            id_column=str(record["id_column"]),
            strata=list(record["strata"]),
            mapping=mapping,
            **options,
        )
    except ValueError as exc:
        if not is_excel or options["sheet"] is None or "no sheet" not in str(exc):
            raise
        options["sheet"] = None  # the sheet was renamed: read the first one
        listing = read_case_list(cases_path, id_column=str(record["id_column"]),
                                 strata=list(record["strata"]), mapping=mapping,
                                 **options)  # fmt: skip
    current = case_table_record(listing.cases, listing.id_column, listing.strata)
    changed = compare_case_tables(table, current)
    if changed is not None:
        raise ValueError(
            f"{name} holds other cases than those the manifest was drawn from: {changed}; the "
            f"draw cannot be repeated from it (the manifest's input was "
            f"{record.get('input_file', 'another file')}, SHA-256 {record['input_sha256'][:12]}...)"
        )
    if not same_bytes and not quiet:
        warnings.warn(
            f"{name} is not byte for byte the file the manifest was drawn from (SHA-256 differs: "
            f"re-saved or converted), but its cases are the same: the same {current['cases']} "
            "IDs and strata after reading and recoding, so the draw is repeated",
            DifferentFileWarning,
            stacklevel=2,
        )
    return listing
