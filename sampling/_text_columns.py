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

__all__ = [
    "Remembered",
    "TextLayout",
    "arrow_text",
    "as_is",
    "dictionary_codes",
    "recall",
    "remember",
    "repeated",
    "text_layout",
]

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]


@cache
def _str_dtype() -> Any:
    """The default text dtype of pandas (``"str"``: Arrow-backed, NaN for missing)."""
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


@dataclass(frozen=True, eq=False)
class TextLayout:
    """A text column's UTF-8 bytes end to end and where each value starts (views, not copies).

    ``offsets`` has one more entry than there are values, the first 0; ``width`` is the common
    byte length of the values when they all have one (the usual case for case IDs), else 0.
    ``nulls`` counts missing values.
    """

    data: npt.NDArray[np.uint8]
    offsets: IntArray
    width: int
    nulls: int


def _binary(values: pd.Series) -> Any:
    """The column as one Arrow ``large_binary`` array (no copy for Arrow-backed text)."""
    import pyarrow as pa

    array = values.array
    arr = (
        array.__arrow_array__()
        if hasattr(array, "__arrow_array__")
        else pa.array(values.to_numpy(dtype=object), type=pa.large_string())
    )
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr.cast(pa.large_binary())


def _same_width(offsets: IntArray, width: int) -> bool:
    """Whether every value is ``width`` bytes long, checked a block at a time (no big copies)."""
    step = 1 << 20
    for first in range(0, len(offsets) - 1, step):
        block = offsets[first : first + step + 1]
        if not np.all(block[1:] - block[:-1] == width):
            return False
    return True


def text_layout(values: pd.Series) -> TextLayout:
    """The bytes and offsets of a text column (see :class:`TextLayout`).

    Examples
    --------
    >>> import pandas as pd
    >>> layout = text_layout(pd.Series(["CRN1", "CRN2"]))
    >>> layout.offsets.tolist(), layout.width, bytes(layout.data)
    ([0, 4, 8], 4, b'CRN1CRN2')
    """
    arr = _binary(values)
    count = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + count + 1]
    if count == 0:
        return TextLayout(np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64), 0, 0)
    begin, end = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(arr.buffers()[2], dtype=np.uint8)[begin:end]
        if end > begin
        else np.zeros(0, dtype=np.uint8)
    )
    if begin:
        offsets = offsets - begin
    width = (end - begin) // count
    if width == 0 or width * count != end - begin or not _same_width(offsets, width):
        width = 0
    return TextLayout(data, offsets, width, int(arr.null_count))


def as_is(values: pd.Series, layout: TextLayout | None = None) -> bool:
    """Whether a column is clean text as it stands: what checking it would make of it.

    True when the column is pandas' default text dtype, has no missing or empty value, and every
    value starts and ends with a printable ASCII character other than a space, so stripping
    changes nothing (a value starting or ending otherwise, even with a letter outside ASCII, is
    left to the full check). ``layout``: the column's, when already made.

    Examples
    --------
    >>> import pandas as pd
    >>> as_is(pd.Series(["CRN1", "CRN2"])), as_is(pd.Series(["CRN1", " CRN2"]))
    (True, False)
    >>> as_is(pd.Series(["CRN1", ""])), as_is(pd.Series(["CRN1", None])), as_is(pd.Series([1, 2]))
    (False, False, False)
    """
    if values.dtype != _str_dtype() or len(values) == 0:
        return False
    layout = text_layout(values) if layout is None else layout
    if layout.nulls:
        return False
    data, offsets, width = layout.data, layout.offsets, layout.width
    if width:
        first, last = data[0::width], data[width - 1 :: width]
    else:
        if np.any(offsets[1:] == offsets[:-1]):
            return False
        first, last = data[offsets[:-1]], data[offsets[1:] - 1]
    return bool(((first > 0x20) & (first < 0x7F)).all() and ((last > 0x20) & (last < 0x7F)).all())


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

    def forget(ref: weakref.ref[pd.DataFrame]) -> None:
        found = _CHECKED.get(key)
        if found is not None and found.frame is ref:
            del _CHECKED[key]

    ref = weakref.ref(frame, forget)
    _CHECKED[key] = Remembered(ref, arrays, len(frame), id_column, strata, levels, cell, cell_codes)


def recall(
    frame: pd.DataFrame, id_column: str | None, strata: tuple[str, ...]
) -> Remembered | None:
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
