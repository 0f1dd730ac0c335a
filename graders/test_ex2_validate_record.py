"""Grader for exercise 2: validate a training record.

The expected codes always come from the engine's rules (``ftlab.dataset.records``), never from a
list typed here, so the exercise and ``ftlab validate`` can never disagree.

PYTEST_DONT_REWRITE: a failed check says what its message says, nothing more, so two gradings of
one submission give the same feedback (pytest's explanations show reprs: addresses, temp paths).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ftlab.dataset.records import codes
from ftlab.grading.stored_examples import replayed

USER = {"role": "user", "content": "My invoice shows the wrong VAT number."}
ASSISTANT = {
    "role": "assistant",
    "content": "Category: billing\nPriority: P3\nSummary: Invoice has the wrong VAT number.",
}
SYSTEM = {"role": "system", "content": "You triage Acme Cloud support emails."}
CALL = {
    "role": "assistant",
    "tool_calls": [
        {
            "id": "call_7",
            "type": "function",
            "function": {"name": "find_invoice", "arguments": '{"month": "2026-10"}'},
        }
    ],
}
RESULT = {"role": "tool", "tool_call_id": "call_7", "content": '{"vat": "DE123"}'}
TOOLS = [{"type": "function", "function": {"name": "find_invoice", "parameters": {"type": "object"}}}]

VALID = [
    pytest.param({"messages": [USER, ASSISTANT]}, id="user-assistant"),
    pytest.param({"messages": [SYSTEM, USER, ASSISTANT]}, id="with-system"),
    pytest.param(
        {"messages": [SYSTEM, USER, {**ASSISTANT, "weight": 0}, USER, {**ASSISTANT, "weight": 1}]},
        id="multi-turn-weights",
    ),
    pytest.param({"messages": [{**USER, "name": "customer_42"}, ASSISTANT]}, id="named-user"),
    pytest.param(
        {"messages": [USER, CALL, RESULT, ASSISTANT], "tools": TOOLS, "parallel_tool_calls": False},
        id="tool-call",
    ),
    pytest.param(
        {"messages": [USER, {**CALL, "content": None}, RESULT, ASSISTANT], "tools": TOOLS},
        id="tool-call-null-content",
    ),
]

# One hand-written record per code: (record, the hint a learner needs when they miss it).
BROKEN = [
    pytest.param(
        ["not", "an", "object"],
        "Task 1.1: a line that isn't a JSON object is 'data_type' (and nothing else)",
        id="data_type",
    ),
    pytest.param(
        {"messages": [USER, "just a string", ASSISTANT]},
        "Task 2.1: a message that isn't a dict is 'data_type' too",
        id="data_type-message",
    ),
    pytest.param(
        {"messages": []},
        "Task 1.2: an empty messages list is 'missing_messages_list', with no message-level codes",
        id="missing_messages_list",
    ),
    pytest.param(
        {"message": [USER, ASSISTANT]},
        "Tasks 1.2-1.3: a misspelt 'message' key is 'missing_messages_list' and 'record_unrecognized_key'",
        id="record_unrecognized_key",
    ),
    pytest.param(
        {"messages": [{"content": "hi"}, ASSISTANT]},
        "Task 2.2: a message with no 'role' is 'message_missing_key'",
        id="message_missing_key",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant"}]},
        "Task 2.2: an assistant without content (and without tool_calls) is 'message_missing_key'",
        id="message_missing_key-content",
    ),
    pytest.param(
        {"messages": [{**USER, "weight": 1}, ASSISTANT]},
        "Task 2.3: 'weight' is only allowed on assistant messages: 'message_unrecognized_key'",
        id="message_unrecognized_key",
    ),
    pytest.param(
        {"messages": [{"role": "human", "content": "hi"}, ASSISTANT]},
        "Task 2.4: roles are system, user, assistant, tool, function: 'human' is 'unrecognized_role'",
        id="unrecognized_role",
    ),
    pytest.param(
        {"messages": [{**USER, "content": "   "}, ASSISTANT]},
        "Task 2.5: whitespace-only content is 'missing_content'",
        id="missing_content",
    ),
    pytest.param(
        {"messages": [USER, {**ASSISTANT, "content": 42}]},
        "Task 2.5: content must be a string: a number is 'missing_content'",
        id="missing_content-number",
    ),
    pytest.param(
        {"messages": [{**USER, "name": "Jane Doe"}, ASSISTANT]},
        "Task 2.6: a name with a space is 'invalid_name' (letters, digits, _ and - only)",
        id="invalid_name",
    ),
    pytest.param(
        {"messages": [USER, {**ASSISTANT, "weight": 2}]},
        "Task 2.7: weight must be 0 or 1: 2 is 'invalid_weight'",
        id="invalid_weight",
    ),
    pytest.param(
        {"messages": [USER, {**ASSISTANT, "weight": True}]},
        "Task 2.7: True is not the integer 1 here: 'invalid_weight'",
        id="invalid_weight-bool",
    ),
    pytest.param(
        {"messages": [USER, {**RESULT, "tool_call_id": "call_9"}, ASSISTANT], "tools": TOOLS},
        "Task 3.2: a tool result must answer an earlier tool call: 'invalid_tool_calls'",
        id="invalid_tool_calls",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant", "tool_calls": []}, ASSISTANT]},
        "Task 3.2: an empty tool_calls list is 'invalid_tool_calls'",
        id="invalid_tool_calls-empty",
    ),
    pytest.param(
        {"messages": [USER, ASSISTANT], "tools": [{"type": "function"}]},
        "Task 3.3: each tool needs a 'function' with a 'name': 'invalid_tools'",
        id="invalid_tools",
    ),
    pytest.param(
        {"messages": [USER, ASSISTANT], "parallel_tool_calls": "yes"},
        "Task 3.3: parallel_tool_calls must be True or False: 'invalid_tools'",
        id="invalid_tools-parallel",
    ),
    pytest.param(
        {"messages": [SYSTEM, USER]},
        "Task 3.1: with no assistant message there is nothing to learn: 'example_missing_assistant_message'",
        id="example_missing_assistant_message",
    ),
]

# Records breaking several rules at once; their codes are not shown to learners.
HIDDEN = [
    pytest.param(
        {
            "messages": [
                {"role": "bot", "content": ""},
                {"role": "user"},
                {"role": "assistant", "content": "ok", "weight": "1"},
            ]
        },
        id="three-problems",
    ),
    pytest.param({"messages": "hello", "prompt": "x", "tools": "none"}, id="record-level"),
    pytest.param({"messages": [USER, {"role": "tool", "content": "42"}, 7]}, id="tool-and-data-type"),
    pytest.param(
        {
            "messages": [
                {"role": "function", "content": "x"},
                {"role": "assistant", "function_call": {"name": "f"}},
            ]
        },
        id="legacy-function",
    ),
    pytest.param(
        {
            "messages": [{**USER, "name": ""}, {**ASSISTANT, "tool_call_id": "c", "weight": 0.5}],
            "functions": [{"name": "f"}],
        },
        id="name-key-weight",
    ),
]


# Task 1-3: valid records ---------------------------------------------------------------------


@pytest.mark.points(
    1,
    task=1,
    hint="a valid record must give [] (an empty list): check what you add for records that are fine",
)
@pytest.mark.parametrize("record", VALID)
def test_valid_records_have_no_codes(exercise, record):
    got = exercise.validate_record(record)
    assert got == [], f"this record is valid but you returned {got!r}"


# Tasks 1-3: one record per code ---------------------------------------------------------------


@pytest.mark.parametrize(("record", "hint"), BROKEN)
@pytest.mark.points(
    1,
    hint="Tasks 1-3: compare your codes with the rule this record's own hint names",
)
def test_each_broken_record_gives_its_codes(exercise, record, hint):
    expected = codes(record)
    got = exercise.validate_record(copy.deepcopy(record))
    assert got == expected, f"{hint}; expected {expected!r}, you returned {got!r}"


@pytest.mark.points(
    1,
    visibility="hidden",
    hint="Tasks 1-3: revisit records breaking several rules at once: every code they break, sorted, once",
)
@pytest.mark.parametrize("record", HIDDEN)
def test_records_breaking_several_rules(exercise, record):
    got, expected = exercise.validate_record(copy.deepcopy(record)), codes(record)
    assert got == expected, f"expected {expected!r}, you returned {got!r}"


@pytest.mark.points(1, task=1, hint="return the codes sorted, each one once (use sorted(set(...)))")
def test_codes_are_sorted_and_distinct(exercise):
    record = {
        "messages": [
            {"role": "bot", "content": "x"},
            {"role": "user", "content": ""},
            {"role": "user", "content": ""},
        ],
        "prompt": 1,
    }
    got = exercise.validate_record(record)
    assert got == codes(record), f"expected {codes(record)!r}, you returned {got!r}"


# Property checks: agree with the engine on records hypothesis makes --------------------------------
# (made once and stored in examples/; ftlab.grading.stored_examples replays them)


def _valid_records() -> dict[str, Any]:
    from ftlab.dataset.strategies import valid_records

    return {"record": valid_records()}


def _broken_records() -> dict[str, Any]:
    from ftlab.dataset.strategies import broken_records

    return {"case": broken_records()}


@pytest.mark.points(
    3, hint="Tasks 1-3: some valid record got a code: compare the falsifying example with the rules"
)
@replayed("record", strategies=_valid_records, calls=lambda record: [("validate_record", (record,), {})])
def test_every_valid_record_passes(exercise, record):
    got = exercise.validate_record(record)
    assert got == [], (
        f"this record is valid but you returned {got!r}:\n{json.dumps(record, ensure_ascii=False)}"
    )


@pytest.mark.points(4, hint="Tasks 1-3: a record broken in exactly one way must give exactly that one code")
@replayed("case", strategies=_broken_records, calls=lambda case: [("validate_record", (case[0],), {})])
def test_a_record_broken_one_way_gives_exactly_that_code(exercise, case):
    record, code = case
    got = exercise.validate_record(record)
    assert got == [code], (
        f"this record breaks only '{code}', but you returned"
        f" {got!r}:\n{json.dumps(record, ensure_ascii=False)}"
    )


@pytest.mark.points(
    1,
    task=1,
    visibility="hidden",
    hint="revisit what validate_record does with a line that is JSON but not an object (null, a number)",
)
@pytest.mark.parametrize("record", [None, 3, "messages", True], ids=["null", "number", "string", "true"])
def test_any_json_value_is_handled(exercise, record):
    got = exercise.validate_record(record)
    assert got == ["data_type"], f"expected ['data_type'], you returned {got!r}"
