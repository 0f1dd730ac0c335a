"""How a check reads in the class reports: titles as words, explanations that keep hidden checks hidden."""

from __future__ import annotations

import pytest

from ftlab.classroom.runner import Graded
from ftlab.classroom.views import exercise_columns, explanation, percent, public_checks, title
from ftlab.grading.results import CheckResult, Scoreboard
from tests.classroom.sample_results import SECRET, alice


@pytest.mark.parametrize(
    ("name", "expected"), [("test_a_b", "a b"), ("test_x[p-1]", "x [p-1]"), ("check", "check")]
)
def test_titles_read_as_words(name, expected):
    assert title(CheckResult(name, "ex1_build_example", 0, 1, "passed")) == expected


def test_an_explanation_is_the_hint_then_what_went_wrong_once():
    check = CheckResult("t", "ex1_build_example", 0, 1, "failed", hint="h", feedback="h\nDID NOT RAISE")
    assert explanation(check) == "h\nDID NOT RAISE"
    assert (
        explanation(CheckResult("t", "ex1_build_example", 0, 1, "failed", hint="h", feedback="x")) == "h\nx"
    )
    assert explanation(CheckResult("t", "ex1_build_example", 0, 1, "failed", hint="h")) == "h"


def test_a_hidden_check_is_explained_without_what_it_expected():
    hidden = [c for c in public_checks(alice().board) if c.visibility == "hidden"]
    assert hidden and all(SECRET not in explanation(c) and SECRET not in c.feedback for c in hidden)


def test_the_percentage_is_rounded_and_a_board_worth_nothing_has_none():
    assert percent(alice().board) == "36%"
    assert percent(Scoreboard()) == "-"


def test_columns_follow_the_course_order_then_unknown_exercises_by_name():
    checks = [
        CheckResult("t", slug, 0, 1, "failed")
        for slug in ("zz_extra", "ex2_validate_record", "ex1_build_example")
    ]
    graded = Graded("a", "/a", "graded", board=Scoreboard(checks))
    assert exercise_columns([graded]) == ["ex1_build_example", "ex2_validate_record", "zz_extra"]
