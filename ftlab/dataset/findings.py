"""What validating one file found: every line problem with its line, the file's own problems, counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ftlab.dataset.formats import LABELS
from ftlab.dataset.problems import Problem
from ftlab.dataset.quality import QualityReport, QualityWarning
from ftlab.dataset.stats import DatasetStats
from ftlab.tokens.cost import CostEstimate


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
    kept or not. ``quality`` is the quality pass over the valid chat examples (warnings only,
    each counted as one warning); None for a file in another format.
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
    quality: QualityReport | None = None
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
        """Every warning: on a line, of the file, and of the quality pass."""
        quality = len(self.quality.warnings) if self.quality is not None else 0
        return (
            sum(self._counts.values())
            - self._n_line_errors
            + sum(not p.is_error for p in self.file_problems)
            + quality
        )

    def quality_kept(self) -> list[QualityWarning]:
        """The quality warnings to list: all, or the first ``keep`` of each code."""
        if self.quality is None:
            return []
        seen: Counter[str] = Counter()
        kept = []
        for warning in self.quality.warnings:
            seen[warning.code] += 1
            if self.keep is None or seen[warning.code] <= self.keep:
                kept.append(warning)
        return kept

    def quality_counts(self) -> Counter[str]:
        """How many quality warnings of each code (every one, listed or not)."""
        return Counter(w.code for w in self.quality.warnings) if self.quality is not None else Counter()

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
        if self.quality is not None:
            out["quality"] = {
                **self.quality.to_dict(),
                "counts": dict(sorted(self.quality_counts().items())),
                "warnings": [w.to_dict() for w in self.quality_kept()],
            }
        return out
