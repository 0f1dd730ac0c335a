"""Validating a whole training file: every line checked, every problem kept with its line number.

Lines are read one at a time and each example is checked by its format's rules
(``ftlab.dataset.formats``: supervised chat, with or without tool calls, or preference). What is true
of the file as a whole is checked at the end: one format only, at least ``MIN_EXAMPLES``
examples, something to train on. Given a model, every valid example is also counted in
tokens: one longer than the model's training context is a warning (it will be truncated),
and the report carries token distributions and the cost. Valid chat examples also go through
the quality pass (:mod:`ftlab.dataset.quality`, warnings only; a few bytes kept per example).
Otherwise memory stays flat: the report keeps problems, counts and statistics, never the records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlab.dataset import limits
from ftlab.dataset.findings import FileReport, LineProblem
from ftlab.dataset.formats import (
    CHAT,
    PREFERENCE,
    SUPERVISED,
    TOOL_CALLING,
    check_example,
    example_messages,
    has_trained_turn,
    kind_name,
    record_kind,
    uses_tools,
)
from ftlab.dataset.jsonl import Line, read_jsonl
from ftlab.dataset.problems import Problem
from ftlab.dataset.quality.assessment import Assessor
from ftlab.dataset.records import image_problem
from ftlab.errors import FtlabError
from ftlab.tokens.cost import estimate_from_token_counts
from ftlab.tokens.counting import UncountableMessages, token_counts
from ftlab.tokens.models import FineTunableModel, resolve_model

#: OpenAI refuses a training file with fewer examples than this.
MIN_EXAMPLES = 10
#: Fewer examples than this rarely teach a model anything (OpenAI suggests 50 to 100 to start).
RECOMMENDED_EXAMPLES = 50

#: The codes of rules about a whole file, or about a line in the context of its file.
CODES: dict[str, str] = {
    "invalid_n_examples": "fewer than 10 examples: OpenAI refuses the file",
    "few_examples": "(warning) fewer than 50 examples: usually too few to teach a model anything",
    "mixed_formats": "a line in another format than the file's first example (a file holds one format)",
    "no_trained_messages": "no assistant message in the whole file is trained on (every one has weight 0)",
    "nothing_trained": "(warning) every assistant message of this example has weight 0: it trains nothing",
    "example_too_long": (
        "(warning) the example has more tokens than the model's training context: it will be truncated"
    ),
    "uncountable_example": "the tokenizer cannot encode a value (such as a million spaces in a row)",
    "images_not_supported": "an image content part, for a model that cannot be fine-tuned on images",
    **limits.CODES,
}


class UnusableFile(FtlabError):
    """The file cannot be read at all (missing, a folder, no permission)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(path, reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class _Formats:
    """Which format the file is in, and the first line that is in another."""

    kind: str | None = None
    first_line: int = 0
    tools: bool = False
    other_line: int = 0
    other_kind: str = ""
    n_other: int = 0

    def sees(self, kind: str | None, line: int) -> bool:
        """Note a record's kind; False when it is in the other format."""
        if kind is None:
            return True
        if self.kind is None:
            self.kind, self.first_line = kind, line
        if kind == self.kind:
            return True
        self.n_other += 1
        if not self.other_line:
            self.other_line, self.other_kind = line, kind
        return False

    def problem(self) -> LineProblem | None:
        if not self.n_other or self.kind is None:
            return None
        return LineProblem(
            self.other_line,
            Problem(
                "mixed_formats",
                f"this line is {kind_name(self.other_kind)}, but the file's first example "
                f"(line {self.first_line}) is {kind_name(self.kind)}; a training file holds one format "
                f"({self.n_other} line(s) are in the other)",
            ),
        )

    @property
    def name(self) -> str | None:
        if self.kind == PREFERENCE:
            return PREFERENCE
        if self.kind == CHAT:
            return TOOL_CALLING if self.tools else SUPERVISED
        return None


@dataclass
class _Reading:
    """One pass over a file: the report so far, the formats seen, how many examples train on something."""

    report: FileReport
    spec: FineTunableModel | None
    formats: _Formats = field(default_factory=_Formats)
    n_trained: int = 0
    quality: Assessor = field(default_factory=Assessor)

    def take(self, line: Line) -> None:
        """Check one line of the file and add what it shows to the report."""
        self.report.n_lines = line.number
        if line.problem is not None:
            self.report.add(LineProblem(line.number, line.problem))
        if not line.parsed:
            return
        self.report.n_examples += 1
        record = line.record
        problems = [] if line.plain else limits.value_problems(record)
        if problems:  # walking such a value further could exhaust the stack, or count infinity
            for problem in problems:
                self.report.add(LineProblem(line.number, problem))
            return
        kind = record_kind(record)
        in_format = self.formats.sees(kind, line.number)
        checked_as = kind or self.formats.kind or CHAT
        problems = check_example(record, checked_as)
        if self.spec is not None and (not problems or not any(p.is_error for p in problems)):
            problems += image_problem(record, self.spec.name)
        for problem in problems:
            self.report.add(LineProblem(line.number, problem))
        if in_format and (not problems or not any(p.is_error for p in problems)):
            assert isinstance(record, dict)
            self._valid(line.number, record, checked_as)

    def _valid(self, line: int, record: dict[str, Any], checked_as: str) -> None:
        trained = _count(self.report, line, example_messages(record, checked_as), self.spec)
        if checked_as != CHAT:
            return
        self.quality.add(line, record)
        self.formats.tools = self.formats.tools or uses_tools(record)
        if trained is None:
            trained = has_trained_turn(record)
        if trained:
            self.n_trained += 1
            return
        self.report.add(
            LineProblem(
                line,
                Problem(
                    "nothing_trained",
                    "every assistant message has weight 0, so this example trains nothing",
                    "warning",
                ),
            )
        )

    def finish(self, validation: list[object | None] | None = None) -> FileReport:
        """The report, with what is true of the file as a whole (and its overlap with ``validation``)."""
        report = self.report
        if self.formats.kind == CHAT:
            report.quality = self.quality.report(validation)
        mixed = self.formats.problem()
        if mixed is not None:
            report.add(mixed)
            report.problems.sort(key=lambda item: item.line)
        report.format = self.formats.name
        report.file_problems = _file_problems(report, self.formats, self.n_trained)
        if self.spec is not None and self.formats.kind == CHAT and report.stats.tokens.n:
            report.cost = estimate_from_token_counts(report.stats.tokens.values(), self.spec.name)
        return report


def validate_file(
    path: str | os.PathLike[str],
    *,
    model: str | None = None,
    keep: int | None = None,
    validation: str | os.PathLike[str] | None = None,
) -> FileReport:
    """Check every line of a JSONL training file against the engine's rules.

    With ``model`` (any name ``ftlab.tokens.models.resolve_model`` accepts; UnknownModel otherwise),
    valid examples are counted in tokens, checked against its training context and priced.
    ``keep`` bounds the problems kept per code (all are counted). With ``validation`` (a JSONL
    file), the quality pass also names the validation examples found in the training file.
    """
    spec = resolve_model(model) if model is not None else None
    held_out = None if validation is None else _records(Path(validation))
    path = Path(path)
    _check_readable(path)
    reading = _Reading(FileReport(str(path), model=spec.name if spec else None, keep=keep), spec)
    try:
        for line in read_jsonl(path):
            reading.take(line)
    except OSError as error:
        raise UnusableFile(path, error.strerror or str(error)) from None
    return reading.finish(held_out)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise UnusableFile(path, "no such file")
    if path.is_dir():
        raise UnusableFile(path, "is a folder, not a JSONL file")


def _records(path: Path) -> list[object | None]:
    _check_readable(path)
    try:
        return [line.record if line.parsed else None for line in read_jsonl(path)]
    except OSError as error:
        raise UnusableFile(path, error.strerror or str(error)) from None


def _count(report: FileReport, line: int, messages: list[Any], spec: FineTunableModel | None) -> bool | None:
    """Add a valid example to the statistics; with a model, whether it trains on any token."""
    if spec is None:
        report.stats.add(messages)
        return None
    try:
        counts = token_counts(messages, spec.name)
    except UncountableMessages as exc:
        report.add(
            LineProblem(line, Problem("uncountable_example", str(exc), message_index=exc.message_index))
        )
        return None
    report.stats.add(messages, counts.total, counts.assistant)
    if counts.total > spec.training_context:
        report.stats.n_over_context += 1
        report.add(
            LineProblem(
                line,
                Problem(
                    "example_too_long",
                    f"{counts.total:,} tokens, more than {spec.name}'s training context of "
                    f"{spec.training_context:,}: it will be truncated to its first "
                    f"{spec.training_context:,} tokens",
                    "warning",
                ),
            )
        )
    return counts.trained > 0


def _file_problems(report: FileReport, formats: _Formats, n_trained: int) -> list[Problem]:
    problems = []
    too_large = limits.file_too_large(report.path)
    if too_large is not None:
        problems.append(too_large)
    n = report.n_examples
    if n < MIN_EXAMPLES:
        problems.append(
            Problem(
                "invalid_n_examples",
                f"Training file has {n} example(s), but must have at least {MIN_EXAMPLES} examples",
                field="training_file",
            )
        )
    elif n < RECOMMENDED_EXAMPLES:
        problems.append(
            Problem(
                "few_examples",
                f"Training file has {n} examples; {RECOMMENDED_EXAMPLES} to 100 well-chosen examples "
                "is the usual starting point",
                "warning",
                field="training_file",
            )
        )
    if formats.kind == CHAT and report.stats.n_examples and not n_trained:
        problems.append(
            Problem(
                "no_trained_messages",
                "no assistant message in the file is trained on: every one has weight 0, "
                "so training would learn nothing",
            )
        )
    return problems
