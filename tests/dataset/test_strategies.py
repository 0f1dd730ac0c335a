"""ftlab.dataset.strategies: the graders' one import for records, settings and JSON values."""

from __future__ import annotations

import json

import pytest
from hypothesis import Phase, given

from ftlab.dataset import breakers, chat_strategies, strategies
from ftlab.dataset.preference import check_preference_record
from ftlab.dataset.strategies import GRADING, json_values, preference_records


@pytest.mark.parametrize("name", ["broken_records", "names", "texts", "valid_records"])
def test_the_strategies_built_elsewhere_are_the_same_objects_here(name):
    home = breakers if name == "broken_records" else chat_strategies
    assert getattr(strategies, name) is getattr(home, name)


def test_graded_checks_see_the_same_examples_every_run_and_never_shrink():
    assert GRADING.derandomize and GRADING.database is None and GRADING.deadline is None
    assert Phase.shrink not in GRADING.phases and GRADING.max_examples == 60


@given(record=preference_records())
def test_preference_records_follow_the_preference_rules(record):
    assert check_preference_record(record) == []


@given(value=json_values(max_leaves=3))
def test_json_values_survive_a_round_trip_through_json(value):
    assert json.loads(json.dumps(value)) == value


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: preference_records(max_turns=0), "max_turns must be at least 1"),
        (lambda: json_values(max_leaves=0), "max_leaves must be at least 1"),
    ],
)
def test_bad_arguments_fail_at_once(call, message):
    with pytest.raises(ValueError, match=message):
        call()
