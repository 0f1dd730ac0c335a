"""The recorder: gathers every graded check of a pytest run, shows the scoreboard and writes its JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.results import CheckResult, Scoreboard

NEXT_STEPS = 12  # failing checks listed under the scoreboard; every failure above shows its own hint
#: The name under which a graded check travels in a report's ``user_properties`` (xdist workers' too).
PROPERTY = "ftlab"


class Recorder:
    """Gathers graded checks from every report (xdist workers' too) and shows the scoreboard."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.board = Scoreboard()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == PROPERTY and isinstance(value, dict):
                self.board.checks.append(CheckResult.from_dict(value))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        board = self.board
        if not board.checks:
            return
        terminalreporter.section("ftlab scoreboard")
        for line in board.lines():
            terminalreporter.write_line(line)
        failing = [c for c in board.checks if c.status != "passed"]
        if failing:
            terminalreporter.write_line("")
            terminalreporter.write_line("What to fix next:")
            for line in next_steps(failing):
                terminalreporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.write_json()

    def write_json(self) -> None:
        """Write the board to ``--ftlab-json`` when given (by the main process only, not xdist workers)."""
        path = self.config.getoption("ftlab_json")
        if path and not hasattr(self.config, "workerinput"):
            self.board.write_json(Path(self.config.invocation_params.dir, path))


def next_steps(failing: list[CheckResult]) -> list[str]:
    """The lines under "What to fix next:": the first failing checks with their hints."""
    lines = []
    for check in failing[:NEXT_STEPS]:
        task = f" task {check.task}" if check.task else ""
        number = check.exercise.split("_", 1)[0]
        lines.append(f"  {number}{task} {check.name} ({check.points:g}/{check.max_points:g}): {check.hint}")
    if len(failing) > NEXT_STEPS:
        lines.append(f"  ... and {len(failing) - NEXT_STEPS} more (each failure above has its hint)")
    return lines
