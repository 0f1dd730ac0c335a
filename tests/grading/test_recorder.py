"""The recorder: every graded check of a run on the scoreboard and in its JSON (the screen: test_screen)."""

from __future__ import annotations

import json

import pytest

from ftlab.grading.recorder import PROPERTY, Recorder
from ftlab.grading.results import CheckResult


def _check(name: str, points: float = 0.0, task: int | None = None) -> CheckResult:
    return CheckResult(name, "ex2_validate_record", points, 1.0, "failed" if not points else "passed",
                       task=task, hint=f"fix {name}")  # fmt: skip


def _report(*properties: tuple[str, object]) -> pytest.TestReport:
    return pytest.TestReport(
        "graders/test_ex2.py::t", ("graders/test_ex2.py", 0, "t"), {}, "passed", None, "call",
        user_properties=list(properties),
    )  # fmt: skip


def test_graded_checks_are_gathered_from_reports_and_other_properties_ignored(pytester):
    recorder = Recorder(pytester.parseconfig())
    check = _check("test_a", 1.0)
    recorder.pytest_runtest_logreport(_report((PROPERTY, check.to_dict()), ("other", {"x": 1})))
    assert recorder.board.checks == [check]


def test_the_board_is_written_as_json_where_asked(pytester):
    recorder = Recorder(pytester.parseconfig("--ftlab-json", "board.json"))
    recorder.pytest_runtest_logreport(_report((PROPERTY, _check("test_a", 1.0).to_dict())))
    recorder.write_json()
    data = json.loads((pytester.path / "board.json").read_text(encoding="utf-8"))
    assert (data["score"], data["max_score"]) == (1.0, 1.0)
    assert [t["name"] for t in data["tests"]] == ["test_a"]


def test_an_xdist_worker_leaves_the_json_to_the_main_process(pytester):
    config = pytester.parseconfig("--ftlab-json", "board.json")
    config.workerinput = {"workerid": "gw0"}  # type: ignore[attr-defined]
    Recorder(config).write_json()
    assert not (pytester.path / "board.json").exists()
