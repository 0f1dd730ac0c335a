"""Conflicting answers: the same or almost the same input, answered differently.

Inputs are the same when their system prompt and messages before the last answer are equal
once normalised; then any two different last answers conflict. Inputs are almost the same when
they are near-duplicates (:mod:`ftlab.dataset.quality.similarity`); then the answers conflict
when a label-like value (``Category``, ``Priority`` …) differs. Kept: two digests and a line per
example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ftlab.dataset.quality.drift import Answer
from ftlab.dataset.quality.examples import ChatExample
from ftlab.dataset.quality.lines import line_list
from ftlab.dataset.quality.results import CONFLICT, NEAR_DUPLICATE, QualityWarning
from ftlab.dataset.quality.similarity import THRESHOLD, NearPair
from ftlab.dataset.wording import printable

RULE = f"Jaccard similarity ≥ {THRESHOLD} over 3-word shingles"


@dataclass
class SameInputs:
    """Groups examples by input (``add``); ``warnings`` names the groups answered differently."""

    first: dict[int, tuple[int, int]] = field(default_factory=dict)
    groups: dict[int, dict[int, list[int]]] = field(default_factory=dict)

    def add(self, example: ChatExample) -> None:
        self.add_batch([example.line], [example.input_key], [example.answer_key])

    def add_batch(self, lines: Sequence[int], inputs: Sequence[int], answers: Sequence[int]) -> None:
        """Note examples by their lines, input digests and answer digests (the i-th of each)."""
        first, groups = self.first.setdefault, self.groups
        for line, key, answer in zip(lines, inputs, answers, strict=True):
            seen = first(key, (answer, line))
            if seen[1] != line:
                groups.setdefault(key, {seen[0]: [seen[1]]}).setdefault(answer, []).append(line)

    def lines_of(self, key: int) -> list[int]:
        """The lines of the examples with this input digest (empty when none)."""
        if key in self.groups:
            return sorted(line for group in self.groups[key].values() for line in group)
        return [self.first[key][1]] if key in self.first else []

    def warnings(self, last: Mapping[int, Answer], positions: Sequence[int]) -> list[QualityWarning]:
        found = []
        for answers in self.groups.values():
            if len(answers) < 2:
                continue
            lines = sorted(line for group in answers.values() for line in group)
            firsts = sorted(group[0] for group in answers.values())
            how = _label_difference(firsts, last, positions) or f"{len(answers)} different answers"
            found.append(
                QualityWarning(
                    CONFLICT,
                    tuple(lines),
                    f"{line_list(lines).capitalize()} have the same input but {how}: the model cannot "
                    "learn both; decide on one answer and use it everywhere",
                )
            )
        return found


def near_warnings(
    pairs: Sequence[NearPair], last: Mapping[int, Answer], positions: Sequence[int]
) -> list[QualityWarning]:
    """A conflict for each near-duplicate pair whose label-like values differ, a near-duplicate otherwise."""
    found = []
    for pair in pairs:
        lines = (pair.first, pair.second)
        how = _label_difference(list(lines), last, positions)
        similar = f"almost the same input (similarity {pair.similarity:.2f}; near-duplicates: {RULE})"
        if how:
            message = (
                f"Lines {pair.first} and {pair.second} have {similar} but {how}: if the inputs mean "
                "the same, the answers should agree"
            )
            found.append(QualityWarning(CONFLICT, lines, message))
        else:
            message = (
                f"Line {pair.second}'s input is almost the same as line {pair.first}'s (similarity "
                f"{pair.similarity:.2f}; near-duplicates: {RULE}): a near-copy teaches little new and "
                "weighs its answer twice; vary it or drop one"
            )
            found.append(QualityWarning(NEAR_DUPLICATE, lines, message))
    return found


def _label_difference(lines: Sequence[int], last: Mapping[int, Answer], positions: Sequence[int]) -> str:
    """ "different Category: 'billing' (line 4), 'account' (line 9)", or "" when the labels agree."""
    answers = [last.get(line) for line in lines]
    if any(a is None for a in answers) or len({a.shape for a in answers if a}) > 1:
        return ""
    parts = []
    for position in positions:
        values = [a.values[position] if a and position < len(a.values) else None for a in answers]
        labels = {v.label if v else None for v in values}
        if len(labels) > 1:
            named = ", ".join(
                f"'{printable(v.text) if v and v.text else '?'}' (line {line})"
                for v, line in zip(values, lines, strict=True)
            )
            shape = answers[0].shape if answers[0] else None
            name = shape.field_name(position) if shape else "label"
            parts.append(f"different {name}: {named}")
    return "; ".join(parts)
