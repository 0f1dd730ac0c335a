"""The shape of one assistant answer: a line pattern, a JSON object or text; and its values' style.

A line pattern is two or more lines that each read ``Key: value`` (``Category: billing``); a
JSON object is described by its keys; anything else is text, on one line or several. Each value
(each line's value, each JSON string, or the whole text) also has a style: how it is cased and
how it ends.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

LINES, JSON, TEXT = "lines", "json", "text"
_KEY_LINE = re.compile(r"^\s*([A-Za-z][\w \-]{0,29}?)\s*:\s*(.*?)\s*$")
#: A value this short (in characters and words) can be a label; a longer one is free text.
LABEL_CHARS, LABEL_WORDS = 40, 3
_ENDS = {".": "a full stop", "!": "an exclamation mark", "?": "a question mark", "…": "an ellipsis"}


@dataclass(frozen=True)
class Shape:
    """An answer's shape: its kind (``LINES``, ``JSON`` or ``TEXT``) and its keys (or line count)."""

    kind: str
    keys: tuple[str, ...] = ()
    several_lines: bool = False
    _hash: int = field(init=False, repr=False, compare=False)

    def __eq__(self, other: object) -> bool:
        """Equal kinds and keys (shapes are interned: most comparisons are of the same object)."""
        if self is other:
            return True
        if not isinstance(other, Shape):
            return NotImplemented
        return (self.kind, self.keys, self.several_lines) == (other.kind, other.keys, other.several_lines)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.kind, self.keys, self.several_lines)))

    def __hash__(self) -> int:
        """Computed once: every answer's shape is counted."""
        return self._hash

    def describe(self) -> str:
        """ "Category: … / Priority: … / Summary: …", "a JSON object with keys a, b", "one line of text"."""
        if self.kind == LINES:
            return " / ".join(f"{key}: …" for key in self.keys)
        if self.kind == JSON:
            return f"a JSON object with keys {', '.join(self.keys)}" if self.keys else "an empty JSON object"
        return "text on several lines" if self.several_lines else "one line of text"

    def field_name(self, index: int) -> str:
        return self.keys[index] if self.kind != TEXT else "answer"


@dataclass(frozen=True)
class Style:
    """How a value is written: its casing (lower, capital, upper, none) and its end (".", "" …)."""

    casing: str
    end: str

    def casing_words(self, *, plural: bool = False) -> str:
        """ "starts in lower case" (or "start …" with ``plural``)."""
        singular, many = _CASINGS[self.casing]
        return many if plural else singular

    def end_words(self, *, plural: bool = False) -> str:
        """ "ends with a full stop" (or "end …" with ``plural``)."""
        if not self.end:
            return "have no end punctuation" if plural else "has no end punctuation"
        return f"{'end' if plural else 'ends'} with {_ENDS[self.end]}"


_CASINGS = {
    "lower": ("starts in lower case", "start in lower case"),
    "capital": ("starts with a capital letter", "start with a capital letter"),
    "upper": ("is in capitals", "are in capitals"),
    "none": ("has no cased letter", "have no cased letter"),
}


@dataclass(frozen=True)
class Value:
    """One value of an answer: its style, and its text when it is short enough to be a label."""

    style: Style
    text: str | None

    @property
    def label(self) -> str | None:
        """The text case-folded, as labels are counted and compared (None for a long value)."""
        return self.text.casefold() if self.text is not None else None


def answer_shape(text: str) -> tuple[Shape, tuple[Value, ...]]:
    """The shape of an answer and its values, in order."""
    stripped = text.strip()
    if stripped.startswith("{"):
        parsed = _json_object(stripped)
        if parsed is not None:
            return Shape(JSON, tuple(str(key) for key in parsed)), tuple(
                _value(item) if isinstance(item, str) else _value(json.dumps(item))
                for item in parsed.values()
            )
    lines = stripped.splitlines()
    if len(lines) <= 1:  # most answers: one line (or none)
        return _ONE_LINE, _text_values(stripped)
    lines = [line for line in lines if line.strip()]
    if len(lines) >= 2:
        matches = [_KEY_LINE.match(line) for line in lines]
        if all(matches):
            keys = tuple(m.group(1) for m in matches if m)
            return Shape(LINES, keys), tuple(_value(m.group(2)) for m in matches if m)
    return (_SEVERAL_LINES if len(lines) > 1 else _ONE_LINE), _text_values(stripped)


_ONE_LINE, _SEVERAL_LINES = Shape(TEXT), Shape(TEXT, several_lines=True)
#: The values of text answers, by their style and label: most answers share one of a few.
_TEXT_VALUES: dict[tuple[str, str, str | None], tuple[Value]] = {}


def _text_values(text: str) -> tuple[Value]:
    """``(_value(text),)``, the same tuple for every text of the same style and label."""
    found = _style_and_label(text)
    values = _TEXT_VALUES.get(found)
    if values is None:
        if len(_TEXT_VALUES) > 10_000:
            _TEXT_VALUES.clear()
        values = _TEXT_VALUES[found] = (Value(Style(found[0], found[1]), found[2]),)
    return values


def _json_object(text: str) -> dict[str, object] | None:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _value(text: str) -> Value:
    casing, end, label = _style_and_label(text)
    return Value(Style(casing, end), label)


def _style_and_label(text: str) -> tuple[str, str, str | None]:
    """A value's casing, end punctuation and, when it is short enough to be a label, its words."""
    text = text.strip()
    words = text.split(None, LABEL_WORDS)  # more than LABEL_WORDS words: no label, whatever its length
    short = " ".join(words) if len(words) <= LABEL_WORDS else None
    is_label = short is not None and len(short) <= LABEL_CHARS
    return _casing(text), text[-1] if text and text[-1] in _ENDS else "", short if is_label else None


def _casing(text: str) -> str:
    for first in text:
        if first.islower():
            return "lower"
        if first.isupper():
            return "upper" if text.isupper() and sum(c.isupper() for c in text) > 1 else "capital"
    return "none"


def difference(shape: Shape, usual: Shape) -> str:
    """How ``shape`` differs from the ``usual`` one, to follow a subject ("is one line of text")."""
    if shape.kind != usual.kind or shape.kind == TEXT:
        return f"is {_article(shape)}"
    folded = {key.casefold(): key for key in shape.keys}
    wanted = {key.casefold(): key for key in usual.keys}
    missing = [key for folded_key, key in wanted.items() if folded_key not in folded]
    extra = [key for folded_key, key in folded.items() if folded_key not in wanted]
    parts = []
    if missing:
        parts.append(f"lacks {', '.join(missing)}")
    if extra:
        parts.append(f"has {', '.join(extra)}, which the usual shape has not")
    recased = [f"'{folded[k]}' for '{key}'" for k, key in wanted.items() if k in folded and folded[k] != key]
    if recased:
        parts.append(f"writes {', '.join(recased)}")
    if not parts:
        parts.append(f"has its keys in another order ({', '.join(shape.keys)})")
    return " and ".join(parts)


def _article(shape: Shape) -> str:
    return f"the pattern {quoted(shape)}" if shape.kind == LINES else shape.describe()


def quoted(shape: Shape) -> str:
    """The shape's description, in backquotes when it is a line pattern."""
    return f"`{shape.describe()}`" if shape.kind == LINES else shape.describe()
