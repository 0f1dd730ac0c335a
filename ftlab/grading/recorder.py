"""The recorder: gathers a run's graded checks, ends its screen with the scoreboard, writes its JSON."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pytest

from ftlab.grading.results import CheckResult, Scoreboard
from ftlab.grading.screen import failure_section, full_detail, hide_graded, next_steps

#: The name under which a graded check travels in a report's ``user_properties`` (xdist workers' too).
PROPERTY = "ftlab"
#: the plugin whose lines close the screen, under the scoreboard (``ftlab.grading.selfcheck.EngineUseNote``)
ENGINE_USE_PLUGIN = "ftlab-engine-use"


@runtime_checkable
class Notes(Protocol):
    """What the recorder shows under the scoreboard: a plugin's lines."""

    def lines(self) -> list[str]: ...


class Recorder:
    """Gathers graded checks from every report (xdist workers' too) and shows the scoreboard."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.board = Scoreboard()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == PROPERTY and isinstance(value, dict):
                self.board.checks.append(CheckResult.from_dict(value))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Generator[None]:
        """The learner's screen: pytest's summary without graded checks' failures, then the scoreboard.

        Around pytest's own summary (its failure sections and its ``FAILED ...`` list), so that
        the scoreboard comes last; with ``-v`` or ``--ftlab-debug`` pytest's sections stay.
        """
        graded = bool(self.board.checks)
        short = graded and not full_detail(self.config)
        hidden = hide_graded(terminalreporter.stats, PROPERTY) if short else None
        try:
            return (yield)
        finally:
            if hidden is not None:
                hidden.restore()
            if graded:
                self.write_screen(terminalreporter, short=short)
            for line in self.notes():
                terminalreporter.write_line(line)

    def write_screen(self, terminalreporter: Any, *, short: bool) -> None:
        """The failure section (unless pytest's own was shown, or it all fits below), the scoreboard,
        what to fix next."""
        board = self.board
        failing = [c for c in board.checks if c.status != "passed"]
        section = failure_section(board.checks) if short else []
        terminalreporter.ensure_newline()
        if section:
            terminalreporter.section(f"ftlab: {len(failing)} check{'s' if len(failing) != 1 else ''} to fix")
            for line in section:
                terminalreporter.write_line(line)
        terminalreporter.section("ftlab scoreboard")
        for line in board.lines():
            terminalreporter.write_line(line)
        if failing:
            terminalreporter.write_line("")
            terminalreporter.write_line("What to fix next:")
            for line in next_steps(board.checks, pointer=short):
                terminalreporter.write_line(line)

    def notes(self) -> list[str]:
        """The lines under the scoreboard: one per exercise file that imports ftlab's engine."""
        note = self.config.pluginmanager.get_plugin(ENGINE_USE_PLUGIN)
        lines = note.lines() if isinstance(note, Notes) else []
        return ["", *lines] if lines else []

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.write_json()

    def write_json(self) -> None:
        """Write the board to ``--ftlab-json`` when given (by the main process only, not xdist workers)."""
        path = self.config.getoption("ftlab_json")
        if path and not hasattr(self.config, "workerinput"):
            self.board.write_json(Path(self.config.invocation_params.dir, path))
