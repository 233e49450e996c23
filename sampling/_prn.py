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


def _bytes(ids: pd.Series) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """The IDs' UTF-8 bytes end to end (with 8 zero bytes after) and their offsets."""
    from ._frame import _arrow_binary

    arr = _arrow_binary(ids)
    count = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + count + 1]
    raw = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    data = np.zeros(raw.size + 8, dtype=np.uint8)
    data[: raw.size] = raw
    return data, offsets - offsets[0]


def id_hashes(ids: pd.Series, seed: int) -> UIntArray:
    """Each ID's 64-bit hash ``h`` under the seed (step 3 of the scheme), vectorised.

    IDs of one byte length (the usual case) are read as strided little-endian words straight from
    Arrow's byte buffer, the last word masked to the bytes it has; other lists are laid out in a
    zero-padded matrix first.

    Examples
    --------
    >>> import pandas as pd
    >>> [hex(int(h)) for h in id_hashes(pd.Series(["CRN000001", "CRN000002"]), 2026)]
    ['0x36995ac3663b8ff7', '0x596cabb0d80b37b0']
    """
    k0, k1, _, _ = keys(seed)
    data, offsets = _bytes(ids)
    count = len(offsets) - 1
    lengths = np.diff(offsets)
    longest = int(lengths.max(initial=0))
    h = np.bitwise_xor(
        np.uint64(k0), np.multiply(lengths.astype(np.uint64), np.uint64(_GAMMA))
    ).astype(np.uint64)
    tmp = np.empty_like(h)
    if count and int(lengths.min()) == longest:  # one length: strided reads, no copies
        for start in range(0, longest, 8):
            word = np.ndarray((count,), dtype="<u8", buffer=data, offset=start, strides=(longest,))
            size = longest - start
            if size >= 8:
                np.bitwise_xor(h, word, out=h)
            else:  # the last word: only the bytes this ID has (the rest belong to the next)
                np.bitwise_and(word, np.uint64((1 << (8 * size)) - 1), out=tmp)
                np.bitwise_xor(h, tmp, out=h)
            _mix_inplace(h, tmp)
    elif count:
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
    _mix_inplace(h, tmp)
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
