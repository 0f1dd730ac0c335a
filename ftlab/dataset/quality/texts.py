"""The inputs of a batch of examples normalised at once, in numpy: each one's digest and signature.

What :func:`~ftlab.dataset.quality.normalize.normalized_words`, the digest of the words joined
and :func:`~ftlab.dataset.quality.minhash.word_hashes` do text by text and word by word in Python,
done for a batch of texts joined into one string (folded once, encoded once) by a few passes over
its UTF-8 bytes, with the same results: the same words (what ``str.split`` separates), the same
digest of each normalised text's UTF-8 bytes, and the same CRC-32 of each word
(:mod:`ftlab.dataset.quality.crc`). Imported only past ``similarity.EXACT_LIMIT`` examples, like numpy.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from ftlab.dataset.quality import minhash
from ftlab.dataset.quality.crc import word_crcs
from ftlab.dataset.quality.examples import NO_ANSWER
from ftlab.dataset.quality.normalize import digest, folded

#: The texts of a batch are joined by this character: whitespace (so it ends a word), kept as it is
#: by NFKC and case folding, and made by neither from any other character; where a text holds it,
#: it is a space first (the same words, the same normalised text).
_SEPARATOR = "\x1c"
_SEPARATOR_BYTE = 0x1C


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
#: Characters past U+FFFF (a pair of UTF-16 surrogates) and lone surrogates.
_ASTRAL = re.compile("[\U00010000-\U0010ffff\ud800-\udfff]")
#: What non-ASCII characters become in a folded text (``_folds``); past this many that change in
#: one batch, the batch is case-folded whole.
_FOLDS: dict[str, bytes | None] = {}
_MOST_CHANGES = 16
_STRIPPED = operator.methodcaller("strip", b" ")
#: Up to this many non-ASCII code units in a batch, their distinct values are found by sorting.
_MOST_SORTED = 4096


def prompt_digests(texts: Sequence[str], data: bytes = b"") -> tuple[list[int], np.ndarray, np.ndarray]:
    """For each text, the digest of its normalised text's UTF-8 bytes (what ``ChatExample`` keeps
    as ``prompt_key``) and its number of words; and the MinHash signature of each text that has words
    (``data``: the texts as ``encoded`` folds them, when made already)."""
    if not texts:
        return [], np.zeros(0, dtype=np.int64), np.zeros((0, minhash.NUM_PERM), dtype=np.uint32)
    data = data or _joined(texts)
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
    hashes = word_crcs(spaced_array, data, begins, ends)
    return keys, counts, minhash.word_signatures(hashes, counts[counts > 0])


def batch_digests(
    prompts: Sequence[str], answers: Sequence[tuple[str, ...]], said: Sequence[str]
) -> tuple[bytes, list[int], np.ndarray, np.ndarray, list[int]]:
    """For a batch of examples, by their inputs, answers and every answer in order (``said``): the
    inputs then ``said`` in UTF-8, each after a separator and one after the last (what
    ``scans.secret_hints`` scans), what ``prompt_digests`` gives the inputs, and the digest of
    each example's last answer (``examples.answer_key``); each text encoded and folded once."""
    raw_prompts, folded_prompts = encoded(prompts)
    keys, counts, signature = prompt_digests(prompts, folded_prompts)
    if not said:
        return b"\x1c" + raw_prompts + b"\x1c", keys, counts, signature, [NO_ANSWER] * len(prompts)
    raw_said, folded_said = encoded(said)
    every = answer_digests(said, folded_said)
    ends = accumulate(map(len, answers))  # each example's last answer's index + 1
    last = [every[end - 1] if given else NO_ANSWER for end, given in zip(ends, answers, strict=True)]
    return b"\x1c".join((b"", raw_prompts, raw_said, b"")), keys, counts, signature, last


def answer_digests(texts: Sequence[str], data: bytes = b"") -> list[int]:
    """The digest of each text once normalised, in UTF-8: ``examples.answer_key`` of answers that
    end with it (of "" for an example without answers; ``data`` as ``prompt_digests`` has it)."""
    if not texts:
        return []
    spaced = (data or _joined(texts)).translate(_TO_SPACE)
    found = spaced[1:-1].split(b"\x1c")
    if b"  " in spaced:  # a text with two spaces or more in a row (not most batches): collapsed
        found = list(map(_collapsed, found))
    return list(map(digest, map(_STRIPPED, found)))


def _collapsed(text: bytes) -> bytes:
    """``text`` with each run of spaces one space."""
    while b"  " in text:
        text = text.replace(b"  ", b" ")
    return text


def encoded(texts: Sequence[str]) -> tuple[bytes, bytes]:
    """The texts joined by the separator in UTF-8, as they are, and folded (``normalize.folded``)
    with one separator before and one after, the folded text's non-ASCII whitespace a space (the
    same words); where a text holds the separator, it is a line break in both (whitespace too)."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator
        joined = _SEPARATOR.join(text.replace(_SEPARATOR, "\n") for text in texts)
    raw = joined.encode("utf-8", "surrogatepass")
    if joined.isascii():
        return raw, b"\x1c" + raw.lower() + b"\x1c"
    # NFKC never joins a character to the separator; case folding is character by character
    normal = unicodedata.normalize("NFKC", joined)
    return raw, b"\x1c" + _casefolded(normal, raw if normal == joined else None) + b"\x1c"


def _joined(texts: Sequence[str]) -> bytes:
    """The texts folded and joined by the separator, with one before and one after (``encoded``)."""
    return encoded(texts)[1]


def _casefolded(text: str, raw: bytes | None = None) -> bytes:
    """``text.casefold()`` in UTF-8 (``raw``, when known already), with the four non-ASCII spaces a
    space: the ASCII letters lowered in bytes, then each other character that folds (or is such a
    space) replaced, one ``bytes.replace`` per distinct character (most texts have none;
    ``str.casefold`` costs as much as all the rest of a batch's digests)."""
    data = (raw if raw is not None else text.encode("utf-8", "surrogatepass")).lower()
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    found = _distinct(units[units >= 128]).tolist()
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


def _distinct(units: np.ndarray) -> np.ndarray:
    """The distinct values of ``units`` (UTF-16 code units), in order: by sorting a few (most
    batches hold a few non-ASCII characters), by counting many (a bincount costs its 64k bins)."""
    if len(units) > _MOST_SORTED:
        return np.flatnonzero(np.bincount(units))
    return np.unique(units)


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
