"""Exact duplicates: the same example more than once, ignoring whitespace and case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ftlab.dataset.quality.examples import ChatExample
from ftlab.dataset.quality.lines import line_list
from ftlab.dataset.quality.results import DUPLICATE, QualityWarning


@dataclass
class ExactDuplicates:
    """Groups examples by the digest of their normalised messages: a digest and a line each, and a
    list only for a digest seen twice."""

    first: dict[int, int] = field(default_factory=dict)
    repeats: dict[int, list[int]] = field(default_factory=dict)

    def add(self, example: ChatExample) -> None:
        self.add_batch([example.line], [example.key])

    def add_batch(self, lines: Sequence[int], keys: Sequence[int]) -> None:
        """Note examples by their lines and digests (``lines[i]`` has ``keys[i]``)."""
        first, repeats = self.first.setdefault, self.repeats
        for line, key in zip(lines, keys, strict=True):
            seen = first(key, line)
            if seen != line:
                repeats.setdefault(key, [seen]).append(line)

    def lines_of(self, key: int) -> list[int]:
        """The lines of the examples with this digest (empty when none)."""
        return self.repeats.get(key) or ([self.first[key]] if key in self.first else [])

    def warnings(self) -> list[QualityWarning]:
        found = []
        for lines in self.repeats.values():
            if len(lines) > 1:
                found.append(
                    QualityWarning(
                        DUPLICATE,
                        tuple(lines),
                        f"{line_list(lines).capitalize()} are the same example (ignoring whitespace and "
                        f"case): keep line {lines[0]} and delete {line_list(lines[1:])}; a duplicate is "
                        "trained on again and weighs more than the rest",
                    )
                )
        return found
