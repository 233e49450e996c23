"""Where the table starts and what its columns are: the header row, column names, totals rows.

Providers' extracts put a title and a blank row above the header, and a ``Total`` row or a
``Source: ...`` line below the cases. :func:`find_header` finds the header row, :func:`match_column`
matches the names a user typed to the file's columns without regard to case and spacing (and
suggests the closest ones when none matches), and :func:`find_totals` finds the rows that are not
cases: totals, subtotals and footers.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._vocab import COLUMN_NAMES, normalise

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ID_NAMES",
    "column_key",
    "find_header",
    "find_totals",
    "flag_value",
    "match_column",
    "suggest_columns",
]

# Column names (normalised) that usually hold the case reference.
ID_NAMES = (
    "case id",
    "crn",
    "case reference",
    "case ref",
    "case number",
    "case no",
    "reference",
    "ref",
    "id",
    "person id",
    "offender id",
    "ndelius crn",
    "pnc",
)
HEADER_SCAN = 50  # rows searched for the header
_TOTAL = re.compile(r"^(?:grand\s+|sub[\s-]*)?totals?\b|^(?:sum|count|overall)\s*:?\s*$", re.I)
_TOTAL_STARTS = ("total", "sub", "grand", "sum", "count", "overall")
_FOOTER = re.compile(
    r"^(?:source|sources|notes?|generated|produced|extracted|printed|run (?:on|by)"
    r"|report (?:run|date)|page \d|data as at|end of report|prepared by)\b",
    re.I,
)
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)%?$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}( \d{1,2}:\d{2}(:\d{2})?)?$")


def column_key(name: str) -> str:
    """A column name compared without case, spacing, underscores or punctuation."""
    return normalise(name)


def _label_like(text: str) -> bool:
    return bool(text) and not _NUMBER.match(text) and not _DATE.match(text)


def find_header(rows: Sequence[Sequence[str]], wanted: Sequence[str] = ()) -> int:
    """The 0-based index of the header among the first rows of a sheet (stripped text cells).

    The header is the first row that names the most of the ``wanted`` columns; when it names
    none, the first row that is as wide as the table (at least half the widest row's filled cells,
    and at least two) whose filled cells are distinct labels (not numbers or dates) and that has a
    row below it. A title row (one cell) and blank rows above it are skipped.

    Examples
    --------
    >>> find_header([["Eligible cases, March"], [], ["CRN", "Gender", "RoSH"], ["001", "M", "Low"]])
    2
    >>> find_header([["case_id", "gender"], ["A1", "male"]], wanted=["case_id"])
    0
    """
    scan = [[str(c).strip() for c in row] for row in rows[:HEADER_SCAN]]
    keys = {column_key(w) for w in wanted if w}
    if keys:
        scores = [len(keys & {column_key(c) for c in row if c}) for row in scan]
        best = max(scores, default=0)
        if best > 0:
            return scores.index(best)
    widths = [sum(1 for c in row if c) for row in scan]
    widest = max(widths, default=0)
    for i, row in enumerate(scan):
        filled = [c for c in row if c]
        if (
            len(filled) >= max(2, (widest + 1) // 2)
            and all(_label_like(c) for c in filled)
            and len({column_key(c) for c in filled}) == len(filled)
            and any(widths[i + 1 :])
        ):
            return i
    return 0


def match_column(wanted: str, columns: Sequence[str]) -> list[str]:
    """The columns a typed name matches: exactly, else without regard to case and spacing."""
    if wanted in columns:
        return [wanted]
    key = column_key(wanted)
    return [c for c in columns if column_key(c) == key]


def _shown(name: str) -> str:
    return shlex.quote(name)


def flag_value(names: Sequence[str]) -> str:
    """Column names as one comma-separated flag value, quoted for a shell when needed.

    Examples
    --------
    >>> flag_value(["Gender", "Sentence Type", "RoSH"])
    "'Gender,Sentence Type,RoSH'"
    """
    return _shown(",".join(names))


def suggest_columns(
    wanted: str, columns: Sequence[str], *, role: str, taken: Sequence[str] = ()
) -> str | None:
    """The existing column most likely meant by a name that matched none.

    ``role`` is ``"id"`` or ``"strata"``: an ID is looked for among names that usually hold case
    references, a stratum among the names its vocabulary's columns go by; then by spelling.
    """
    free = [c for c in columns if c not in taken]
    by_key = {column_key(c): c for c in free}
    key = column_key(wanted)
    aliases: tuple[str, ...] = ()
    if role == "id":
        aliases = ID_NAMES if key in ID_NAMES or key in ("case id", "id") else ()
    else:
        for name, names in COLUMN_NAMES.items():
            if key == name or key in names:
                aliases = names
    for alias in aliases:
        if alias in by_key:
            return by_key[alias]
    if role == "id" and not aliases:
        for alias in ID_NAMES:
            if alias in by_key and difflib.SequenceMatcher(None, key, alias).ratio() > 0.5:
                return by_key[alias]
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


def find_totals(
    frame: pd.DataFrame, id_column: str | None, strata: Sequence[str]
) -> list[tuple[int, str]]:
    """Rows that are not cases: ``(position, kind)`` with kind ``"totals"`` or ``"footer"``.

    A totals or subtotal row has ``Total``, ``Subtotal``, ``Grand total``, ``Sum`` or ``Count``
    in its first column, ID column or a stratum, or has no ID and only numbers. A footer is a line
    of one cell below the last case (``Source: ...``), or a one-cell line that starts like a note
    (``Source``, ``Notes``, ``Generated``, ``Page 2`` ...). ``frame`` holds stripped text.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"CRN": ["001", "002", "Total", "Source: nDelius"],
    ...                       "Gender": ["M", "F", "2", ""]})
    >>> find_totals(frame, "CRN", ["Gender"])
    [(2, 'totals'), (3, 'footer')]
    """
    if len(frame) == 0 or len(frame.columns) == 0:
        return []
    columns = [str(c) for c in frame.columns]
    filled = (frame != "").to_numpy()
    width = filled.sum(axis=1)
    found: dict[int, str] = {}
    looked = list(dict.fromkeys([columns[0], *(s for s in [id_column] if s), *strata]))
    for name in looked:  # a vectorised prefix test first, the regular expression on the few left
        if name in frame.columns:
            lowered = frame[name].str.lower()
            maybe = lowered.str.startswith(_TOTAL_STARTS).fillna(False).to_numpy(dtype=bool)
            for i in np.flatnonzero(maybe):
                if _TOTAL.match(str(frame[name].iloc[int(i)])):
                    found.setdefault(int(i), "totals")
    if id_column and id_column in frame.columns:
        rows = np.flatnonzero((frame[id_column] == "").to_numpy() & (width > 0))
        if rows.size:
            sub = frame.iloc[rows]
            numbers = np.ones(len(rows), dtype=bool)
            for name in columns:
                cell = sub[name]
                numeric = cell.str.match(_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
                numbers &= (cell == "").to_numpy() | numeric
            for i in rows[numbers]:
                found.setdefault(int(i), "totals")
    wide = np.flatnonzero(width >= 2)
    last_case = int(wide[-1]) if wide.size else -1
    single = np.flatnonzero(width == 1)
    if single.size:
        sub = frame.iloc[single]
        at = (sub != "").to_numpy().argmax(axis=1)
        cells = sub.max(axis=1).astype("str")  # the one filled cell ("" sorts first)
        note = cells.str.match("(?i)" + _FOOTER.pattern).fillna(False).to_numpy(dtype=bool)
        spaced = cells.str.contains(r"\s|:").fillna(False).to_numpy(dtype=bool)
        an_id = (np.array(columns, dtype=object)[at] == id_column) & ~spaced  # a case, no strata
        footer = note | ((single > last_case) & ~an_id)
        for i in single[footer]:
            found.setdefault(int(i), "footer")
    return sorted(found.items())
