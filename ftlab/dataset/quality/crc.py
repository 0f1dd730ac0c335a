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
#: Each position's low byte (``_ramp``): a byte's distance from its word's end, modulo 256.
_RAMP = np.zeros(0, dtype=np.uint8)


def _ramp(size: int) -> np.ndarray:
    """``np.arange(size) % 256`` as bytes (kept up to 16 MiB, grown when a longer one is asked for)."""
    global _RAMP
    if len(_RAMP) < size:
        ramp = np.tile(np.arange(256, dtype=np.uint8), -(-size // 256))
        _RAMP = ramp if len(ramp) <= 1 << 24 else _RAMP
        return ramp[:size]
    return _RAMP[:size]


def word_crcs(spaced: np.ndarray, data: bytes, begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The CRC-32 of each word's bytes (``zlib.crc32``), as uint32: ``spaced[begins[i]:ends[i]]`` is
    word i (``spaced``: ``data`` as uint8, before ``begins[0]`` none of a word; the words in order,
    none empty, none touching the next)."""
    size = len(spaced)
    # each byte's distance from the end of its word (modulo 256: a longer word is zlib's), as the
    # high byte of its entry in _SHARES; the low byte is the byte itself (what lies between two
    # words is in neither's XOR, whatever its entries)
    last = np.zeros(len(ends) + 1, dtype=np.uint8)
    last[1:] = (ends - 1) & 0xFF
    reach = np.empty(len(begins) + 1, dtype=np.int64)  # each word and the spaces after it
    reach[0] = begins[0]
    reach[1:-1] = begins[1:] - begins[:-1]
    reach[-1] = size - begins[-1]
    distance = np.repeat(last, reach)
    distance -= _ramp(size)
    entry = distance.astype(np.uint16)
    entry <<= 8
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
