"""Answer-format drift: the dominant shape of the answers, its share, and each answer that deviates.

An answer deviates when its shape (:mod:`ftlab.dataset.quality.shapes`) is not the commonest
one, or, in that shape, when one of its values is cased or ends differently from at least
``STYLE_SHARE`` of the same values (judged once ``MIN_ANSWERS`` answers have that shape). What
is kept per answer: its line, its index, an interned shape and an interned tuple of values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ftlab.dataset.quality.results import FORMAT_DRIFT, QualityWarning
from ftlab.dataset.quality.shapes import TEXT, Shape, Style, Value, answer_shape, difference, quoted
from ftlab.dataset.wording import printable

#: A style (casing, end punctuation) is the rule for a value once this share of answers follow it.
STYLE_SHARE = 0.8
#: Styles are judged only when at least this many answers have the dominant shape.
MIN_ANSWERS = 5


class Answer(NamedTuple):
    """One assistant answer: its line, its position among the example's answers, shape and values."""

    line: int
    number: int
    of: int
    shape: Shape
    values: tuple[Value, ...]

    def name(self) -> str:
        """ "Line 4's answer", or "Line 4's answer 2 (of 3)" in a conversation."""
        return f"Line {self.line}'s answer" + (f" {self.number} (of {self.of})" if self.of > 1 else "")


@dataclass
class FormatDrift:
    """Collects the answers (``add``), then finds the dominant shape and the answers that deviate."""

    answers: list[Answer] = field(default_factory=list)
    _shapes: dict[Shape, Shape] = field(default_factory=dict)
    _values: dict[tuple[Value, ...], tuple[Value, ...]] = field(default_factory=dict)

    def add(self, line: int, texts: tuple[str, ...]) -> None:
        if not all(text and not text.isspace() for text in texts):  # a ChatExample's answers all are
            texts = tuple(text for text in texts if text and not text.isspace())
        self.add_batch([line], [texts])

    def add_batch(self, lines: Sequence[int], answers: Sequence[tuple[str, ...]]) -> None:
        """``add`` for examples whose answers all have a word (a ``chat_parts``'s answers)."""
        shapes, kept, append = self._shapes.setdefault, self._values.setdefault, self.answers.append
        new = tuple.__new__  # an Answer made as a tuple is (NamedTuple's own __new__ is Python code)
        for line, texts in zip(lines, answers, strict=True):
            for index, text in enumerate(texts, start=1):
                shape, values = answer_shape(text)
                if shape.kind != TEXT:  # a text answer's shape and values are interned already
                    shape = shapes(shape, shape)
                    values = kept(values, values)
                append(new(Answer, (line, index, len(texts), shape, values)))

    def dominant(self) -> tuple[Shape | None, float]:
        """The commonest shape and the share of answers in it (None and 1.0 when there are none)."""
        if not self.answers:
            return None, 1.0
        shape, count = Counter(answer.shape for answer in self.answers).most_common(1)[0]
        return shape, count / len(self.answers)

    def warnings(self) -> list[QualityWarning]:
        usual, share = self.dominant()
        if usual is None or len(self.answers) < 2:
            return []
        in_shape = [answer for answer in self.answers if answer.shape == usual]
        rules = _style_rules(usual, in_shape)
        found = []
        said: dict[tuple[int, int], str] = {}  # how an answer deviates depends on its shape and values only
        for answer in self.answers:
            key = (id(answer.shape), id(answer.values))  # interned: most answers share a few
            how = said.get(key)
            if how is None:
                how = said[key] = _deviation(answer, usual, rules, share, len(self.answers))
            if how:
                found.append(
                    QualityWarning(FORMAT_DRIFT, (answer.line,), f"{answer.name().capitalize()} {how}")
                )
        return found


@dataclass(frozen=True)
class _Rule:
    """The usual casing and end of one value of the dominant shape, and how many follow each."""

    casing: str
    casing_count: int
    end: str
    end_count: int
    total: int


def _style_rules(usual: Shape, in_shape: list[Answer]) -> dict[int, _Rule]:
    if len(in_shape) < MIN_ANSWERS:
        return {}
    rules = {}
    for position in range(len(in_shape[0].values)):
        styles = [answer.values[position].style for answer in in_shape if position < len(answer.values)]
        casing, casing_count = Counter(s.casing for s in styles).most_common(1)[0]
        end, end_count = Counter(s.end for s in styles).most_common(1)[0]
        rules[position] = _Rule(casing, casing_count, end, end_count, len(styles))
    return rules


def _deviation(answer: Answer, usual: Shape, rules: dict[int, _Rule], share: float, total: int) -> str:
    if answer.shape != usual:
        count = round(share * total)
        return (
            f"{difference(answer.shape, usual)}, unlike the file's usual shape {quoted(usual)} "
            f"({count} of the {total} answers have it)"
        )
    parts = []
    for position, value in enumerate(answer.values):
        rule = rules.get(position)
        if rule is not None:
            parts += _style_parts(usual.field_name(position), value, rule)
    return f"drifts from the usual style: {'; '.join(parts)}" if parts else ""


def _style_parts(name: str, value: Value, rule: _Rule) -> list[str]:
    quoted = f" '{printable(value.text)}'" if value.text is not None else ""
    subject = f"its {name}{quoted}" if name != "answer" else "the answer"
    parts = []
    usual = Style(rule.casing, rule.end)
    if value.style.casing != rule.casing and rule.casing_count >= STYLE_SHARE * rule.total:
        parts.append(
            f"{subject} {value.style.casing_words()} where {rule.casing_count} of {rule.total} "
            f"{usual.casing_words(plural=True)}"
        )
    if value.style.end != rule.end and rule.end_count >= STYLE_SHARE * rule.total:
        parts.append(
            f"{subject} {value.style.end_words()} where {rule.end_count} of {rule.total} "
            f"{usual.end_words(plural=True)}"
        )
    return parts
