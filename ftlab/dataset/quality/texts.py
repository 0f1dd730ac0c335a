"""The inputs of a batch of examples normalised at once, in numpy: each one's digest and signature.

What :func:`~ftlab.dataset.quality.normalize.normalized_words`, the digest of the words joined
and :func:`~ftlab.dataset.quality.minhash.word_hashes` do text by text and word by word in Python,
done for a batch of texts joined into one string (folded once, encoded once) by a few passes over
its UTF-8 bytes, with the same results: the same words (what ``str.split`` separates), the same
digest of each normalised text's UTF-8 bytes, and the same CRC-32 of each word, computed from a
table of each byte's share in it (CRC-32 is linear: a word's CRC is the XOR of its bytes' shares,
by their distance from its end, and the CRC of as many zero bytes). Imported only past
``similarity.EXACT_LIMIT`` examples, like numpy.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
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

#: Words longer than this many bytes are hashed one by one by zlib (the table covers shorter ones:
#: a byte's distance from its word's end is one byte, 0 to 255).
LONG_WORD = 256
#: The texts of a batch are joined by this character: whitespace (so it ends a word), kept as it is
#: by NFKC and case folding, and made by neither from any other character; where a text holds it,
#: it is a space first (the same words, the same normalised text).
_SEPARATOR = "\x1c"
_SEPARATOR_BYTE = 0x1C


def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """Each byte's share in a word's CRC-32 by its distance from the end (entry ``distance * 256 +
    byte``; 0 for a space and the separator, which no word holds), and the CRC-32 of ``n`` zero
    bytes, for words up to ``LONG_WORD`` bytes."""
    zeros = [zlib.crc32(bytes(n)) for n in range(LONG_WORD + 1)]
    shares = np.array(
        [
            zlib.crc32(bytes([byte]) + bytes(distance)) ^ zeros[distance + 1]
            for distance in range(LONG_WORD)
            for byte in range(256)
        ],
        dtype=np.uint32,
    ).reshape(LONG_WORD, 256)
    shares[:, [32, _SEPARATOR_BYTE]] = 0
    return shares.reshape(-1), np.array(zeros, dtype=np.uint32)


#: The ASCII bytes ``str.split`` splits at.
_ASCII_SPACES = frozenset(byte for byte in range(128) if chr(byte).isspace())
#: The non-ASCII whitespace characters a folded text can hold (NFKC makes the others a space).
_FOLDED_SPACE_CHARS = tuple(
    {folded(char) for char in map(chr, range(0x3001)) if char.isspace() and not char.isascii()} - {" "}
)
#: Each byte as 1 when ``str.split`` splits at it (ASCII), else 0: ``translate`` makes a bool array's bytes.
_SPACE_BYTES = bytes(int(byte in _ASCII_SPACES) for byte in range(256))
#: Each whitespace byte as a space, but the separator; any other byte as it is.
_TO_SPACE = bytes(32 if byte in _ASCII_SPACES and byte != _SEPARATOR_BYTE else byte for byte in range(256))
_SHARES, _ZEROS = _crc_tables()
#: Characters past U+FFFF (a pair of UTF-16 surrogates) and lone surrogates.
_ASTRAL = re.compile("[\U00010000-\U0010ffff\ud800-\udfff]")
#: What non-ASCII characters become in a folded text (``_folds``); past this many that change in
#: one batch, the batch is case-folded whole.
_FOLDS: dict[str, bytes | None] = {}
_MOST_CHANGES = 16
#: Each position's low byte (``_ramp``): a byte's distance from its word's end, modulo 256.
_RAMP = np.zeros(0, dtype=np.uint8)
_KEY_HINTS = tuple(hint.encode() for hint in KEY_HINTS)
#: Each byte of a key's characters as "a", any other as " ": a key is a run of ``KEY_RUN`` "a"s.
_KEY_BYTES = bytes(97 if chr(byte) in KEY_CHARS else 32 for byte in range(256))
_KEY_RUN = b"a" * KEY_RUN
#: Each digit as "0", each separator of a phone number (`` .()-``) as " ", any other byte as "x".
_PHONE_BYTES = bytes(48 if 48 <= byte <= 57 else 32 if byte in b" .()-" else 120 for byte in range(256))
#: Each of those characters as "0", any other byte as "x": a run of them is a run of "0"s.
_PHONE_CHARS = bytes(48 if 48 <= byte <= 57 or byte in b" .()-" else 120 for byte in range(256))
#: A run of phone characters long enough to hold ``PHONE_DIGITS`` digits.
_PHONE_RUN = b"0" * PHONE_DIGITS
#: The characters ``phone_hint`` looks at before a run, and as many UTF-8 bytes as they can take.
_BEFORE = 32
_BEFORE_BYTES = 4 * _BEFORE + 4


def prompt_digests(texts: Sequence[str]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """For each text, the digest of its normalised text's UTF-8 bytes (what ``ChatExample`` keeps
    as ``prompt_key``) and its number of words; and the MinHash signature of each text that has words."""
    if not texts:
        return [], np.zeros(0, dtype=np.int64), np.zeros((0, minhash.NUM_PERM), dtype=np.uint32)
    data = _joined(texts)
    space = np.frombuffer(data.translate(_SPACE_BYTES), dtype=bool)
    edges = np.flatnonzero(space[1:] != space[:-1]) + 1  # a space before and after every word
    begins, ends = edges[0::2], edges[1::2]
    spaced = data.translate(_TO_SPACE)
    spaced_array = np.frombuffer(spaced, dtype=np.uint8)
    bounds = np.flatnonzero(spaced_array == _SEPARATOR_BYTE)
    counts = np.diff(np.searchsorted(begins, bounds))  # the words between two separators
    keys = _digests(spaced, begins, ends, bounds)
    if not len(begins):
        return keys, counts, np.zeros((0, minhash.NUM_PERM), dtype=np.uint32)
    hashes = _word_crcs(spaced_array, data, begins, ends)
    return keys, counts, minhash.word_signatures(hashes, counts[counts > 0])


def answer_digests(texts: Sequence[str]) -> list[int]:
    """The digest of each text once normalised, in UTF-8: ``examples.answer_key`` of answers that
    end with it (of "" for an example without answers)."""
    if not texts:
        return []
    keys = []
    for text in _joined(texts).translate(_TO_SPACE)[1:-1].split(b"\x1c"):
        while b"  " in text:
            text = text.replace(b"  ", b" ")
        keys.append(digest(text.strip(b" ")))
    return keys


def _joined(texts: Sequence[str]) -> bytes:
    """The texts folded (``normalize.folded``) and joined by the separator, with one before and one
    after, in UTF-8; the folded text's non-ASCII whitespace is a space (the same words)."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator
        joined = _SEPARATOR.join(text.replace(_SEPARATOR, " ") for text in texts)
    if joined.isascii():
        return b"\x1c" + joined.lower().encode() + b"\x1c"
    # NFKC never joins a character to the separator; case folding is character by character
    return b"\x1c" + _casefolded(unicodedata.normalize("NFKC", joined)) + b"\x1c"


def _casefolded(text: str) -> bytes:
    """``text.casefold()`` in UTF-8, with the four non-ASCII spaces a space: the ASCII letters
    lowered in bytes, then each other character that folds (or is such a space) replaced, one
    ``bytes.replace`` per distinct character (most texts have none; ``str.casefold`` costs as
    much as all the rest of a batch's digests)."""
    data = text.encode("utf-8", "surrogatepass").lower()
    units = np.bincount(np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16))
    found = (np.flatnonzero(units[128:]) + 128).tolist()
    chars = [chr(code) for code in found if not 0xD800 <= code < 0xE000]
    if len(chars) < len(found):  # a character past U+FFFF (or a lone surrogate)
        chars += set(_ASTRAL.findall(text))
    changes = [(char, folds) for char in chars if (folds := _folds(char)) is not None]
    if len(changes) > _MOST_CHANGES:
        data = text.casefold().encode("utf-8", "surrogatepass")
        changes = [(char, folds) for char, folds in changes if char in _FOLDED_SPACE_CHARS]
    for char, folds in changes:
        data = data.replace(char.encode("utf-8", "surrogatepass"), folds)
    return data


def _folds(char: str) -> bytes | None:
    """What a non-ASCII character becomes in a folded text, in UTF-8 (None: itself; remembered)."""
    if char not in _FOLDS:
        folds = " " if char in _FOLDED_SPACE_CHARS else char.casefold()
        _FOLDS[char] = None if folds == char else folds.encode("utf-8", "surrogatepass")
    return _FOLDS[char]


def _digests(spaced: bytes, begins: np.ndarray, ends: np.ndarray, bounds: np.ndarray) -> list[int]:
    """The digest of each text's words joined by one space, in UTF-8 (``spaced``: the joined texts
    with every whitespace byte a space, but the separators at ``bounds``; its words at ``begins``
    to ``ends``)."""
    texts = spaced[1:-1].split(b"\x1c")
    wide = np.flatnonzero(begins[1:] - ends[:-1] > 1)  # two spaces or more after a word
    if len(wide):
        after = np.searchsorted(bounds, ends[wide])  # the text's index + 1
        inside = after == np.searchsorted(bounds, begins[wide + 1])  # not the end of a text
        for index in set((after[inside] - 1).tolist()):  # a few texts: looking at all costs more
            text = texts[index]
            while b"  " in text:
                text = text.replace(b"  ", b" ")
            texts[index] = text
    return [digest(text.strip(b" ")) for text in texts]


def _ramp(size: int) -> np.ndarray:
    """``np.arange(size) % 256`` as bytes (kept up to 16 MiB, grown when a longer one is asked for)."""
    global _RAMP
    if len(_RAMP) < size:
        ramp = np.tile(np.arange(256, dtype=np.uint8), -(-size // 256))
        _RAMP = ramp if len(ramp) <= 1 << 24 else _RAMP
        return ramp[:size]
    return _RAMP[:size]


def _word_crcs(spaced: np.ndarray, data: bytes, begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The CRC-32 of each word's bytes (``zlib.crc32``), as uint32: ``spaced[begins[i]:ends[i]]`` is
    word i (``spaced``: every whitespace byte a space or the separator, as uint8; ``data`` the same
    bytes as they were, before ``begins[0]`` none of a word)."""
    size = len(spaced)
    # each byte's distance from the end of its word (modulo 256: a longer word is zlib's), as the
    # high byte of its entry in _SHARES; the low byte is the byte itself (a space's share is 0)
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


def secret_hints(texts: Sequence[str]) -> list[int]:
    """What each text may hold of what ``secrets.findings`` finds, as its bits (0: nothing): keys
    when it has a key's hint, e-mail addresses when it has an "@", phone numbers when it has a
    run of digits, spaces, dots, brackets and dashes with ``PHONE_DIGITS`` digits that may be one.
    ``findings(text, hint)`` finds what ``findings(text)`` does."""
    data, starts = _with_starts(texts)
    result = [0] * len(texts)
    for index in _holding(data, b"@", starts):
        result[index] |= EMAILS
    keyed = [_holding(data, hint, starts) for hint in _KEY_HINTS]
    keyed.append(_holding(data.translate(_KEY_BYTES), _KEY_RUN, starts))
    for index in chain.from_iterable(keyed):
        result[index] |= KEYS
    for index in _phone_texts(data, starts):
        result[index] |= PHONES
    return result


def _with_starts(texts: Sequence[str]) -> tuple[bytes, list[int]]:
    """The texts in UTF-8, each after a separator (and one after the last), and where each begins."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) == len(texts) - 1:  # one encode, the separators found by numpy
        data = b"\x1c" + joined.encode("utf-8", "surrogatepass") + b"\x1c"
        starts = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _SEPARATOR_BYTE) + 1
        return data, starts.tolist()
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]  # a text holds a separator
    data = b"\x1c" + b"\x1c".join(encoded) + b"\x1c"
    return data, [1, *accumulate(len(raw) + 1 for raw in encoded)]


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


def _phone_texts(data: bytes, starts: list[int]) -> list[int]:
    """The indexes of the texts with a run of digits, spaces, dots, brackets and dashes that may be a
    phone number by ``secrets.phone_hint`` (each run whole, from its first digit to its end; ``data``
    and ``starts`` as ``_holding`` has them, the texts apart by a separator)."""
    runs = data.translate(_PHONE_CHARS)
    found = []
    at = runs.find(_PHONE_RUN)  # the start of a run of PHONE_DIGITS phone characters or more
    while at >= 0:
        end = runs.find(b"x", at)  # the run's end (data ends with a separator)
        digits = data[at:end].translate(_PHONE_BYTES)
        count = digits.count(b"0")
        if count >= PHONE_DIGITS:
            first = at + digits.index(b"0")
            index = bisect.bisect_right(starts, first) - 1
            plus = data[first - 1] == 43  # a "+" (before a text is a separator)
            if phone_hint(count, plus, _before(data, starts[index], first)):
                found.append(index)
                end = starts[index + 1]  # on to the next text
        at = runs.find(_PHONE_RUN, end)
    return found


def _before(data: bytes, start: int, first: int) -> str:
    """The ``_BEFORE`` characters before byte ``first`` of the text at ``start`` in ``data`` (fewer
    when it begins nearer), decoded from no more bytes than they can take."""
    low = max(start, first - _BEFORE_BYTES)
    while low > start and 0x80 <= data[low] < 0xC0:  # in the middle of a character
        low += 1
    return data[low:first].decode("utf-8", "surrogatepass")[-_BEFORE:]
