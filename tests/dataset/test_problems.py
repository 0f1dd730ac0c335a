"""ftlab.dataset.problems: the value every rule check returns."""

from __future__ import annotations

import dataclasses

import pytest

from ftlab.dataset.problems import Problem


def test_a_problem_is_an_error_unless_it_says_warning():
    assert Problem("missing_content", "no content").is_error
    assert not Problem("blank_line", "blank", "warning").is_error


def test_to_dict_leaves_out_the_places_that_are_not_known():
    assert Problem("missing_content", "no content").to_dict() == {
        "code": "missing_content",
        "message": "no content",
        "severity": "error",
    }


def test_to_dict_keeps_a_message_index_of_zero():
    problem = Problem("unrecognized_role", "bad role", message_index=0, field="role")
    assert problem.to_dict()["message_index"] == 0 and problem.to_dict()["field"] == "role"


def test_str_names_the_severity_the_code_and_the_sentence():
    assert str(Problem("few_examples", "rather few", "warning")) == "warning few_examples: rather few"


def test_a_problem_is_a_value_that_cannot_change():
    problem = Problem("missing_content", "no content")
    assert problem == Problem("missing_content", "no content") and hash(problem) == hash(problem)
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.code = "other"  # type: ignore[misc]
