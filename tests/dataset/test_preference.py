"""ftlab.dataset.preference: the DPO record rules, with the chat rules for the prompt's messages."""

from __future__ import annotations

import pytest
from hypothesis import given

from ftlab.dataset.preference import (
    CODES,
    check_preference_record,
    conversation,
    input_record,
    is_preference_record,
    semantic_problems,
)
from ftlab.dataset.strategies import GRADING, preference_records

USER = {"role": "user", "content": "How cold is San Francisco today?"}
GOOD = [{"role": "assistant", "content": "About 14 °C this morning, rising to 20 °C: bring a light jacket."}]
BAD = [{"role": "assistant", "content": "Not cold."}]
VALID = {
    "input": {"messages": [{"role": "system", "content": "Answer weather questions."}, USER]},
    "preferred_output": GOOD,
    "non_preferred_output": BAD,
}


def codes(record: object) -> list[str]:
    return sorted({p.code for p in check_preference_record(record)})


@GRADING
@given(record=preference_records())
def test_every_generated_preference_record_is_valid(record):
    assert check_preference_record(record) == []


def test_tools_and_parallel_tool_calls_are_allowed_in_the_input():
    record = {
        **VALID,
        "input": {
            **VALID["input"],
            "tools": [{"type": "function", "function": {"name": "weather"}}],
            "parallel_tool_calls": True,
        },
    }
    assert check_preference_record(record) == []


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param([VALID], ["data_type"], id="a-list"),
        pytest.param(
            {"input": VALID["input"], "preferred_output": GOOD},
            ["missing_preference_key"],
            id="no-non-preferred",
        ),
        pytest.param({**VALID, "score": 0.9}, ["record_unrecognized_key"], id="extra-key"),
        pytest.param({**VALID, "input": [USER]}, ["invalid_input"], id="input-is-a-list"),
        pytest.param({**VALID, "input": {"messages": []}}, ["invalid_input"], id="no-input-messages"),
        pytest.param(
            {**VALID, "input": {"messages": [USER], "functions": []}},
            ["invalid_input"],
            id="functions-in-input",
        ),
        pytest.param(
            {**VALID, "input": {"messages": [USER, GOOD[0]]}},
            ["invalid_input"],
            id="input-ends-with-assistant",
        ),
        pytest.param({**VALID, "preferred_output": GOOD + BAD}, ["invalid_output"], id="two-preferred"),
        pytest.param(
            {**VALID, "non_preferred_output": []}, ["invalid_output"], id="no-non-preferred-message"
        ),
        pytest.param(
            {**VALID, "preferred_output": [{"role": "user", "content": "x"}]},
            ["invalid_output"],
            id="output-from-user",
        ),
        pytest.param(
            {**VALID, "preferred_output": [{"role": "assistant", "content": "  "}]},
            ["invalid_output"],
            id="blank-output",
        ),
        pytest.param(
            {**VALID, "preferred_output": [{**GOOD[0], "weight": 1}]},
            ["invalid_output"],
            id="weight-on-output",
        ),
        pytest.param(
            {**VALID, "input": {"messages": [{"role": "human", "content": "hi"}]}},
            ["unrecognized_role"],
            id="bad-role",
        ),
        pytest.param(
            {**VALID, "input": {"messages": [{**USER, "content": ""}]}},
            ["missing_content"],
            id="empty-prompt",
        ),
        pytest.param(
            {**VALID, "input": {"messages": [USER], "parallel_tool_calls": "yes"}},
            ["invalid_tools"],
            id="parallel-not-bool",
        ),
    ],
)
def test_each_broken_record_gives_its_codes(record, expected):
    assert codes(record) == expected
    assert set(expected) <= set(CODES) | {"unrecognized_role", "missing_content", "invalid_tools"}


def test_problems_in_the_prompt_say_where_they_are():
    problems = check_preference_record({**VALID, "input": {"messages": [{**USER, "name": "Jane Doe"}]}})
    assert [(p.code, p.message_index, p.field) for p in problems] == [("invalid_name", 0, "name")]
    assert problems[0].message.startswith("input.messages[0] (user): ")


def test_the_input_must_end_with_the_users_message():
    record = {**VALID, "input": {"messages": [USER, GOOD[0]]}}
    (problem,) = check_preference_record(record)
    assert (problem.code, problem.message_index) == ("invalid_input", 1)
    assert "must end with the user's message" in problem.message and "assistant" in problem.message


def test_the_same_answer_twice_is_a_warning():
    (problem,) = check_preference_record(
        {**VALID, "non_preferred_output": [{"role": "assistant", "content": GOOD[0]["content"] + "  "}]}
    )
    assert (problem.code, problem.severity) == ("identical_outputs", "warning")


def test_a_missing_key_names_every_missing_one():
    (problem,) = check_preference_record({"input": VALID["input"]})
    assert problem.field == "preferred_output"
    assert "'preferred_output', 'non_preferred_output'" in problem.message


def test_a_tool_result_in_the_prompt_must_answer_a_call():
    record = {
        **VALID,
        "input": {"messages": [USER, {"role": "tool", "tool_call_id": "call_9", "content": "{}"}, USER]},
    }
    assert codes(record) == ["invalid_tool_calls"]
    assert [p.code for p in semantic_problems(record)] == ["invalid_tool_calls"]


def test_preference_records_are_told_apart_from_chat_records():
    assert is_preference_record(VALID)
    assert is_preference_record({"preferred_output": GOOD})
    assert not is_preference_record({"messages": [], "input": {}})
    assert not is_preference_record({"prompt": "x"})
    assert not is_preference_record([VALID])


def test_the_input_as_a_chat_record_and_the_conversation():
    assert input_record(VALID) == {"messages": VALID["input"]["messages"]}
    assert input_record({**VALID, "input": {"messages": []}}) is None
    assert conversation(VALID) == VALID["input"]["messages"] + GOOD
    assert conversation(VALID, "non_preferred_output")[-1] == BAD[0]


def test_the_older_completion_keys_get_a_hint_about_the_rename():
    old = {
        "input": {"messages": [{"role": "user", "content": "hi"}]},
        "preferred_completion": [{"role": "assistant", "content": "a"}],
        "non_preferred_completion": [{"role": "assistant", "content": "b"}],
    }
    messages = " ".join(p.message for p in check_preference_record(old))
    assert "'preferred_completion' is now 'preferred_output'" in messages
    assert "'non_preferred_completion' is now 'non_preferred_output'" in messages
