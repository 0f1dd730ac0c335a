"""ftlab.dataset.formats: what kind a record is, whether it uses tools, and checks by its format's rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from ftlab.dataset.formats import (
    CHAT,
    LABELS,
    PREFERENCE,
    check_example,
    example_messages,
    has_trained_turn,
    kind_name,
    record_kind,
    uses_tools,
)
from ftlab.dataset.preference import check_preference_record
from ftlab.dataset.records import check_record
from ftlab.dataset.strategies import broken_records, json_values, preference_records, valid_records

USER = {"role": "user", "content": "hi"}
ASSISTANT = {"role": "assistant", "content": "hello"}
CALL = {
    "role": "assistant",
    "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
}
PAIR = {
    "input": {"messages": [USER]},
    "preferred_output": [ASSISTANT],
    "non_preferred_output": [{"role": "assistant", "content": "go away"}],
}


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        ({"messages": [USER, ASSISTANT]}, CHAT),
        ({"messages": "oops"}, CHAT),
        ({"messages": [], "input": {}}, CHAT),
        (PAIR, PREFERENCE),
        ({"input": {}}, PREFERENCE),
        ({"non_preferred_output": []}, PREFERENCE),
        ({"prompt": "x", "completion": "y"}, None),
        ([USER, ASSISTANT], None),
        ("text", None),
    ],
)
def test_a_record_is_the_kind_its_keys_say(record, kind):
    assert record_kind(record) == kind


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"messages": [USER, ASSISTANT]}, False),
        ({"messages": [USER, ASSISTANT], "tools": []}, True),
        ({"messages": [USER, ASSISTANT], "functions": []}, True),
        ({"messages": [USER, CALL]}, True),
        ({"messages": [USER, {"role": "function", "name": "f", "content": "1"}]}, True),
        (
            {"messages": [USER, {"role": "assistant", "function_call": {"name": "f", "arguments": "{}"}}]},
            True,
        ),
        ({"messages": "oops"}, False),
        (PAIR, False),
    ],
)
def test_tool_use_is_seen_wherever_it_is(record, expected):
    assert uses_tools(record) is expected


def test_an_example_with_only_weight_zero_answers_trains_nothing():
    assert has_trained_turn({"messages": [USER, ASSISTANT]})
    assert has_trained_turn(
        {"messages": [USER, {**ASSISTANT, "weight": 0}, USER, {**ASSISTANT, "weight": 1}]}
    )
    assert not has_trained_turn({"messages": [USER, {**ASSISTANT, "weight": 0}]})
    assert not has_trained_turn({"messages": [USER]})


@settings(max_examples=150, database=None, deadline=None)
@given(record=valid_records() | broken_records().map(lambda case: case[0]) | json_values())
def test_checking_a_chat_example_is_exactly_the_chat_rules(record):
    assert check_example(record, CHAT) == check_record(record)


@settings(max_examples=150, database=None, deadline=None)
@given(record=preference_records() | json_values())
def test_checking_a_preference_example_is_exactly_the_preference_rules(record):
    assert check_example(record, PREFERENCE) == check_preference_record(record)


def test_the_conversation_of_each_kind():
    assert example_messages({"messages": [USER, ASSISTANT]}, CHAT) == [USER, ASSISTANT]
    assert example_messages(PAIR, PREFERENCE) == [USER, ASSISTANT]


def test_formats_and_kinds_have_names_for_people():
    assert kind_name(PREFERENCE) == "a preference (DPO) example"
    assert set(LABELS) == {"supervised", "tool_calling", "preference"}
