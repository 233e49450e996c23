"""Case lists: read CSV, Excel or Parquet files and check them before anything is drawn.

A case list has one row per eligible case: an ID column and the stratification columns. Every value
is read as text, so ``000123`` keeps its leading zeros and risk levels coded ``1, 2, 3`` are labels,
not numbers. :func:`prepare_cases` turns a checked frame into the integer codes the allocation and
the selection work on (:class:`CaseTable`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice
from inspection_core.errors import ParameterError, ParameterTypeError

from ._text_columns import (
    _binary,
    _str_dtype,
    as_is,
    dictionary_codes,
    recall,
    remember,
    repeated,
    text_layout,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BLANK_LEVEL",
    "DEFAULT_STRATA",
    "CaseTable",
    "check_strata",
    "level_order",
    "prepare_cases",
    "read_cases",
    "sort_ids",
]

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]

DEFAULT_STRATA: tuple[str, ...] = ("gender", "disposal", "risk")
"""The case-supervision sample's stratification: gender, type of disposal and RoSH level."""

BLANK_LEVEL = "(blank)"
"""Label given to blank stratification values when ``blank_strata="level"``."""

# Ordinal vocabularies: levels drawn only from one of these are listed in this order, not A-Z.
_ORDINAL = (
    ("low", "medium", "high", "very high"),
    ("community order", "suspended sentence order", "licence", "post-sentence supervision"),
)
_FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet"}
_SHOW = 5  # how many offending rows or IDs an error message lists


def check_strata(strata: Any, id_column: Any = None) -> tuple[str, ...]:
    """Check the stratification column names: a non-empty list of distinct names.

    A single string is split on commas, so ``"gender,risk"`` and ``["gender", "risk"]`` agree.
    """
    if isinstance(strata, str):
        strata = [s.strip() for s in strata.split(",") if s.strip()]
    if not isinstance(strata, Sequence) or not all(isinstance(s, str) for s in strata):
        raise ParameterTypeError("strata", f"must be a list of column names; got {strata!r}")
    names = tuple(strata)
    if not names:
        raise ParameterError("strata", "must name at least one column; got none")
    repeated = sorted({s for s in names if names.count(s) > 1})
    if repeated:
        raise ParameterError(
            "strata", f"must not repeat a column; got {', '.join(map(repr, repeated))}"
        )
    if id_column is not None:
        if not isinstance(id_column, str) or not id_column:
            raise ParameterTypeError("id_column", f"must be a column name; got {id_column!r}")
        if id_column in names:
            raise ParameterError(
                "id_column", f"must not also be a stratum; got {id_column!r} in both"
            )
    return names


def _rows_text(rows: Sequence[int], source: str | None) -> str:
    shown = ", ".join(str(r) for r in rows[:_SHOW])
    more = f" and {len(rows) - _SHOW} more" if len(rows) > _SHOW else ""
    where = f" of {source} (the header is row 1)" if source else " (0-based positions)"
    return f"{shown}{more}{where}"


def _blank_mask(text: pd.Series) -> npt.NDArray[np.bool_]:
    """Missing or empty values of a column already made text by :func:`_as_text`."""
    return np.asarray(text.isna() | (text == ""), dtype=bool)


def _as_text(values: pd.Series) -> pd.Series:
    """A column as stripped text; whole-number floats (123.0 from a spreadsheet) lose the '.0'."""
    import pandas as pd

    if values.dtype.kind == "f":
        finite = values.dropna()
        if np.isfinite(finite).all() and (finite == np.floor(finite)).all():
            values = values.astype("Int64")
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("str")
    return values.str.strip()


def level_order(levels: Sequence[str]) -> list[str]:
    """Levels in their reporting order: RoSH order, numeric order or A-Z, with blanks last.

    Examples
    --------
    >>> level_order(["medium", "very high", "low", "high"])
    ['low', 'medium', 'high', 'very high']
    >>> level_order(["10", "2", "1"]), level_order(["male", "female"])
    (['1', '2', '10'], ['female', 'male'])
    """
    body = [v for v in levels if v != BLANK_LEVEL]
    tail = [BLANK_LEVEL] if len(body) < len(levels) else []
    lowered = {v.lower() for v in body}
    for vocabulary in _ORDINAL:
        if lowered <= set(vocabulary) and len(lowered) == len(body):
            return sorted(body, key=lambda v: vocabulary.index(v.lower())) + tail
    try:
        return sorted(body, key=lambda v: (float(v), v)) + tail
    except ValueError:
        return sorted(body) + tail


def _arrow_binary(ids: pd.Series) -> Any:
    """The IDs as one Arrow ``large_binary`` array (no copy for Arrow-backed text)."""
    return _binary(ids)


def sort_ids(ids: pd.Series) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Positions that sort the IDs in text order, and where a sorted ID repeats the one before.

    Text order is Python's ``sorted`` on the strings (the order of the UTF-8 bytes, which is the
    order of the code points). IDs of one byte length (``CRN000123``, the usual format) are sorted
    as big-endian integers made from the byte positions that differ between IDs (a radix sort);
    other IDs use Arrow's string sort.

    Examples
    --------
    >>> import pandas as pd
    >>> order, repeats = sort_ids(pd.Series(["CRN003", "CRN001", "CRN010", "CRN001"]))
    >>> order.tolist(), repeats.tolist()
    ([1, 3, 0, 2], [True, False, False])
    """
    import pyarrow.compute as pc  # type: ignore[import-untyped]  # no type stubs

    arr = _arrow_binary(ids)
    count = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + count + 1]
    lengths = np.diff(offsets)
    if count and lengths.min() == lengths.max() and lengths[0] > 0 and arr.null_count == 0:
        width = int(lengths[0])
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        matrix = data.reshape(count, width)
        first, last = matrix[0], matrix[-1]
        differs = [
            bool(first[j] != last[j]) or bool((matrix[:, j] != first[j]).any())
            for j in range(width)
        ]
        varying = matrix[:, np.flatnonzero(differs)]
        if varying.shape[1] == 0:  # every ID the same
            return np.arange(count, dtype=np.int64), np.ones(max(count - 1, 0), dtype=bool)
        pad = -varying.shape[1] % 8
        words = np.ascontiguousarray(np.pad(varying, ((0, 0), (0, pad)))).view(">u8")
        keys = [words[:, j].astype(np.uint64) for j in range(words.shape[1] - 1, -1, -1)]
        # Unstable quicksort is fine: equal IDs are refused, so no two keys tie.
        order = (np.argsort(keys[0]) if len(keys) == 1 else np.lexsort(keys)).astype(np.int64)
        ordered = words[order]
        return order, np.all(ordered[1:] == ordered[:-1], axis=1)
    order = np.asarray(pc.array_sort_indices(arr), dtype=np.int64)
    ordered = arr.take(order)
    repeats = pc.equal(ordered.slice(1), ordered.slice(0, count - 1))
    return order, np.asarray(repeats.to_numpy(zero_copy_only=False), dtype=bool)


@dataclass(frozen=True, eq=False)
class CaseTable:
    """A checked case list as integer codes (internal).

    Attributes
    ----------
    frame : pandas.DataFrame
        The cases as given (a new frame sharing the caller's data; never written to).
    id_column : str
        Name of the ID column.
    strata : tuple of str
        Stratification columns.
    levels : tuple of tuple of str
        Each variable's levels in reporting order.
    cell : ndarray of int
        Each case's cell (0-based, cells in :attr:`cell_codes` order).
    cell_codes : ndarray of int, shape (cells, variables)
        Level codes of each non-empty cell, in lexicographic order of the codes.
    ids : pandas.Series or None
        The IDs as stripped text (``None`` when no ID column was checked).
    ids_as_is : bool
        Whether the frame's ID column is that text already (so :meth:`rows` keeps it).
    strata_as_is : tuple of bool
        For each stratum, whether the frame's column is its level text already.
    hashes : ndarray of uint64 or None
        The IDs' hashes under ``hash_seed`` (:func:`sampling._prn.id_hashes`), computed for the
        check that the IDs are unique, or None.
    hash_seed : int or None
        The seed of ``hashes``.
    """

    frame: pd.DataFrame
    id_column: str
    strata: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    cell: npt.NDArray[np.integer[Any]]
    cell_codes: IntArray
    ids: pd.Series | None
    ids_as_is: bool = False
    strata_as_is: tuple[bool, ...] = ()
    hashes: UIntArray | None = field(default=None, repr=False)
    hash_seed: int | None = None

    def rows(self, positions: IntArray) -> pd.DataFrame:
        """The cases at ``positions``, with clean ID and strata text (a new frame)."""
        out = self.frame.iloc[positions].reset_index(drop=True)
        if self.ids is not None and not self.ids_as_is:
            out[self.id_column] = self.ids.iloc[positions].to_numpy()
        codes = self.cell_codes[self.cell[positions]]
        for j, name in enumerate(self.strata):
            if j < len(self.strata_as_is) and self.strata_as_is[j]:
                continue
            labels = np.asarray(self.levels[j], dtype=object)
            out[name] = labels[codes[:, j]]
            out[name] = out[name].astype("str")
        return out

    @cached_property
    def population(self) -> IntArray:
        """Cases in each cell."""
        return np.bincount(self.cell, minlength=len(self.cell_codes)).astype(np.int64)

    @cached_property
    def order(self) -> IntArray:
        """Positions that sort the cases by ID (text order; computed when first asked for)."""
        if self.ids is None:
            return np.arange(len(self.frame), dtype=np.int64)
        return sort_ids(self.ids)[0]

    @property
    def codes(self) -> IntArray:
        """Each case's level code for each variable, shape (cases, variables)."""
        return np.asarray(self.cell_codes[self.cell], dtype=np.int64)

    def subset(self, keep: npt.NDArray[np.bool_]) -> CaseTable:
        """The table of the cases kept, when every cell keeps at least one case (exclusions).

        The same as checking the kept cases afresh: their IDs are still filled in and unique,
        their strata filled in, and with every cell kept every level is kept, in the same order.
        """
        ids = None if self.ids is None else self.ids[keep].reset_index(drop=True)
        return CaseTable(
            self.frame.loc[keep].reset_index(drop=True),
            self.id_column,
            self.strata,
            self.levels,
            self.cell[keep],
            self.cell_codes,
            ids,
            self.ids_as_is,
            self.strata_as_is,
            None if self.hashes is None else self.hashes[keep],
            self.hash_seed,
        )

    def checked_frame(self) -> pd.DataFrame:
        """Every case with clean ID and strata text, remembered as checked (for read_cases).

        A draw or allocation from the frame returned, unchanged, reuses this table's cells
        instead of checking and coding the cases again (:mod:`sampling._text_columns`).
        """
        cases = self.rows(np.arange(len(self.frame), dtype=np.int64))
        remember(cases, self.id_column, self.strata, self.levels, self.cell, self.cell_codes)
        return cases


def _codes(
    values: pd.Series, name: str, blank_strata: str, rows: IntArray, source: str | None
) -> tuple[npt.NDArray[np.integer[Any]], IntArray, tuple[str, ...], bool]:
    """One stratification column's raw codes, their level codes, its levels, and whether as is.

    The raw codes number the column's distinct values (its missing value, if any, last); the
    level code of raw code ``r`` is ``remap[r]``. The text clean-up works on distinct values
    only; ``as is`` says the column already holds its level text.
    """
    import pandas as pd

    encoded = dictionary_codes(values)
    raw: npt.NDArray[np.integer[Any]]
    if encoded is None:
        raw, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
        unique_values = pd.Series(uniques)
    else:
        raw, unique_values = encoded
    labels = _as_text(unique_values).astype(object)
    texts = [None if pd.isna(v) else str(v) for v in labels.tolist()] + [None]  # code -1: missing
    blank = np.array([t is None or t == "" for t in texts])
    missing = bool((raw < 0).any())
    if blank[:-1].any() or missing:  # factorize lists only values that occur
        hit = np.flatnonzero(blank[raw])  # raw == -1 picks the last entry, the missing value
        if blank_strata == "error":
            raise ValueError(
                f"{name} is blank in {hit.size} row{'s' if hit.size > 1 else ''}: "
                f"{_rows_text(rows[hit].tolist(), source)}; fill them in, or treat blanks "
                f"as their own level (blank_strata='level', --blank-strata level)"
            )
    named = [BLANK_LEVEL if b else str(t) for t, b in zip(texts, blank, strict=True)]
    present = sorted(set(named[:-1]) | ({BLANK_LEVEL} if missing else set()))
    ordered = level_order(present)
    position = {v: i for i, v in enumerate(ordered)}
    remap = np.array([position.get(v, -1) for v in named], dtype=np.int64)
    if missing:
        raw = np.where(raw < 0, len(named) - 1, raw)
    clean = (
        encoded is not None
        and not missing
        and not blank[:-1].any()
        and values.dtype == _str_dtype()
        and [str(v) for v in unique_values.tolist()] == named[:-1]
    )
    return raw, remap, tuple(ordered), bool(clean)


_PARALLEL = 50_000  # from this many cases the columns are checked on two threads


def prepare_cases(
    cases: Any,
    *,
    id_column: str | None,
    strata: Any,
    blank_strata: str = "error",
    source: str | None = None,
    row_numbers: IntArray | None = None,
    seed: int | None = None,
) -> CaseTable:
    """Check a case frame and code its cells (internal; see :func:`read_cases` for the rules).

    ``id_column=None`` skips the ID checks (allocation needs only the strata). The caller's frame
    is not modified; cleaned values are produced by :meth:`CaseTable.rows`. The IDs are checked
    for repeats through their hashes under ``seed`` (0 when not given), which the table keeps for
    the draw. A frame returned by :func:`read_cases` and not changed since is not checked again.
    """
    import pandas as pd

    if not isinstance(cases, pd.DataFrame):
        raise ParameterTypeError("cases", f"must be a pandas DataFrame; got {type(cases).__name__}")
    names = check_strata(strata, id_column)
    blank_strata = check_choice("blank_strata", blank_strata, ("error", "level"))
    columns = [str(c) for c in cases.columns]
    repeated_columns = sorted({c for c in columns if columns.count(c) > 1})
    if repeated_columns:
        raise ParameterError(
            "cases", f"has two columns named {', '.join(map(repr, repeated_columns))}"
        )
    label = source or "the case list"
    for kind, wanted in (("ID", [id_column] if id_column else []), ("strata", list(names))):
        missing = [c for c in wanted if c not in columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise ValueError(
                f"{kind} column{plural} {', '.join(map(repr, missing))} not found in {label}; "
                f"its columns are {', '.join(map(repr, columns))}"
            )
    if len(cases) == 0:
        raise ValueError(f"{label} has no cases (no rows below the header)")
    frame = cases.reset_index(drop=True)  # a new frame: the caller's is never modified
    frame.columns = columns  # column labels as text (a frame may have integer labels)
    known = recall(cases, id_column, names)
    if known is not None:  # checked by read_cases and not changed since
        return CaseTable(
            frame,
            known.id_column if id_column else "",
            names,
            known.levels,
            known.cell,
            known.cell_codes,
            frame[id_column] if id_column else None,
            True,
            tuple(True for _ in names),
        )
    rows = (
        row_numbers
        if row_numbers is not None
        else (np.arange(len(cases)) + (2 if source else 0)).astype(np.int64)
    )
    key = 0 if seed is None else int(seed)
    workers = 2 if len(frame) >= _PARALLEL else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:  # Arrow and numpy release the GIL
        checking = pool.submit(_check_ids, frame[id_column], key) if id_column else None
        coding = [
            pool.submit(_codes, frame[name], name, blank_strata, rows, source) for name in names
        ]
        coded = [c.result() for c in coding]  # strata problems are reported first
        ids_checked = checking.result() if checking is not None else None
    levels = tuple(c[2] for c in coded)
    ids: pd.Series | None = None
    hashes: UIntArray | None = None
    ids_as_is = False
    if id_column and ids_checked is not None:
        ids, blank, hashes, ids_as_is, repeats = ids_checked
        if blank is not None and blank.any():
            raise ValueError(
                f"{id_column} is blank in {int(blank.sum())} row{'s' if blank.sum() > 1 else ''}: "
                f"{_rows_text(rows[blank].tolist(), source)}; every case needs an ID"
            )
        if repeats:
            _raise_duplicates(ids, repeats, rows, label, id_column)
    cell, cell_codes, population = _cells([c[0] for c in coded], [c[1] for c in coded])
    table = CaseTable(
        frame,
        id_column or "",
        names,
        levels,
        cell,
        cell_codes,
        ids,
        ids_as_is,
        tuple(c[3] for c in coded),
        hashes,
        key if hashes is not None else None,
    )
    table.__dict__["population"] = population  # counted with the cells (a cached property)
    return table


def _check_ids(
    values: pd.Series, seed: int
) -> tuple[pd.Series, npt.NDArray[np.bool_] | None, UIntArray | None, bool, list[str]]:
    """IDs as stripped text, which are blank, their hashes, whether as given, and repeated IDs.

    The hashes (under ``seed``) serve the repeat check and, for the draw's seed, the selection.
    """
    from ._prn import id_hashes

    if values.dtype.kind == "f" and np.isinf(values.to_numpy()).any():
        row = int(np.flatnonzero(np.isinf(values.to_numpy()))[0])
        raise ParameterError(
            "id_column",
            f"must hold case references; {values.name!s} holds an infinite number (inf) at "
            f"position {row}",
        )
    layout = text_layout(values) if values.dtype == _str_dtype() else None
    if layout is not None and as_is(values, layout):  # clean text already: no copy, no blank
        hashes = id_hashes(values, seed, layout)
        return values, None, hashes, True, repeated(values, hashes)
    ids = _as_text(values)
    # Missing values are blank whatever the pandas version makes of them as text ("None" and
    # "nan" under pandas 2, <NA> under pandas 3).
    blank = _blank_mask(ids) | np.asarray(values.isna(), dtype=bool)
    if blank.any():
        return ids, blank, None, False, []
    hashes = id_hashes(ids, seed)
    return ids, blank, hashes, False, repeated(ids, hashes)


def _raise_duplicates(
    ids: pd.Series, repeated: list[str], rows: IntArray, label: str, id_column: str
) -> None:
    shown = []
    for value in repeated[:_SHOW]:
        where = rows[np.flatnonzero((ids == value).to_numpy())].tolist()
        shown.append(f"{value!r} (rows {', '.join(map(str, where))})")
    more = f" and {len(repeated) - _SHOW} more" if len(repeated) > _SHOW else ""
    raise ValueError(
        f"{id_column} must identify each case once; {label} repeats {len(repeated)} "
        f"ID{'s' if len(repeated) > 1 else ''}: {', '.join(shown)}{more}"
    )


def _cells(
    raws: list[npt.NDArray[np.integer[Any]]], remaps: list[IntArray]
) -> tuple[npt.NDArray[np.integer[Any]], IntArray, IntArray]:
    """Cell index of each row, the codes of the non-empty cells (lexicographic order), their sizes.

    ``raws`` are each variable's raw codes and ``remaps`` their level codes (several raw values
    may share a level: ``"male"`` and ``" male"``). When the raw values' cross-classification
    has at most 4,000,000 combinations, each row's combination is computed with integer
    arithmetic, the combinations present are found by counting, and only those are turned into
    level codes and ordered; otherwise the rows of level codes are sorted. The cell index is
    int32 (a case list has fewer than 2**31 cells).
    """
    sizes = [len(r) for r in remaps]
    total = int(np.prod(sizes, dtype=np.float64))
    if total <= 4_000_000:
        count = len(raws[0])
        flat = np.empty(count, dtype=np.int32)
        step = 1 << 16  # a block of rows at a time: the arithmetic stays in the CPU's cache
        for first in range(0, count, step):
            block = flat[first : first + step]
            block.fill(0)
            for raw, size in zip(raws, sizes, strict=True):
                np.multiply(block, np.int32(size), out=block)
                np.add(block, raw[first : first + step], out=block, casting="unsafe")
        counts = np.bincount(flat, minlength=total)
        present = np.flatnonzero(counts)
        combos = np.unravel_index(present, sizes)
        level_codes = np.stack([r[c] for r, c in zip(remaps, combos, strict=True)], axis=1)
        cell_codes, inverse = np.unique(level_codes, axis=0, return_inverse=True)
        lookup = np.full(total, -1, dtype=np.int32)
        lookup[present] = inverse.ravel()
        np.take(lookup, flat, out=flat)
        population = np.bincount(
            inverse.ravel(), weights=counts[present], minlength=len(cell_codes)
        )
        return flat, cell_codes.astype(np.int64), population.astype(np.int64)
    stacked = np.stack([r[c] for r, c in zip(remaps, raws, strict=True)], axis=1)
    cell_codes, inverse = np.unique(stacked, axis=0, return_inverse=True)
    cell = inverse.ravel().astype(np.int32)
    return cell, cell_codes.astype(np.int64), np.bincount(cell, minlength=len(cell_codes))


def read_cases(
    path: str | os.PathLike[str],
    *,
    id_column: str = "case_id",
    strata: Sequence[str] | str = DEFAULT_STRATA,
    blank_strata: str = "error",
    sheet: str | int | None = None,
    header_row: int | None = None,
    drop_totals: bool = False,
    drop_repeats: bool = False,
    mapping: Any = None,
    recode: Sequence[str] = (),
    vocabularies: str | None = None,
    keep_levels: bool = False,
) -> pd.DataFrame:
    """Read and check a case list (CSV, Excel .xlsx or Parquet), every column as text.

    The cases of :func:`sampling.read_case_list`, which also returns the record of how the file
    was read (sheet, header row, encoding, delimiter, rows dropped, recodings); the options are
    the same.

    Parameters
    ----------
    path : str or path-like
        The file: ``.csv`` (or ``.txt``/``.tsv``; UTF-8 with or without a byte order mark, or
        Windows-1252; comma, semicolon, tab or bar, detected), ``.xlsx`` (the first visible sheet
        unless ``sheet`` names another) or ``.parquet``.
    id_column : str, default "case_id"
        Column identifying each case; it must be filled in and unique. Matched without regard to
        case and spacing (``crn`` finds ``CRN``).
    strata : sequence of str or str, default ("gender", "disposal", "risk")
        Stratification columns (a comma-separated string is split).
    blank_strata : {"error", "level"}, default "error"
        What to do with blank stratification values: refuse, listing the rows, or keep the cases
        with ``"(blank)"`` as a level of its own.
    sheet, header_row, drop_totals, drop_repeats, mapping, recode, vocabularies, keep_levels
        As in :func:`sampling.read_case_list`.

    Returns
    -------
    pandas.DataFrame
        The cases; CSV and Excel columns are text (Parquet columns keep their types, except the
        ID and strata, which become text), the ID and strata values stripped of surrounding
        spaces and recoded as asked. Completely empty lines are dropped. The file is only read.

    Raises
    ------
    ValueError
        A missing or unreadable file, an unknown extension, an empty file or one with only a
        header, a missing column (the message suggests the closest), and every problem that
        blocks a draw (blank or repeated IDs, blank strata, totals rows, levels spelt two ways),
        all in one message. Row numbers are the file's, as a spreadsheet counts them.

    Examples
    --------
    >>> from importlib.resources import files
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> len(cases), cases["case_id"].iloc[0]
    (250, 'CRN540586')
    >>> cases["gender"].value_counts().to_dict()
    {'male': 211, 'female': 39}
    """
    from ._caselist import read_case_list

    return read_case_list(
        path,
        id_column=id_column,
        strata=strata,
        blank_strata=blank_strata,
        sheet=sheet,
        header_row=header_row,
        drop_totals=drop_totals,
        drop_repeats=drop_repeats,
        mapping=mapping,
        recode=recode,
        vocabularies=vocabularies,
        keep_levels=keep_levels,
    ).cases
