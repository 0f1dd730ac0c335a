"""The inputs of a batch of examples normalised at once, in numpy: each one's digest and signature.

What :func:`~ftlab.dataset.quality.normalize.normalized_words`, the digest of the words joined
and :func:`~ftlab.dataset.quality.minhash.word_hashes` do text by text and word by word in Python,
done for a batch of texts by a few numpy operations on their UTF-8 bytes, with the same results:
the same words (what ``str.split`` separates), the same digest of each normalised text's UTF-8
bytes, and the same CRC-32 of each word, computed from a table of each byte's share in it (CRC-32
is linear: a word's CRC is the XOR of its bytes' shares, by their distance from its end, and the
CRC of as many zero bytes). Imported only past ``similarity.EXACT_LIMIT`` examples, like numpy.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Sequence
from itertools import accumulate, chain

import numpy as np

from ftlab.dataset.quality import minhash
from ftlab.dataset.quality.normalize import digest, folded
from ftlab.dataset.quality.secrets import (
    EMAILS,
    KEY_CHARS,
    KEY_HINTS,
    KEY_RUN,
    KEYS,
    PHONE_DIGITS,
    PHONES,
    phone_hint,
)

#: Words longer than this many bytes are hashed one by one by zlib (the table covers shorter ones).
LONG_WORD = 64


def _whitespace() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ASCII bytes ``str.split`` splits at (a table of 256), and the UTF-8 codes of the other
    characters it splits at, as integers: those of two bytes, and those of three."""
    table = np.zeros(256, dtype=bool)
    two: list[int] = []
    three: list[int] = []
    for code in range(0x3001):  # U+3000 is the last whitespace character
        char = chr(code)
        if char.isspace():
            if char.isascii():
                table[code] = True
            else:
                encoded = char.encode()
                (two if len(encoded) == 2 else three).append(int.from_bytes(encoded, "big"))
    return table, np.array(two, dtype=np.uint32), np.array(three, dtype=np.uint32)


def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """Each byte's share in a word's CRC-32 by its distance from the end (row ``distance * 256 +
    byte``), and the CRC-32 of ``n`` zero bytes, for words up to ``LONG_WORD`` bytes."""
    zeros = np.array([zlib.crc32(bytes(n)) for n in range(LONG_WORD + 1)], dtype=np.uint32)
    shares = np.array(
        [
            zlib.crc32(bytes([byte]) + bytes(distance)) ^ int(zeros[distance + 1])
            for distance in range(LONG_WORD)
            for byte in range(256)
        ],
        dtype=np.uint32,
    )
    return shares, zeros


_SPACE, _SPACE2, _SPACE3 = _whitespace()
#: The non-ASCII whitespace characters a folded text can hold (NFKC makes the others a space), in UTF-8.
_FOLDED_SPACES = tuple(
    {folded(char).encode() for char in map(chr, range(0x3001)) if char.isspace() and not char.isascii()}
    - {b" "}
)
#: The same as characters, as the folded text holds them.
_FOLDED_SPACE_CHARS = tuple(found.decode() for found in _FOLDED_SPACES)
#: Each byte as 1 when ``str.split`` splits at it (ASCII), else 0: ``translate`` makes a bool array's bytes.
_SPACE_BYTES = bytes(int(_SPACE[byte]) for byte in range(256))
_TO_SPACE = bytes(32 if _SPACE[byte] else byte for byte in range(256))
_ASCII_SPACES = bytes(byte for byte in range(128) if _SPACE[byte])
_SHARES, _ZEROS = _crc_tables()
_EMPTY = digest(b"")
_KEY_HINTS = tuple(hint.encode() for hint in KEY_HINTS)
#: Each byte of a key's characters as "a", any other as " ": a key is a run of ``KEY_RUN`` "a"s.
_KEY_BYTES = bytes(97 if chr(byte) in KEY_CHARS else 32 for byte in range(256))
_KEY_RUN = b"a" * KEY_RUN
#: What secrets' phone pattern matches runs of: digits and these separators.
_SEPARATORS = b" .()-"
#: Each digit as "0", each separator as " " and any other byte as "x" (translate then drop the
#: spaces: much quicker than a translate that deletes).
_DIGITS_ONLY = bytes(48 if 48 <= byte <= 57 else 32 if byte in _SEPARATORS else 120 for byte in range(256))
_NINE_DIGITS = b"0" * PHONE_DIGITS
#: A run of phone characters with ``PHONE_DIGITS`` digits or more, from its first digit on; the rest of it.
_RUN_START = re.compile(rf"[0-9](?:[ .()\-]*[0-9]){{{PHONE_DIGITS - 1}}}")
_RUN_REST = re.compile(r"[0-9 .()\-]*")
_NO_DIGITS = dict.fromkeys(map(ord, "0123456789"))


def prompt_digests(texts: Sequence[str]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """For each text, the digest of its normalised text's UTF-8 bytes (what ``ChatExample`` keeps
    as ``prompt_key``) and its number of words; and the MinHash signature of each text that has words."""
    folds = [folded(text) for text in texts]
    encoded = [text.encode("utf-8", "surrogatepass") for text in folds]
    data = b" " + b" ".join(encoded) + b"   "  # a space before, between and after the texts
    raw = np.frombuffer(data, dtype=np.uint8)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    starts = np.cumsum(lengths + 1) - lengths
    space = np.frombuffer(data.translate(_SPACE_BYTES), dtype=bool)
    other = not data.isascii() and _other_spaces("".join(folds))
    if other:
        space = space.copy()
        _mark_other_spaces(raw, space)
    word = ~space
    begins = np.flatnonzero(word[1:] & space[:-1]) + 1
    ends = np.flatnonzero(word[:-1] & space[1:]) + 1
    counts = np.bincount(np.searchsorted(starts, begins, side="right") - 1, minlength=len(texts))
    spaced = np.frombuffer(data.translate(_TO_SPACE), np.uint8) if not other else np.where(space, 32, raw)
    keys = _digests(spaced, word, ends - begins, counts)
    if not len(begins):
        return keys, counts, np.zeros((0, minhash.NUM_PERM), dtype=np.uint32)
    # every byte of every word, in order: the ASCII whitespace dropped (or every byte marked)
    letters = raw[word] if other else np.frombuffer(data.translate(None, _ASCII_SPACES), dtype=np.uint8)
    hashes = _word_crcs(letters, data, begins, ends)
    return keys, counts, minhash.word_signatures(hashes, counts[counts > 0])


def _other_spaces(text: str) -> bool:
    """Whether a folded text holds a non-ASCII whitespace character (one of the four NFKC keeps)."""
    return any(char in text for char in _FOLDED_SPACE_CHARS)


def _mark_other_spaces(raw: np.ndarray, space: np.ndarray) -> None:
    """Mark the bytes of the non-ASCII whitespace characters (their UTF-8 starts with C2, E1-E3)."""
    leads = np.flatnonzero((raw == 0xC2) | ((raw >= 0xE1) & (raw <= 0xE3)))
    leads = leads[leads < len(raw) - 2]
    if not len(leads):
        return
    code = (raw[leads].astype(np.uint32) << 16) | (raw[leads + 1].astype(np.uint32) << 8) | raw[leads + 2]
    two = leads[np.isin(code >> 8, _SPACE2)]
    three = leads[np.isin(code, _SPACE3)]
    for found, size in ((two, 2), (three, 3)):
        for offset in range(size):
            space[found + offset] = True


def _digests(spaced: np.ndarray, word: np.ndarray, sizes: np.ndarray, counts: np.ndarray) -> list[int]:
    """The digest of each text's words joined by one space, in UTF-8 (``spaced``: the batch's bytes
    with every whitespace byte a space; ``sizes``: each word's size in bytes)."""
    keep = word.copy()
    keep[1:] |= word[:-1]  # every byte of a word, and the one after it (a space)
    collapsed = spaced[keep].tobytes()  # each word and one space, word after word
    room = sizes + 1
    at = np.cumsum(room) - room  # where each word begins in collapsed
    has = np.flatnonzero(counts)
    last = (np.cumsum(counts) - 1)[has]
    lows = at[last - counts[has] + 1].tolist()
    highs = (at[last] + sizes[last]).tolist()
    keys = [_EMPTY] * len(counts)
    for index, low, high in zip(has.tolist(), lows, highs, strict=True):
        keys[index] = digest(collapsed[low:high])
    return keys


def _word_crcs(letters: np.ndarray, data: bytes, begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The CRC-32 of each word's bytes (``zlib.crc32``), as uint64: ``data[begins[i]:ends[i]]`` is
    word i, and ``letters`` every byte of every word, in order (uint8)."""
    sizes = ends - begins
    offsets = np.cumsum(sizes) - sizes
    # each byte's distance from its word's end: the word's last position in letters, less its own
    distance = np.repeat((offsets + sizes - 1).astype(np.int32), sizes)  # int32: half the traffic
    distance -= np.arange(len(letters), dtype=np.int32)
    np.minimum(distance, LONG_WORD - 1, out=distance)
    distance <<= 8
    distance |= letters  # the row of _SHARES: distance * 256 + byte
    running = np.bitwise_xor.accumulate(_SHARES.take(distance))  # quicker than reduceat
    crcs = running[offsets + sizes - 1]
    crcs[1:] ^= running[offsets[1:] - 1]  # each word's XOR: the running XOR less the words before
    crcs ^= _ZEROS.take(np.minimum(sizes, LONG_WORD))
    for index in np.flatnonzero(sizes > LONG_WORD).tolist():
        crcs[index] = zlib.crc32(data[begins[index] : ends[index]])
    return crcs.astype(np.uint64)


def secret_hints(texts: Sequence[str]) -> list[int]:
    """What each text may hold of what ``secrets.findings`` finds, as its bits (0: nothing): keys
    when it has a key's hint, e-mail addresses when it has an "@", phone numbers when it has a
    run of digits, spaces, dots, brackets and dashes with ``PHONE_DIGITS`` digits that may be one.
    ``findings(text, hint)`` finds what ``findings(text)`` does."""
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    data = b"\n" + b"\n".join(encoded) + b"\n"
    starts = [1, *accumulate(len(raw) + 1 for raw in encoded)]  # where each text begins in data
    result = [0] * len(texts)
    for index in _holding(data, b"@", starts):
        result[index] |= EMAILS
    keyed = [_holding(data, hint, starts) for hint in _KEY_HINTS]
    keyed.append(_holding(data.translate(_KEY_BYTES), _KEY_RUN, starts))
    for index in chain.from_iterable(keyed):
        result[index] |= KEYS
    for index, raw in enumerate(encoded):
        # its digits once the separators are dropped and every other byte is an "x": a run with
        # PHONE_DIGITS digits in a row is a run of phone characters with that many digits
        if _NINE_DIGITS in raw.translate(_DIGITS_ONLY).replace(b" ", b"") and _may_be_phone(texts[index]):
            result[index] |= PHONES
    return result


def _holding(data: bytes, needle: bytes, starts: list[int]) -> list[int]:
    """The indexes of the texts that hold ``needle`` (``starts``: where each text begins in ``data``,
    one byte after the previous one ends; ``needle`` cannot span two texts)."""
    found = []
    at = data.find(needle)
    while at >= 0:
        index = bisect.bisect_right(starts, at) - 1
        found.append(index)
        if index + 1 >= len(starts):
            break
        at = data.find(needle, starts[index + 1])
    return found


def _may_be_phone(text: str) -> bool:
    """Whether a run of digits and separators in ``text`` may be a phone number, by
    ``secrets.phone_hint`` (each run whole, from its first digit to its last separator)."""
    at = _RUN_START.search(text)
    while at is not None:
        first = at.start()
        end = _RUN_REST.match(text, at.end()).end()  # type: ignore[union-attr]  # matches ""
        run = text[first:end]
        digits = len(run) - len(run.translate(_NO_DIGITS))
        plus = first > 0 and text[first - 1] == "+"
        if phone_hint(digits, plus, text[max(0, first - 32) : first]):
            return True
        at = _RUN_START.search(text, end)
    return False
