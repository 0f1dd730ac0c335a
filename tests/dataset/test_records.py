"""The chat-format record rules: every code, its wording, and the schema behind them."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given

from ftlab.dataset.records import CODES, check_record, codes, schema
from ftlab.dataset.strategies import GRADING, broken_records, valid_records
from tests.paths import ROOT

USER = {"role": "user", "content": "hi"}
BOT = {"role": "assistant", "content": "hello"}


def test_the_shipped_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(schema())


@given(record=valid_records())
def test_every_valid_record_has_no_problems(record):
    assert check_record(record) == []


@GRADING
@given(case=broken_records())
def test_a_record_broken_one_way_has_exactly_that_code(case):
    record, code = case
    assert codes(record) == [code]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"messages": [USER, BOT], "tools": "x", "prompt": 1}, ["invalid_tools", "record_unrecognized_key"]),
        ({"messages": []}, ["missing_messages_list"]),
        (
            {"messages": [{"role": "bot", "content": ""}, {"role": "user"}, {**BOT, "weight": "1"}]},
            ["message_missing_key", "invalid_weight", "unrecognized_role"],
        ),
        (
            {
                "messages": [
                    USER,
                    {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}},
                    {"role": "function", "name": "f", "content": "1"},
                    BOT,
                ]
            },
            [],
        ),
    ],
)
def test_codes_of_records_breaking_several_rules(record, expected):
    assert sorted(codes(record)) == sorted(expected)


def test_problems_name_the_message_and_field():
    [problem] = check_record({"messages": [USER, {**BOT, "weight": 2}]})
    assert (problem.code, problem.message_index, problem.field) == ("invalid_weight", 1, "weight")
    assert (
        problem.message
        == "messages[1] (assistant): weight must be 0 (don't train on this turn) or 1 (train on it), got 2"
    )


def test_an_unknown_key_is_named_with_what_is_allowed():
    [problem] = check_record({"messages": [{**USER, "wieght": 1}, BOT]})
    assert (
        problem.message
        == "messages[0] (user): 'wieght' not allowed on a user message; allowed: 'content', 'name', 'role'"
    )


def test_a_tool_result_must_answer_an_earlier_call():
    call = {
        "role": "assistant",
        "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
    }
    late = {"messages": [USER, {"role": "tool", "tool_call_id": "a", "content": "1"}, call, BOT]}
    assert codes(late) == ["invalid_tool_calls"]
    assert codes({"messages": [USER, call, {"role": "tool", "tool_call_id": "a", "content": "1"}, BOT]}) == []


def test_problem_order_is_stable_record_level_first():
    problems = check_record({"messages": [{"role": "x", "content": "1"}, BOT, "s"], "extra": 1})
    assert [p.message_index for p in problems] == [None, 0, 2]


def test_the_exercise_docstring_documents_every_code():

    text = (ROOT / "exercises" / "ex2_validate_record.py").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"``{code}``" not in text]
    assert not missing, f"exercises/ex2_validate_record.py does not document {missing}"


def test_problems_serialise_without_empty_fields():
    [problem] = check_record([])
    assert json.loads(json.dumps(problem.to_dict())) == {
        "code": "data_type",
        "message": "each line must be a JSON object, got a list",
        "severity": "error",
    }


def test_a_name_ending_in_a_newline_is_invalid_though_a_python_dollar_would_allow_it():
    record = {"messages": [{"role": "user", "content": "hi", "name": "bob\n"}, BOT]}
    assert codes(record) == ["invalid_name"]
