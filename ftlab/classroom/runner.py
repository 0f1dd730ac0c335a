"""Grading one submission: the grader suites run by pytest here, the learner's code in a sandboxed child.

:func:`grade_submission` stages the submission, runs ``pytest.main`` on the graders with
``--impl`` pointing at it and :class:`ftlab.grading.isolation.session.IsolationPlugin`
installed, and returns a :class:`Graded` record holding the scoreboard. It is meant to run in a
worker process of its own (see :mod:`ftlab.classroom.batch`), one per submission.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftlab.classroom.graded import Graded, not_graded
from ftlab.classroom.submission import Submission, UnusableSubmission, stage
from ftlab.grading.exercises import find
from ftlab.grading.isolation.plugins import blocked
from ftlab.grading.isolation.sandbox import Limits, Sandbox
from ftlab.grading.isolation.session import IsolationPlugin
from ftlab.grading.isolation.template import Slot
from ftlab.grading.marker import points_spec
from ftlab.grading.results import CheckResult, Scoreboard, load_checks

__all__ = ["Graded", "blank_board", "grade_submission", "not_graded"]  # Graded's home is graded.py

MAX_LOG = 20000


def grade_submission(
    submission: Submission,
    *,
    graders: Path,
    timeout: float,
    sandbox: Sandbox,
    limits: Limits | None = None,
    slot: Slot | None = None,
) -> Graded:
    """Grade one submission with the graders in ``graders``; never raises for anything the submission does."""
    started = time.monotonic()
    graded = Graded(submission.name, str(submission.path), "graded", sandbox=sandbox.kind)
    with tempfile.TemporaryDirectory(prefix="ftlab-grade-") as private:
        try:
            staged = stage(submission, Path(private, "submission"))
        except (UnusableSubmission, OSError) as error:
            graded.status, graded.message = "malformed", str(error)
            graded.seconds = round(time.monotonic() - started, 3)
            return graded
        board_path, log_path = Path(private, "board.json"), Path(private, "pytest.log")
        plugin = IsolationPlugin(sandbox=sandbox, limits=limits, slot=slot)
        # native tracebacks: the plugin puts each check's feedback in their place, so pytest's long
        # ones (an AST parse of every file per traceback entry) were built to be thrown away
        args = [
            str(graders), "--impl", str(staged.root), "--ftlab-json", str(board_path),
            "--ftlab-timeout", f"{timeout:g}", "-p", "no:cacheprovider", "-q", "--no-header", "-rN",
            "--tb=native", f"--rootdir={graders.parent}", "-W", "ignore::pytest.PytestAssertRewriteWarning",
            *blocked(),
        ]  # fmt: skip
        with _output_to(log_path):
            code = pytest.main(args, plugins=[plugin])
        log = log_path.read_text(encoding="utf-8", errors="replace")
        graded.log = _cut(log) + "".join(
            f"\n--- printed by the learner's code ---\n{o}" for o in plugin.outputs if o.strip()
        )
        graded.notes = plugin.notes
        if board_path.is_file() and code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            graded.board = load_checks(_read_json(board_path)["tests"])
            if plugin.failures:
                graded.status, graded.message = "error", plugin.failures[0]
        else:
            graded.status = "error"
            tail = [line for line in log.strip().splitlines() if line.strip()][-3:]
            graded.message = (
                f"the graders did not run (pytest exit status {int(code)}): {' / '.join(tail) or 'no output'}"
            )
    graded.seconds = round(time.monotonic() - started, 3)
    return graded


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LOG else f"[... {len(text) - MAX_LOG} characters cut]\n" + text[-MAX_LOG:]


@contextlib.contextmanager
def _output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout and stderr (the file descriptors, not just sys.*) to a file."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(path, "wb") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


class _Collector:
    """Collects the graders' checks without running them."""

    def __init__(self) -> None:
        self.checks: list[CheckResult] = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("points")
            if marker is None:
                continue
            spec = points_spec(*marker.args, **marker.kwargs)
            self.checks.append(
                CheckResult(
                    item.name,
                    find(item.path.stem).slug,
                    0.0,
                    spec.max_points,
                    "failed",
                    spec.visibility,
                    spec.task,
                    spec.hint,
                    "",
                    item.nodeid,
                )
            )


def blank_board(graders: Path) -> Scoreboard:
    """Every check of the graders at zero points (for a submission that could not be graded)."""
    collector = _Collector()
    with tempfile.TemporaryDirectory(prefix="ftlab-collect-") as private:
        with _output_to(Path(private, "collect.log")):
            pytest.main(
                [
                    str(graders),
                    "--collect-only",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    f"--rootdir={graders.parent}",
                    *blocked(),
                ],
                plugins=[collector],
            )
    return Scoreboard(collector.checks)
