"""Fast checks of text columns, and the case frames already checked (internal).

The draw's checks must look at every case: its ID filled in and unique, its strata filled in.
These helpers do that work once per column in Arrow's and numpy's compiled loops:

* :func:`as_is` says in one pass over the first and last byte of each value whether a text column
  is already clean (no missing or empty value, nothing for stripping to remove), so it is used as
  it is instead of being copied stripped;
* :func:`dictionary_codes` codes a text column by Arrow's dictionary encoding;
* :func:`repeated` finds repeated IDs from their 64-bit hashes: one sort of the hashes, then the
  text of the few IDs whose hashes repeat compared (equal IDs have equal hashes; distinct IDs
  share one with probability about one in 2**64 per pair, and are then told apart by their text).

:func:`remember` and :func:`recall` pass a checked case table on: the frame that
:func:`sampling.read_cases` returns is remembered with its cells, so a draw or an allocation from
that frame, unchanged, does not check and code it again. "Unchanged" is decided by identity: the
frame is the same object and its ID and strata columns still hold the same Arrow arrays (Arrow
arrays are immutable, and pandas replaces a column's array when any value is set), so a frame
edited in any way is checked afresh.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Remembered", "arrow_text", "as_is", "dictionary_codes", "recall", "remember", "repeated"]

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]


@cache
def _str_dtype() -> Any:
    """pandas' default text dtype (``"str"``: Arrow-backed, NaN for missing)."""
    import pandas as pd

    return pd.Series(["a"]).astype("str").dtype


def arrow_text(values: pd.Series) -> Any:
    """The column as one Arrow string array when it is Arrow-backed text, else None."""
    import pandas as pd
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type stubs

    dtype = values.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    arr = values.array.__arrow_array__()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def _offsets(arr: Any) -> IntArray:
    """The value offsets of an Arrow (large) string array, as numpy (a view, not a copy)."""
    import pyarrow as pa

    wide = pa.types.is_large_string(arr.type)
    raw = np.frombuffer(arr.buffers()[1], dtype=np.int64 if wide else np.int32)
    return np.asarray(raw[arr.offset : arr.offset + len(arr) + 1])


def as_is(values: pd.Series) -> bool:
    """Whether a column is clean text as it stands: what checking it would make of it.

    True when the column is pandas' default text dtype, has no missing or empty value, and every
    value starts and ends with a printable ASCII character other than a space, so stripping
    changes nothing (a value starting or ending otherwise, even with a letter outside ASCII, is
    left to the full check).

    Examples
    --------
    >>> import pandas as pd
    >>> as_is(pd.Series(["CRN1", "CRN2"])), as_is(pd.Series(["CRN1", " CRN2"]))
    (True, False)
    >>> as_is(pd.Series(["CRN1", ""])), as_is(pd.Series(["CRN1", None])), as_is(pd.Series([1, 2]))
    (False, False, False)
    """
    if values.dtype != _str_dtype():
        return False
    arr = arrow_text(values)
    if arr is None or arr.null_count or len(arr) == 0:
        return False
    offsets = _offsets(arr)
    if np.any(offsets[1:] == offsets[:-1]):
        return False
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    first, last = data[offsets[:-1]], data[offsets[1:] - 1]
    return bool(
        ((first > 0x20) & (first < 0x7F)).all() and ((last > 0x20) & (last < 0x7F)).all()
    )


def dictionary_codes(values: pd.Series) -> tuple[npt.NDArray[np.int32], pd.Series] | None:
    """Codes (-1 for missing) and distinct values of an Arrow-backed text column, else None.

    The same as ``pandas.factorize(values)`` (values numbered in order of first appearance),
    from Arrow's dictionary encoding without pandas' wrapping.
    """
    import pandas as pd
    import pyarrow.compute as pc  # type: ignore[import-untyped]  # no type stubs

    arr = arrow_text(values)
    if arr is None:
        return None
    encoded = pc.dictionary_encode(arr)
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    codes = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    return codes, pd.Series(encoded.dictionary.to_pylist(), dtype=object)


def repeated(ids: pd.Series, hashes: UIntArray) -> list[str]:
    """The IDs that occur more than once (sorted), found from their hashes.

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pd.Series(["A", "B", "A", "C"])
    >>> repeated(ids, np.array([1, 2, 1, 2], dtype=np.uint64))  # B and C: a hash, not an ID
    ['A']
    """
    ordered = np.sort(hashes)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return []
    suspects = np.flatnonzero(np.isin(hashes, ordered[1:][same]))
    values = ids.iloc[suspects]
    return sorted({str(v) for v in values[values.duplicated(keep=False)]})


@dataclass(frozen=True, eq=False)
class Remembered:
    """What is kept of a checked case frame: its cells, and how to tell it is unchanged."""

    frame: weakref.ref[pd.DataFrame]
    arrays: tuple[Any, ...]
    length: int
    id_column: str
    strata: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    cell: npt.NDArray[np.integer[Any]]
    cell_codes: IntArray


_CHECKED: dict[int, Remembered] = {}


def _arrays(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[Any, ...] | None:
    out = []
    for name in columns:
        if list(frame.columns).count(name) != 1:
            return None
        values = frame[name]
        if values.dtype != _str_dtype():
            return None
        out.append(values.array.__arrow_array__())
    return tuple(out)


def remember(
    frame: pd.DataFrame,
    id_column: str,
    strata: tuple[str, ...],
    levels: tuple[tuple[str, ...], ...],
    cell: npt.NDArray[np.integer[Any]],
    cell_codes: IntArray,
) -> None:
    """Remember ``frame`` (clean text in its ID and strata columns) as checked, with its cells."""
    arrays = _arrays(frame, (id_column, *strata))
    if arrays is None:
        return
    key = id(frame)
    ref = weakref.ref(frame, lambda _ref, key=key: _forget(key, _ref))
    _CHECKED[key] = Remembered(
        ref, arrays, len(frame), id_column, strata, levels, cell, cell_codes
    )


def _forget(key: int, ref: weakref.ref[Any]) -> None:
    found = _CHECKED.get(key)
    if found is not None and found.frame is ref:
        del _CHECKED[key]


def recall(frame: pd.DataFrame, id_column: str | None, strata: tuple[str, ...]) -> Remembered | None:
    """The remembered check of this very frame, if it is unchanged and for these columns."""
    found = _CHECKED.get(id(frame))
    if found is None or found.frame() is not frame or found.strata != strata:
        return None
    if id_column is not None and id_column != found.id_column:
        return None
    if len(frame) != found.length:
        return None
    arrays = _arrays(frame, (found.id_column, *found.strata))
    if arrays is None or any(a is not b for a, b in zip(arrays, found.arrays, strict=True)):
        return None
    return found
