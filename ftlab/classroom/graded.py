"""The record of one submission's grading (:class:`Graded`), light enough for the coordinator to import.

The coordinator of ``ftlab grade`` reads, writes and reports these records without running pytest
itself (its workers do: :mod:`ftlab.classroom.runner`), so nothing here imports pytest.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ftlab.grading.results import CheckResult, Scoreboard, load_checks


@dataclass
class Graded:
    """The grading of one submission: its status, why when not graded, and its scoreboard."""

    name: str
    source: str
    status: str
    message: str = ""
    board: Scoreboard = field(default_factory=Scoreboard)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sandbox: str = ""
    log: str = ""  # for the instructor only: pytest's output and what the learner's code printed

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["board"] = [c.to_dict() for c in self.board.checks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Graded:
        return cls(**{**data, "board": load_checks(data.get("board", []))})


def not_graded(board: Scoreboard, reason: str) -> Scoreboard:
    """A copy of ``board`` with every check at zero, failed for ``reason``."""
    return Scoreboard(
        [
            CheckResult(
                c.name,
                c.exercise,
                0.0,
                c.max_points,
                "failed",
                c.visibility,
                c.task,
                c.hint,
                f"not graded: {reason}",
                c.nodeid,
            )
            for c in board.checks
        ]
    )
