"""tests.cli.fuzz_records: the fuzz tests' quick records are valid and reach every shape the strategies do."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings

from ftlab.dataset.chat_strategies import NAME_CHARS, READABLE, VISIBLE
from ftlab.dataset.preference import check_preference_record
from ftlab.dataset.records import check_record
from tests.cli.fuzz_records import chat_records, json_values, preference_records

SAMPLE = settings(derandomize=True, database=None, max_examples=300)


def shape(messages: list[dict[str, Any]]) -> set[str]:
    """What a record's messages show of its shape: system or not, turns, names, weights, a tool call."""
    roles = [m["role"] for m in messages]
    seen = {"system" if roles[0] == "system" else "no system", f"{roles.count('user')} turns"}
    seen |= {"named" for m in messages if "name" in m}
    seen |= {f"weight {m.get('weight')}" for m in messages if m["role"] == "assistant" and m["content"]}
    seen |= {"tool call" for m in messages if "tool_calls" in m}
    return seen


def texts_of(messages: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for m in messages if m["content"] is not None]


def test_chat_records_break_no_rule_and_reach_every_shape_and_character():
    seen: set[str] = set()
    characters: set[str] = set()

    @SAMPLE
    @given(record=chat_records())
    def draw(record):
        assert check_record(record) == []
        messages = record["messages"]
        for text in texts_of(messages):
            assert 1 <= len(text) <= 40 and text[0] in VISIBLE and set(text) <= set(READABLE), text
            characters.update(text)
        assert all(set(m["name"]) <= set(NAME_CHARS) for m in messages if "name" in m)
        seen.update(shape(messages))

    draw()
    assert seen == {
        "system",
        "no system",
        "1 turns",
        "2 turns",
        "3 turns",
        "named",
        "weight None",
        "weight 0",
        "weight 1",
        "tool call",
    }
    assert characters == set(READABLE)


def test_chat_records_without_tools_have_no_tool_call_and_keep_to_their_turns():
    @SAMPLE
    @given(record=chat_records(max_turns=2, tools=False))
    def draw(record):
        assert "tools" not in record and not {"tool call", "3 turns"} & shape(record["messages"])

    draw()


def test_preference_records_follow_the_preference_rules_with_and_without_parallel_calls():
    seen: set[Any] = set()

    @SAMPLE
    @given(record=preference_records())
    def draw(record):
        assert check_preference_record(record) == []
        seen.add(record["input"].get("parallel_tool_calls"))
        seen.update(shape(record["input"]["messages"]) & {"system", "no system", "1 turns", "2 turns"})

    draw()
    assert seen == {None, True, False, "system", "no system", "1 turns", "2 turns"}


def kinds_in(value: Any, depth: int = 0) -> set[str]:
    """The kinds of JSON a value holds: leaves by type, lists and objects by depth, record keys, odd keys."""
    if isinstance(value, list):
        return {f"list at {min(depth, 1)}"}.union(*(kinds_in(v, depth + 1) for v in value))
    if isinstance(value, dict):
        keys = {"record key" if k in ("messages", "role", "content") else "other key" for k in value}
        keys |= {"non-ASCII key" for k in value if not k.isascii()}
        return {f"object at {min(depth, 1)}", *keys}.union(*(kinds_in(v, depth + 1) for v in value.values()))
    if isinstance(value, float):
        return {"float", *(["large float"] if abs(value) > 1e6 else [])}
    return {"word" if isinstance(value, str) else type(value).__name__}


def leaves(value: Any) -> int:
    if isinstance(value, list | dict):
        return sum(leaves(v) for v in (value.values() if isinstance(value, dict) else value))
    return 1


def test_json_values_are_json_of_every_kind_within_their_leaves():
    seen: set[str] = set()

    @SAMPLE
    @given(value=json_values(max_leaves=6))
    def draw(value):
        assert json.loads(json.dumps(value, allow_nan=False)) == value and leaves(value) <= 6
        seen.update(kinds_in(value))

    draw()
    assert seen == {
        "NoneType",
        "bool",
        "int",
        "float",
        "large float",
        "word",
        "list at 0",
        "list at 1",
        "object at 0",
        "object at 1",
        "record key",
        "other key",
        "non-ASCII key",
    }
