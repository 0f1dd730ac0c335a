"""Validating a whole training file: every line checked, every problem kept with its line number.

Lines are read one at a time and each example is checked by its format's rules
(``ftlab.dataset.formats``: supervised chat, with or without tool calls, or preference). What is true
of the file as a whole is checked at the end: one format only, at least ``MIN_EXAMPLES``
examples, something to train on. Given a model, every valid example is also counted in
tokens: one longer than the model's training context is a warning (it will be truncated),
and the report carries token distributions and the cost. Memory stays flat: the report
keeps problems, counts and streaming statistics, never the records.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlab.dataset.formats import (
    CHAT,
    LABELS,
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
from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.problems import Problem
from ftlab.dataset.stats import DatasetStats
from ftlab.errors import FtlabError
from ftlab.tokens.cost import CostEstimate, estimate_from_token_counts
from ftlab.tokens.counting import token_counts
from ftlab.tokens.models import resolve_model

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
    "example_too_long": "(warning) the example has more tokens than the model's training context: it will be truncated",
}


class UnusableFile(FtlabError):
    """The file cannot be read at all (missing, a folder, no permission)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(path, reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class LineProblem:
    """A problem and the 1-based line of the file it was found on."""

    line: int
    problem: Problem

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, **self.problem.to_dict()}


@dataclass
class FileReport:
    """What validating one file found.

    ``problems`` are found on a line (all of them, or the first ``keep`` of each code);
    ``file_problems`` are about the file as a whole. ``counts()`` counts every line problem,
    kept or not.
    """

    path: str
    n_lines: int = 0
    n_examples: int = 0
    problems: list[LineProblem] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    format: str | None = None
    model: str | None = None
    stats: DatasetStats = field(default_factory=DatasetStats)
    cost: CostEstimate | None = None
    keep: int | None = None
    _counts: Counter[str] = field(default_factory=Counter, init=False, repr=False)
    _n_line_errors: int = field(default=0, init=False, repr=False)

    def add(self, item: LineProblem) -> None:
        """Record a line problem (counted always, kept while its code has fewer than ``keep``)."""
        code = item.problem.code
        if self.keep is None or self._counts[code] < self.keep:
            self.problems.append(item)
        self._counts[code] += 1
        self._n_line_errors += item.problem.is_error

    @property
    def errors(self) -> list[LineProblem]:
        return [p for p in self.problems if p.problem.is_error]

    @property
    def warnings(self) -> list[LineProblem]:
        return [p for p in self.problems if not p.problem.is_error]

    @property
    def n_errors(self) -> int:
        """Every error, on a line or of the file, kept or not."""
        return self._n_line_errors + sum(p.is_error for p in self.file_problems)

    @property
    def n_warnings(self) -> int:
        return (
            sum(self._counts.values()) - self._n_line_errors + sum(not p.is_error for p in self.file_problems)
        )

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return self.n_errors == 0

    @property
    def format_label(self) -> str | None:
        return LABELS.get(self.format) if self.format else None

    def counts(self) -> Counter[str]:
        """How many lines broke each rule (every one, kept or not)."""
        return Counter(self._counts)

    def lines_by_code(self) -> dict[str, list[int]]:
        """The (kept) lines of each code, in file order."""
        lines: dict[str, list[int]] = {}
        for item in self.problems:
            lines.setdefault(item.problem.code, []).append(item.line)
        return lines

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.path,
            "valid": self.ok,
            "format": self.format,
            "model": self.model,
            "n_lines": self.n_lines,
            "n_examples": self.n_examples,
            "n_errors": self.n_errors,
            "n_warnings": self.n_warnings,
            "counts": dict(sorted(self.counts().items())),
            "file_problems": [p.to_dict() for p in self.file_problems],
            "problems": [p.to_dict() for p in self.problems],
            "stats": self.stats.to_dict(),
        }
        if self.keep is not None:
            out["problems_kept_per_code"] = self.keep
        if self.cost is not None:
            out["cost"] = self.cost.to_dict()
        return out


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
                f"this line is {kind_name(self.other_kind)}, but the file's first example (line {self.first_line}) is "
                f"{kind_name(self.kind)}; a training file holds one format ({self.n_other} line(s) are in the other)",
            ),
        )

    @property
    def name(self) -> str | None:
        if self.kind == PREFERENCE:
            return PREFERENCE
        if self.kind == CHAT:
            return TOOL_CALLING if self.tools else SUPERVISED
        return None


def validate_file(
    path: str | os.PathLike[str], *, model: str | None = None, keep: int | None = None
) -> FileReport:
    """Check every line of a JSONL training file against the engine's rules.

    With ``model`` (any name ``ftlab.tokens.models.resolve_model`` accepts; UnknownModel otherwise),
    valid examples are counted in tokens, checked against its training context and priced.
    ``keep`` bounds the problems kept per code (all are counted).
    """
    spec = resolve_model(model) if model is not None else None
    path = Path(path)
    if not path.exists():
        raise UnusableFile(path, "no such file")
    if path.is_dir():
        raise UnusableFile(path, "is a folder, not a JSONL file")
    report = FileReport(str(path), model=spec.name if spec else None, keep=keep)
    formats = _Formats()
    n_trained = 0
    try:
        for line in read_jsonl(path):
            report.n_lines = line.number
            if line.problem is not None:
                report.add(LineProblem(line.number, line.problem))
            if not line.parsed:
                continue
            report.n_examples += 1
            record = line.record
            kind = record_kind(record)
            in_format = formats.sees(kind, line.number)
            checked_as = kind or formats.kind or CHAT
            problems = check_example(record, checked_as)
            for problem in problems:
                report.add(LineProblem(line.number, problem))
            if not in_format or any(p.is_error for p in problems):
                continue
            assert isinstance(record, dict)
            trained = _count(report, line.number, example_messages(record, checked_as), spec)
            if checked_as == CHAT:
                formats.tools = formats.tools or uses_tools(record)
                if trained is None:
                    trained = has_trained_turn(record)
                if trained:
                    n_trained += 1
                else:
                    report.add(
                        LineProblem(
                            line.number,
                            Problem(
                                "nothing_trained",
                                "every assistant message has weight 0, so this example trains nothing",
                                "warning",
                            ),
                        )
                    )
    except OSError as error:
        raise UnusableFile(path, error.strerror or str(error)) from None
    mixed = formats.problem()
    if mixed is not None:
        report.add(mixed)
        report.problems.sort(key=lambda item: item.line)
    report.format = formats.name
    report.file_problems = _file_problems(report, formats, n_trained)
    if spec is not None and formats.kind == CHAT and report.stats.tokens.n:
        report.cost = estimate_from_token_counts(report.stats.tokens.values(), spec.name)
    return report


def _count(report: FileReport, line: int, messages: list[Any], spec: Any) -> bool | None:
    """Add a valid example to the statistics; with a model, whether it trains on any token."""
    if spec is None:
        report.stats.add(messages)
        return None
    counts = token_counts(messages, spec.name)
    report.stats.add(messages, counts.total, counts.assistant)
    if counts.total > spec.training_context:
        report.stats.n_over_context += 1
        report.add(
            LineProblem(
                line,
                Problem(
                    "example_too_long",
                    f"{counts.total:,} tokens, more than {spec.name}'s training context of {spec.training_context:,}: "
                    f"it will be truncated to its first {spec.training_context:,} tokens",
                    "warning",
                ),
            )
        )
    return counts.trained > 0


def _file_problems(report: FileReport, formats: _Formats, n_trained: int) -> list[Problem]:
    problems = []
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
                f"Training file has {n} examples; {RECOMMENDED_EXAMPLES} to 100 well-chosen examples is the usual starting point",
                "warning",
                field="training_file",
            )
        )
    if formats.kind == CHAT and report.stats.n_examples and not n_trained:
        problems.append(
            Problem(
                "no_trained_messages",
                "no assistant message in the file is trained on: every one has weight 0, so training would learn nothing",
            )
        )
    return problems
