"""The CRC-32 of every word of a batch's bytes at once, in numpy, as ``zlib.crc32`` gives each.

CRC-32 is linear: a word's CRC is the XOR of its bytes' shares, each by its distance from the
word's end, and of the CRC of as many zero bytes. A table holds each byte's share by its
distance (up to ``LONG_WORD``); a running XOR over the batch gives each word's XOR as the
difference of two of its values. Longer words are hashed one by one by zlib.
"""

from __future__ import annotations

import zlib

import numpy as np

#: Words longer than this many bytes are hashed one by one by zlib (the table covers shorter ones:
#: a byte's distance from its word's end is one byte, 0 to 255).
LONG_WORD = 256


def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """Each byte's share in a word's CRC-32 by its distance from the end (entry ``distance * 256 +
    byte``), and the CRC-32 of ``n`` zero bytes, for words up to ``LONG_WORD`` bytes."""
    zeros = [zlib.crc32(bytes(n)) for n in range(LONG_WORD + 1)]
    shares = np.array(
        [
            zlib.crc32(bytes([byte]) + bytes(distance)) ^ zeros[distance + 1]
            for distance in range(LONG_WORD)
            for byte in range(256)
        ],
        dtype=np.uint32,
    )
    return shares, np.array(zeros, dtype=np.uint32)


_SHARES, _ZEROS = _crc_tables()


def word_crcs(spaced: np.ndarray, data: bytes, begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The CRC-32 of each word's bytes (``zlib.crc32``), as uint32: ``spaced[begins[i]:ends[i]]`` is
    word i (``spaced``: ``data`` as uint8, its first byte none of a word; the words in order,
    none empty, none touching the next)."""
    # each byte's entry in _SHARES: its distance from the end of its word (modulo 256: a longer word
    # is zlib's) as the high byte, the byte itself as the low one. The distances are a running sum
    # in uint16 (wrapping) of steps of -256 (one byte nearer the end), and at each word's first byte
    # the step to its own distance; what lies between two words is in neither's XOR, whatever its
    # entries (before the first word, the distances go on from a word ending at byte 0).
    last = np.zeros(len(ends) + 1, dtype=np.int64)
    last[1:] = ends - 1
    entry = np.full(len(spaced), 0xFF00, dtype=np.uint16)
    entry[0] = 0
    entry[begins] = ((np.diff(last) - 1) & 0xFF) << 8
    np.cumsum(entry, dtype=np.uint16, out=entry)
    entry |= spaced
    running = np.bitwise_xor.accumulate(_SHARES[entry])
    crcs = running[ends - 1]
    crcs ^= running[begins - 1]  # each word's XOR: the running XOR less what came before it
    sizes = ends - begins
    longest = int(sizes.max())
    crcs ^= _ZEROS[np.minimum(sizes, LONG_WORD) if longest > LONG_WORD else sizes]
    if longest > LONG_WORD:
        for index in np.flatnonzero(sizes > LONG_WORD).tolist():
            crcs[index] = zlib.crc32(data[begins[index] : ends[index]])
    return crcs
