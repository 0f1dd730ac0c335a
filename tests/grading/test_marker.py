"""The ``points`` marker: what it accepts, what it refuses, and how a refused one is quoted."""

from __future__ import annotations

import pytest

from ftlab.grading.marker import MARKER_POINTS, PointsSpec, marker_call, points_spec


def test_a_good_marker_gives_float_points_and_a_stripped_hint():
    spec = points_spec(2, hint="  user first  ", task=1, visibility="hidden")
    assert spec == PointsSpec(2.0, "user first", 1, "hidden")
    assert isinstance(spec.max_points, float)


def test_defaults_are_no_task_and_visible():
    assert points_spec(0.5, hint="h") == PointsSpec(0.5, "h", None, "visible")


@pytest.mark.parametrize("points", [0, -1, True, "2", float("nan")])
def test_points_must_be_a_positive_number_and_a_bool_is_not_one(points):
    with pytest.raises(ValueError, match="max_points must be a positive number"):
        points_spec(points, hint="h")


@pytest.mark.parametrize("task", [0, True, 1.0, "1"])
def test_a_task_is_a_whole_number_from_one_and_a_bool_is_not_one(task):
    with pytest.raises(ValueError, match=r"task must be a task number \(1, 2, \.\.\.\)"):
        points_spec(1, hint="h", task=task)


@pytest.mark.parametrize("hint", ["", "   ", None])
def test_a_hint_must_be_a_sentence(hint):
    with pytest.raises(ValueError, match="hint must be a non-empty sentence"):
        points_spec(1, hint=hint)


def test_visibility_is_visible_or_hidden():
    with pytest.raises(ValueError, match="visibility must be one of visible, hidden, got 'secret'"):
        points_spec(1, hint="h", visibility="secret")


def test_the_marker_is_quoted_as_it_was_written():
    mark = pytest.mark.points(2, hint="h", task=1).mark
    assert marker_call(mark) == "(2, hint='h', task=1)"


def test_the_documented_signature_matches_the_validator():
    assert MARKER_POINTS.startswith("points(max_points, *, hint, task=None, visibility='visible'):")
