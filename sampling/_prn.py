"""Permanent random numbers: one uniform number per case from a keyed hash of the seed and its ID.

The scheme (``HASH_SCHEME``), complete enough to re-implement anywhere with 64-bit integers:

1. **Key.** ``d = BLAKE2b(b"inspection-toolkit/prn/v1:" + str(seed).encode("ascii"),
   digest_size=32)``; ``k0, k1, k2, k3`` are its four 8-byte words read little-endian (unsigned).
2. **Mixing function** (the SplitMix64 finaliser, Steele, Lea and Flood 2014), all arithmetic
   modulo 2**64::

       mix64(z) = z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB;
                  z ^= z >> 31

3. **A case's hash.** Take the ID as stripped text, encoded UTF-8: ``L`` bytes, cut into
   ``m = ceil(L / 8)`` words of 8 bytes read little-endian, the last padded with zero bytes.
   ``h = k0 ^ (L * 0x9E3779B97F4A7C15)``; for each word in turn ``h = mix64(h ^ w_j)``; finally
   ``h = mix64(h ^ k1)``. The case's number is ``u = (h >> 11) / 2**53``, in [0, 1).
4. **Ranking.** Within a cell the cases are ordered by ``h`` (equal ``h``, about one chance in
   2**64 per pair, by the ID text); the first ``n_h`` are the sample and the next ones the reserves.
5. **The allocation's own uniform numbers** are the SplitMix64 stream started at ``k2``: the j-th
   (j = 1, 2, ...) is ``(mix64(k2 + j * 0x9E3779B97F4A7C15) >> 11) / 2**53``.

A number depends only on the seed and the ID: not on the row order, the other cases, the
stratification, or any library's random stream. The tests check this code against a plain
re-implementation of the steps above in Python integers and pin its values
(``tests/test_prn.py``).
"""

from __future__ import annotations

import hashlib
import struct
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

    from ._text_columns import TextLayout

__all__ = ["HASH_SCHEME", "allocation_stream", "id_hashes", "keys", "mix64", "uniform"]

HASH_SCHEME = "prn-v1: BLAKE2b-256 key from the seed, SplitMix64 mixing of the UTF-8 ID words"
_PERSON = b"inspection-toolkit/prn/v1:"
_GAMMA = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_MASK = (1 << 64) - 1
UIntArray = npt.NDArray[np.uint64]


def keys(seed: int) -> tuple[int, int, int, int]:
    """The four 64-bit key words of a seed (step 1 of the scheme).

    Examples
    --------
    >>> [hex(k) for k in keys(2026)][:2]
    ['0xec1f7fc71dd41ff4', '0x93f34b72d716672f']
    """
    digest = hashlib.blake2b(_PERSON + str(int(seed)).encode("ascii"), digest_size=32).digest()
    k0, k1, k2, k3 = struct.unpack("<4Q", digest)
    return int(k0), int(k1), int(k2), int(k3)


def mix64(z: int) -> int:
    """The SplitMix64 finaliser on one Python integer (the reference for the vectorised code).

    Examples
    --------
    The first two outputs of SplitMix64 started at 0 (its published reference values):

    >>> hex(mix64(0x9E3779B97F4A7C15)), hex(mix64(2 * 0x9E3779B97F4A7C15 % 2**64))
    ('0xe220a8397b1dcdaf', '0x6e789e6aa1b965f4')
    """
    z &= _MASK
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def _mix_inplace(h: UIntArray, tmp: UIntArray) -> None:
    """``h = mix64(h)`` element-wise, in place (numpy's uint64 arithmetic wraps modulo 2**64)."""
    np.right_shift(h, np.uint64(30), out=tmp)
    np.bitwise_xor(h, tmp, out=h)
    np.multiply(h, np.uint64(_M1), out=h)
    np.right_shift(h, np.uint64(27), out=tmp)
    np.bitwise_xor(h, tmp, out=h)
    np.multiply(h, np.uint64(_M2), out=h)
    np.right_shift(h, np.uint64(31), out=tmp)
    np.bitwise_xor(h, tmp, out=h)


_CHUNK = 1 << 15  # cases hashed at a time: the working arrays stay in the CPU's cache


def _hash_fixed(data: npt.NDArray[np.uint8], count: int, width: int, k0: int, k1: int) -> UIntArray:
    """Step 3 for ``count`` IDs all ``width`` bytes long (``width`` at least 1).

    The words are read little-endian straight from the byte buffer (strided, unaligned views);
    the last word of each ID is masked to the bytes it has (the rest belong to the next ID). The
    last few IDs, whose 8-byte reads could run past the buffer, are read from a zero-padded copy
    of their bytes. Done ``_CHUNK`` cases at a time, every step on one chunk before the next:
    the same arithmetic as one pass per step over all cases, but in the CPU's cache.
    """
    h = np.empty(count, dtype=np.uint64)
    tail_start = max(0, count - (2 + 8 // width))  # rows before it read in bounds (see below)
    tail = np.zeros((count - tail_start) * width + 8, dtype=np.uint8)
    tail[: (count - tail_start) * width] = data[tail_start * width : count * width]
    tmp = np.empty(min(count, _CHUNK), dtype=np.uint64)
    start_value = np.uint64(k0 ^ ((width * _GAMMA) & _MASK))
    for first in range(0, count, _CHUNK):
        last = min(count, first + _CHUNK)
        hc, tc = h[first:last], tmp[: last - first]
        hc.fill(start_value)
        split = min(max(tail_start, first), last) - first  # rows of the chunk read from data
        for start in range(0, width, 8):
            size = width - start
            # A row r < tail_start reads bytes up to r * width + start + 8 <= count * width.
            from_tail = (first + split - tail_start) * width + start
            words = [(0, split, data, first * width + start),
                     (split, last - first, tail, from_tail)]  # fmt: skip
            for lo, hi, buf, offset in words:
                if hi <= lo:
                    continue
                word = np.ndarray((hi - lo,), dtype="<u8", buffer=buf, offset=offset,
                                  strides=(width,))  # fmt: skip
                part = hc[lo:hi]
                if size >= 8:
                    np.bitwise_xor(part, word, out=part)
                else:  # the last word: only the bytes this ID has
                    scratch = tc[lo:hi]
                    np.bitwise_and(word, np.uint64((1 << (8 * size)) - 1), out=scratch)
                    np.bitwise_xor(part, scratch, out=part)
            _mix_inplace(hc, tc)
        np.bitwise_xor(hc, np.uint64(k1), out=hc)
        _mix_inplace(hc, tc)
    return h


def id_hashes(ids: pd.Series, seed: int, layout: TextLayout | None = None) -> UIntArray:
    """Each ID's 64-bit hash ``h`` under the seed (step 3 of the scheme), vectorised.

    IDs of one byte length (the usual case) are read as strided little-endian words straight from
    Arrow's byte buffer, a cache-sized chunk of cases at a time; other lists are laid out in a
    zero-padded matrix first. ``layout``: the IDs' bytes when already found
    (:func:`sampling._text_columns.text_layout`).

    Examples
    --------
    >>> import pandas as pd
    >>> [hex(int(h)) for h in id_hashes(pd.Series(["CRN000001", "CRN000002"]), 2026)]
    ['0x36995ac3663b8ff7', '0x596cabb0d80b37b0']
    """
    from ._text_columns import text_layout

    k0, k1, _, _ = keys(seed)
    layout = text_layout(ids) if layout is None else layout
    data, offsets = layout.data, layout.offsets
    count = len(offsets) - 1
    if count and layout.width:
        return _hash_fixed(data, count, layout.width, k0, k1)
    lengths = np.diff(offsets)
    longest = int(lengths.max(initial=0))
    h = np.bitwise_xor(
        np.uint64(k0), np.multiply(lengths.astype(np.uint64), np.uint64(_GAMMA))
    ).astype(np.uint64)
    if count and longest:
        width = -(-longest // 8) * 8
        matrix = np.zeros((count, width), dtype=np.uint8)
        row = np.repeat(np.arange(count), lengths)
        col = np.arange(int(offsets[-1])) - np.repeat(offsets[:-1], lengths)
        matrix[row, col] = data[: int(offsets[-1])]
        words = matrix.view("<u8")
        used = -(-lengths // 8)
        for j in range(width // 8):
            active = used > j  # shorter IDs have no word j: their hash stays as it is
            part = np.bitwise_xor(h[active], words[active, j].astype(np.uint64))
            _mix_inplace(part, np.empty_like(part))
            h[active] = part
    np.bitwise_xor(h, np.uint64(k1), out=h)
    _mix_inplace(h, np.empty_like(h))
    return h


def uniform(hashes: UIntArray) -> npt.NDArray[np.float64]:
    """The numbers in [0, 1) of 64-bit hashes: their top 53 bits over 2**53 (exact in float64)."""
    return np.right_shift(hashes, np.uint64(11)).astype(np.float64) * 2.0**-53


def allocation_stream(seed: int, count: int) -> npt.NDArray[np.float64]:
    """The first ``count`` uniform numbers of the allocation's stream (step 5 of the scheme).

    Examples
    --------
    >>> allocation_stream(2026, 2).round(6).tolist()
    [0.359252, 0.848249]
    """
    k2 = keys(seed)[2]
    j = np.arange(1, count + 1, dtype=np.uint64)
    z = np.uint64(k2) + j * np.uint64(_GAMMA)
    _mix_inplace(z, np.empty_like(z))
    return uniform(z)
