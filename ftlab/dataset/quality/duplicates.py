"""Exact duplicates: the same example more than once, ignoring whitespace and case."""

from __future__ import annotations

from dataclasses import dataclass, field

from ftlab.dataset.quality.examples import ChatExample
from ftlab.dataset.quality.lines import line_list
from ftlab.dataset.quality.results import DUPLICATE, QualityWarning


@dataclass
class ExactDuplicates:
    """Groups examples by the digest of their normalised messages (16 bytes and a line each)."""

    groups: dict[bytes, list[int]] = field(default_factory=dict)

    def add(self, example: ChatExample) -> None:
        self.groups.setdefault(example.key, []).append(example.line)

    def warnings(self) -> list[QualityWarning]:
        found = []
        for lines in self.groups.values():
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
