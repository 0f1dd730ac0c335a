"""Validating a whole training file: every line checked, every problem kept with its line number."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlab.jsonl import read_jsonl
from ftlab.problems import Problem
from ftlab.records import check_record


class UnusableFile(Exception):
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
    """What validating one file found."""

    path: str
    n_lines: int = 0
    n_examples: int = 0
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[LineProblem]:
        return [p for p in self.problems if p.problem.is_error]

    @property
    def warnings(self) -> list[LineProblem]:
        return [p for p in self.problems if not p.problem.is_error]

    @property
    def ok(self) -> bool:
        """True when the file has no errors (warnings allowed)."""
        return not self.errors

    def counts(self) -> Counter[str]:
        """How many times each code was found."""
        return Counter(p.problem.code for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "valid": self.ok,
            "n_lines": self.n_lines,
            "n_examples": self.n_examples,
            "n_errors": len(self.errors),
            "n_warnings": len(self.warnings),
            "counts": dict(sorted(self.counts().items())),
            "problems": [p.to_dict() for p in self.problems],
        }


def validate_file(path: str | os.PathLike[str]) -> FileReport:
    """Check every line of a chat-format JSONL training file against the engine's rules."""
    path = Path(path)
    if not path.exists():
        raise UnusableFile(path, "no such file")
    if path.is_dir():
        raise UnusableFile(path, "is a folder, not a JSONL file")
    report = FileReport(str(path))
    try:
        for line in read_jsonl(path):
            report.n_lines = line.number
            if line.problem is not None:
                report.problems.append(LineProblem(line.number, line.problem))
            if line.parsed:
                report.n_examples += 1
                report.problems += [LineProblem(line.number, p) for p in check_record(line.record)]
    except OSError as error:
        raise UnusableFile(path, error.strerror or str(error)) from None
    return report
