"""ftlab.dataset.chat_strategies: valid chat records that follow every rule, and mean what they say."""

from __future__ import annotations

import pytest
from hypothesis import given

from ftlab.dataset.chat_strategies import names, texts, tool_call_records, valid_records
from ftlab.dataset.records import codes


@given(text=texts(max_size=5))
def test_texts_always_have_a_visible_character_and_respect_the_size(text):
    assert text.strip() and len(text) <= 5


@given(name=names())
def test_names_are_valid_names(name):
    assert (
        codes(
            {
                "messages": [
                    {"role": "user", "content": "x", "name": name},
                    {"role": "assistant", "content": "y"},
                ]
            }
        )
        == []
    )


@given(record=valid_records(max_turns=2))
def test_valid_records_break_no_rule_and_keep_to_their_turns(record):
    assert codes(record) == []
    assert sum(m["role"] == "user" for m in record["messages"]) <= 2


@given(record=valid_records(tools=False))
def test_without_tools_a_record_has_no_tool_call(record):
    assert "tools" not in record and all("tool_calls" not in m for m in record["messages"])


@given(record=tool_call_records())
def test_a_tool_call_record_ends_with_the_call_its_result_and_the_answer(record):
    call, result, answer = record["messages"][-3:]
    assert codes(record) == []
    assert call["tool_calls"][0]["id"] == result["tool_call_id"] == "call_1"
    assert (result["role"], answer["role"]) == ("tool", "assistant")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: texts(max_size=0), "max_size must be at least 1"),
        (lambda: valid_records(max_turns=0), "max_turns must be at least 1"),
        (lambda: tool_call_records(max_turns=0), "max_turns must be at least 1"),
    ],
)
def test_bad_arguments_fail_at_once(call, message):
    with pytest.raises(ValueError, match=message):
        call()
