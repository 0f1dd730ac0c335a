"""The quality pass over a whole file: every chat example fed to each check, then their warnings.

Memory stays O(examples): each check keeps a few digests, numbers or a short signature per
example, never the records and never a pairwise matrix.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.quality.duplicates import ExactDuplicates
from ftlab.dataset.quality.examples import chat_example
from ftlab.dataset.quality.results import QualityReport, QualityWarning


@dataclass
class Assessor:
    """Takes a file's records one at a time (``add``) and reports on them (``report``)."""

    examples: int = 0
    _exact: ExactDuplicates = field(default_factory=ExactDuplicates)

    def add(self, line: int, record: object) -> None:
        """Assess the record of a 1-based line (anything but a chat record is skipped)."""
        example = chat_example(line, record)
        if example is None:
            return
        self.examples += 1
        self._exact.add(example)

    def report(self, validation: Sequence[object | None] | None = None) -> QualityReport:
        """Every warning, in order of the first line each is about."""
        found: list[QualityWarning] = [*self._exact.warnings()]
        found.sort(key=lambda w: (w.lines[0] if w.lines else 0, w.code))
        return QualityReport(warnings=tuple(found), examples=self.examples)


def assess(
    records: Sequence[object | None], *, validation: Sequence[object | None] | None = None
) -> QualityReport:
    """The quality of a file's records (``records[i]`` is line i+1's parsed JSON, None when unreadable).

    ``validation`` holds the records of a validation file, checked for overlap with the training
    records. Only chat records are assessed; anything else is skipped, and this never raises.
    """
    assessor = Assessor()
    for index, record in enumerate(records):
        if record is not None:
            assessor.add(index + 1, record)
    return assessor.report(validation)


def assess_file(
    path: str | os.PathLike[str], *, validation: str | os.PathLike[str] | None = None
) -> QualityReport:
    """The quality of a JSONL file's records (lines that do not parse are skipped)."""
    assessor = Assessor()
    for line in read_jsonl(path):
        if line.parsed:
            assessor.add(line.number, line.record)
    held_out = None
    if validation is not None:
        held_out = [line.record if line.parsed else None for line in read_jsonl(validation)]
    return assessor.report(held_out)
