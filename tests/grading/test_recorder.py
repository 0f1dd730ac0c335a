"""The recorder: every graded check of a run on the scoreboard, in its JSON, and the next steps listed."""

from __future__ import annotations

import json

import pytest

from ftlab.grading.recorder import NEXT_STEPS, PROPERTY, Recorder, next_steps
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


def test_next_steps_name_the_exercise_task_points_and_hint():
    assert next_steps([_check("test_b", task=2)]) == ["  ex2 task 2 test_b (0/1): fix test_b"]


def test_next_steps_stop_after_a_dozen_and_say_how_many_more():
    lines = next_steps([_check(f"test_{n}") for n in range(NEXT_STEPS + 3)])
    assert len(lines) == NEXT_STEPS + 1
    assert lines[-1] == "  ... and 3 more (each failure above has its hint)"
