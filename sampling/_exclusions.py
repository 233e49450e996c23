"""Exclusions: cases on the eligible list that must not be drawn (already in another sample, say).

They are given as IDs (the API) or as a file with the ID column (the command line's
``--exclude FILE``), checked against the case list (every ID must be on it; the unknown ones are
listed, never silently ignored), counted, and recorded in the manifest. Excluding every case of a
cell is refused: the sample could no longer represent that kind of case, and if those cases are
not eligible they belong off the case list itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ._frame import CaseTable

__all__ = ["Exclusions", "check_exclusions", "read_exclusions"]

_SHOW = 5


@dataclass(frozen=True)
class Exclusions:
    """The excluded cases of a draw.

    Attributes
    ----------
    ids : tuple of str
        The excluded IDs, sorted (text order), each once.
    population_before : int
        Eligible cases before the exclusions; the draw's population is the rest.
    source : str or None
        The file they came from (its name), if any.
    source_sha256 : str or None
        That file's SHA-256.
    """

    ids: tuple[str, ...]
    population_before: int
    source: str | None = None
    source_sha256: str | None = None

    @property
    def count(self) -> int:
        """How many cases were excluded."""
        return len(self.ids)

    def to_dict(self) -> dict[str, Any]:
        """The manifest's record: counts before and after, the source and the IDs."""
        return {
            "count": self.count,
            "population_before": self.population_before,
            "population_after": self.population_before - self.count,
            "source": self.source,
            "source_sha256": self.source_sha256,
            "ids": list(self.ids),
        }


def _shown(values: list[str]) -> str:
    more = f" and {len(values) - _SHOW} more" if len(values) > _SHOW else ""
    return ", ".join(repr(v) for v in values[:_SHOW]) + more


def read_exclusions(
    path: str | os.PathLike[str], *, id_column: str = "case_id"
) -> tuple[list[str], str]:
    """The IDs in an exclusion file (.csv, .xlsx or .parquet with the ID column) and its SHA-256.

    Values are read as text and stripped; blank cells are skipped.

    Raises
    ------
    ValueError
        A missing or unreadable file, an unknown extension, or no ``id_column`` column (the
        message lists the columns it has).
    """
    import pandas as pd

    from ._manifest import file_sha256

    name = os.fspath(path)
    base = os.path.basename(name)
    ext = os.path.splitext(name)[1].lower()
    if ext not in (".csv", ".txt", ".xlsx", ".xlsm", ".parquet"):
        raise ValueError(f"the exclusion file must be a .csv, .xlsx or .parquet file; got {base!r}")
    if not os.path.isfile(name):
        what = "is a folder" if os.path.isdir(name) else "does not exist"
        raise ValueError(f"cannot read exclusion file {name}: the file {what}")
    try:
        if ext in (".csv", ".txt"):
            frame = pd.read_csv(name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif ext == ".parquet":
            frame = pd.read_parquet(name)
        else:
            frame = pd.read_excel(name, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ValueError(f"exclusion file {base} is empty") from None
    except Exception as exc:  # any reader's failure: one line naming the file
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"cannot read exclusion file {base}: {reason}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if id_column not in frame.columns:
        raise ValueError(
            f"exclusion file {base} has no {id_column!r} column; its columns are "
            f"{', '.join(map(repr, frame.columns))}"
        )
    values = frame[id_column].astype("str").str.strip()
    ids = [v for v in values.tolist() if v and v.lower() not in ("nan", "none", "<na>")]
    return ids, file_sha256(name)


def check_exclusions(
    exclude: Any, table: CaseTable, *, source: str | None = None, sha256: str | None = None
) -> tuple[Exclusions, np.ndarray[Any, np.dtype[np.bool_]]]:
    """Check exclusions against a case table; return them and the mask of cases kept.

    Raises
    ------
    TypeError
        ``exclude`` is a single string or not a list of IDs.
    ValueError
        IDs not on the case list (listed), or exclusions that empty a cell (named).
    """
    import pandas as pd

    if isinstance(exclude, str | bytes) or not isinstance(exclude, Iterable):
        raise TypeError(
            f"exclude must be a list of case IDs; got {type(exclude).__name__} {exclude!r}"
        )
    wanted = sorted({str(v).strip() for v in exclude})
    if "" in wanted:
        raise ValueError("exclude must list case IDs; got a blank ID")
    assert table.ids is not None  # draw always checks the ID column
    ids = table.ids
    known = set(pd.unique(ids[ids.isin(wanted)]))
    unknown = [v for v in wanted if v not in known]
    if unknown:
        raise ValueError(
            f"exclude lists {len(unknown)} ID{'s' if len(unknown) > 1 else ''} not in the case "
            f"list ({table.id_column}): {_shown(unknown)}"
        )
    keep = ~np.asarray(ids.isin(wanted), dtype=bool)
    before = table.population
    after = np.bincount(table.cell[keep], minlength=len(before))
    emptied = np.flatnonzero((before > 0) & (after == 0))
    if emptied.size:
        names = [
            ", ".join(
                f"{name}={table.levels[j][table.cell_codes[c, j]]}"
                for j, name in enumerate(table.strata)
            )
            + f" ({int(before[c])} case{'s' if before[c] > 1 else ''})"
            for c in emptied[:_SHOW]
        ]
        more = f" and {emptied.size - _SHOW} more" if emptied.size > _SHOW else ""
        raise ValueError(
            f"exclude removes every case of {emptied.size} cell{'s' if emptied.size > 1 else ''}"
            f": {'; '.join(names)}{more}; the sample could not represent "
            f"{'them' if emptied.size > 1 else 'it'}. If those cases are not eligible, take them "
            f"off the case list itself"
        )
    return Exclusions(tuple(wanted), len(ids), source, sha256), keep
