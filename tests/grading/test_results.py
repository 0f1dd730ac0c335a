"""Results: totals per exercise, the learner's view of hidden checks, and the JSON shape."""

from __future__ import annotations

import json

from ftlab.grading.results import CheckResult, Scoreboard, load_checks


def check(name: str, exercise: str, points: float, max_points: float, **kw) -> CheckResult:
    status = "passed" if points == max_points else "failed"
    return CheckResult(name, exercise, points, max_points, status, **kw)


BOARD = Scoreboard(
    [
        check("test_b", "ex2_validate_record", 0.5, 1),
        check("test_a", "ex1_build_example", 2, 2),
        check(
            "test_h",
            "ex1_build_example",
            0,
            3,
            visibility="hidden",
            hint="think about order",
            feedback="expected ['SECRET']",
        ),
    ]
)


def test_exercises_come_in_course_order_with_their_totals():
    groups = BOARD.exercises()
    assert [(g.slug, g.points, g.max_points) for g in groups] == [
        ("ex1_build_example", 2, 5),
        ("ex2_validate_record", 0.5, 1),
    ]
    assert (BOARD.points, BOARD.max_points) == (2.5, 6)


def test_the_public_view_of_a_failed_hidden_check_keeps_only_name_hint_and_score():
    public = BOARD.to_dict(public_only=True)
    hidden = next(t for t in public["tests"] if t["name"] == "test_h")
    assert hidden["hint"] == "think about order" and "SECRET" not in json.dumps(public)
    assert "SECRET" in json.dumps(BOARD.to_dict())


def test_scoreboard_lines():
    assert BOARD.lines() == [
        "1. Build a training example             2 / 5      1 check to fix",
        "2. Validate a record                 0.50 / 1      1 check to fix",
        "-" * 64,
        "total                                2.50 / 6      (42%)",
    ]


def test_checks_round_trip_through_json(tmp_path):
    path = tmp_path / "r.json"
    BOARD.write_json(path)
    data = json.loads(path.read_text())
    assert load_checks(data["tests"]).to_dict() == BOARD.to_dict()
    assert data["exercises"][0] == {
        "exercise": "ex1_build_example",
        "title": "Build a training example",
        "score": 2,
        "max_score": 5,
    }
