"""What secrets a batch of texts may hold, found at once in their joined UTF-8 bytes.

``secrets.findings`` runs its regular expressions on a text only for the kinds :func:`secret_hints`
says it may hold: most texts hold none, and a few passes over a whole batch say which. Runs of
characters (of a key's, of a phone number's) are found by doubling: a position starts a run of
2, 4, 8 … such characters when it and the position 1, 2, 4 … after it start half as long a run.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from ftlab.dataset.quality.secrets import (
    EMAILS,
    KEY_CHARS,
    KEY_RUN,
    KEYS,
    PHONE_DIGITS,
    PHONE_MAX,
    PHONES,
    PRIVATE_HINT,
    SLACK_HINT,
    SLACK_RUN,
    US_DIGITS,
    phone_hint,
)

#: The texts of a batch are joined by this character (where a text holds it, it is found apart).
_SEPARATOR = "\x1c"
_SEPARATOR_BYTE = 0x1C
_PRIVATE, _SLACK = PRIVATE_HINT.encode(), SLACK_HINT.encode()
#: Each byte as 1 when it is one of a key's characters, else 0 (``translate`` makes a bool array's bytes).
_KEY_FLAGS = bytes(int(chr(byte) in KEY_CHARS) for byte in range(256))
#: Each byte as 2 when it is a digit, 1 when it separates a phone number's digits (`` .()-``), else 0.
_PHONE_CLASSES = bytes(2 if 48 <= byte <= 57 else int(byte in b" .()-") for byte in range(256))
#: The characters ``phone_hint`` looks at before a run, and as many UTF-8 bytes as they can take.
_BEFORE = 32
_BEFORE_BYTES = 4 * _BEFORE + 4


def secret_hints(texts: Sequence[str], data: bytes = b"", *, cut: int | None = None) -> list[int]:
    """What each text may hold of what ``secrets.findings`` finds, as its bits (0: nothing): keys
    when it has a key's hint, e-mail addresses when it has an "@", phone numbers when it has a
    run of digits, spaces, dots, brackets and dashes with ``PHONE_DIGITS`` digits that may be one.
    ``findings(text, hint)`` finds what ``findings(text)`` does. ``data``: the texts in UTF-8, each
    after a separator and one after the last, none holding one, when made already. From index
    ``cut`` on, each text is the end of a longer one (after a line break): its possible phone
    numbers are judged without what is before it in that text (a maybe when it counts)."""
    if data:
        starts = (np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _SEPARATOR_BYTE) + 1).tolist()
    else:
        data, starts = _with_starts(texts)
    result = [0] * len(texts)
    for index in _holding(data, b"@", starts):
        result[index] |= EMAILS
    for index in _key_texts(data, starts):
        result[index] |= KEYS
    for index in _phone_texts(data, starts, len(texts) if cut is None else cut):
        result[index] |= PHONES
    return result


def example_hints(hints: Sequence[int], answers: Sequence[tuple[str, ...]]) -> list[int]:
    """The hints of each example's text (``secrets.text_of``: its input and answers, a line break
    between two) from ``secret_hints`` of its input and answers apart: each input's hint, then
    each answer's, in order (``cut`` at the first answer)."""
    result = list(hints[: len(answers)])
    found = [index for index in range(len(answers), len(hints)) if hints[index]]
    if found:  # a few answers: whose example each is
        ends = list(accumulate(map(len, answers)))
        for index in found:
            result[bisect.bisect_right(ends, index - len(answers))] |= hints[index]
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


def runs(flags: np.ndarray, length: int) -> np.ndarray:
    """For each position of ``flags`` (bools) that has ``length`` after it, whether they all are true."""
    if len(flags) < length:
        return np.zeros(0, dtype=bool)
    run, span = flags, 1
    while span * 2 <= length:
        run = run[:-span] & run[span:]  # a run of 2 * span: one of span, and one span further
        span *= 2
    if span < length:  # two runs of span that overlap
        run = run[: len(run) - (length - span)] & run[length - span :]
    return run


def _texts_at(flags: np.ndarray, starts: list[int]) -> list[int]:
    """The indexes of the texts that hold a true flag (``flags[i]``: about byte i of the joined
    texts), each once, in order; a run of true flags is looked at by its first only."""
    heads = np.flatnonzero(flags[1:] > flags[:-1]) + 1  # each run's first (the first byte is a separator)
    at = np.searchsorted(np.array(starts), heads, side="right") - 1
    return np.unique(at).tolist()


def _key_texts(data: bytes, starts: list[int]) -> list[int]:
    """The indexes of the texts with ``KEY_RUN`` key characters in a row, ``SLACK_RUN`` of them that
    begin with ``SLACK_HINT``, or ``PRIVATE_HINT`` (``data`` and ``starts`` as ``_holding`` has them)."""
    slack = runs(np.frombuffer(data.translate(_KEY_FLAGS), dtype=bool), SLACK_RUN)
    raw = np.frombuffer(data, dtype=np.uint8)
    keyed = slack.copy()
    for at, byte in enumerate(_SLACK):  # a run of SLACK_RUN that begins with SLACK_HINT
        keyed &= raw[at : len(slack) + at] == byte
    longer = KEY_RUN - SLACK_RUN
    if len(slack) > longer:
        keyed[: len(slack) - longer] |= slack[:-longer] & slack[longer:]  # or a run of KEY_RUN
    return sorted(set(_texts_at(keyed, starts)).union(_holding(data, _PRIVATE, starts)))


def _phone_texts(data: bytes, starts: list[int], cut: int) -> list[int]:
    """The indexes of the texts with a run of digits, spaces, dots, brackets and dashes that may be a
    phone number by ``secrets.phone_hint`` (each run whole, from its first digit to its end; ``data``
    and ``starts`` as ``_holding`` has them, the texts apart by a separator; from text ``cut`` on,
    a run with fewer than ``_BEFORE`` characters before it in its text may be one whatever they say)."""
    classes = np.frombuffer(data.translate(_PHONE_CLASSES), dtype=np.uint8)
    long = np.flatnonzero(runs(classes != 0, PHONE_DIGITS))
    if not len(long):
        return []
    # the runs of PHONE_DIGITS phone characters or more: from the first position of each group of
    # consecutive positions in ``long`` to PHONE_DIGITS past the last; their digits counted
    heads = long[np.diff(long, prepend=-2) != 1]
    sizes = long[np.diff(long, append=len(data)) != 1] + PHONE_DIGITS - heads
    offsets = np.cumsum(sizes) - sizes
    inside = np.repeat(heads - offsets, sizes) + np.arange(int(sizes.sum()))
    digits = classes[inside] == 2
    counts = np.add.reduceat(digits, offsets, dtype=np.int64)
    maybe = (counts >= PHONE_DIGITS) & (counts <= PHONE_MAX)  # phone_hint's first test, at once
    if not maybe.any():
        return []
    at_digits = np.flatnonzero(digits)
    firsts = inside[at_digits[np.searchsorted(at_digits, offsets[maybe])]]  # each run's first digit
    counts = counts[maybe]
    plus = np.frombuffer(data, dtype=np.uint8)[firsts - 1] == 43  # a "+" (before a text: a separator)
    texts = np.searchsorted(np.array(starts), firsts, side="right") - 1
    sure = plus | (counts == US_DIGITS)  # phone_hint's second test, at once: what is before is not read
    found = set(texts[sure].tolist())
    rest = zip(firsts[~sure].tolist(), counts[~sure].tolist(), texts[~sure].tolist(), strict=True)
    for first, count, index in rest:
        if index in found:
            continue
        before = _before(data, starts[index], first)
        if phone_hint(count, False, before) or (index >= cut and len(before) < _BEFORE):
            found.add(index)
    return sorted(found)


def _before(data: bytes, start: int, first: int) -> str:
    """The ``_BEFORE`` characters before byte ``first`` of the text at ``start`` in ``data`` (fewer
    when it begins nearer), decoded from no more bytes than they can take."""
    low = max(start, first - _BEFORE_BYTES)
    while low > start and 0x80 <= data[low] < 0xC0:  # in the middle of a character
        low += 1
    return data[low:first].decode("utf-8", "surrogatepass")[-_BEFORE:]
