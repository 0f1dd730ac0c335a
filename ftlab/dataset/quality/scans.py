"""What secrets a batch of texts may hold, found at once in their joined UTF-8 bytes.

``secrets.findings`` runs its regular expressions on a text only for the kinds :func:`secret_hints`
says it may hold: most texts hold none, and a few byte searches over a whole batch say which.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from itertools import accumulate, chain

import numpy as np

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

#: The texts of a batch are joined by this character (where a text holds it, it is found apart).
_SEPARATOR = "\x1c"
_SEPARATOR_BYTE = 0x1C
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
