"""Hypothesis strategies for chat records broken in exactly one way, one breaker per rule's code.

The project's tests prove each broken record breaks exactly the rule it claims to; graders use
them to check that a learner's validator finds every rule.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from ftlab.dataset.chat_strategies import TOOLS, tool_call_records, valid_records
from ftlab.dataset.records import CODES


def broken_records(
    *, codes: tuple[str, ...] | None = None
) -> st.SearchStrategy[tuple[dict[str, Any] | Any, str]]:
    """Pairs ``(record, code)``: a valid record broken in exactly one way, and the code it breaks."""
    wanted = tuple(CODES) if codes is None else codes
    unknown = [c for c in wanted if c not in _BREAKERS]
    if unknown or not wanted:
        raise ValueError(f"codes must be a non-empty selection of {', '.join(CODES)}; unknown: {unknown}")
    return st.sampled_from(wanted).flatmap(_broken_by)


@functools.cache
def _broken_by(code: str) -> st.SearchStrategy[tuple[dict[str, Any] | Any, str]]:
    """Records broken by one code's breaker, paired with the code: built once per code.

    ``flatmap`` calls this on every draw; a strategy built afresh each time would be validated
    afresh by hypothesis each time (most of a broken record's cost).
    """
    return _BREAKERS[code]().map(lambda record: (record, code))


def _plain() -> st.SearchStrategy[dict[str, Any]]:
    return valid_records(tools=False)


def _edit(record: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    messages = [dict(m) for m in record["messages"]]
    messages[index].update(changes)
    return {**record, "messages": messages}


def _drop(record: dict[str, Any], index: int, key: str) -> dict[str, Any]:
    messages = [dict(m) for m in record["messages"]]
    del messages[index][key]
    return {**record, "messages": messages}


def _user_index(record: dict[str, Any]) -> int:
    return next(i for i, m in enumerate(record["messages"]) if m["role"] == "user")


def _last_assistant(record: dict[str, Any]) -> int:
    return max(i for i, m in enumerate(record["messages"]) if m["role"] == "assistant")


_NOT_OBJECTS = st.sampled_from(["hello", 42, 3.5, True, None, ["a", "list"]])


def _data_type() -> st.SearchStrategy[Any]:
    whole = _NOT_OBJECTS
    message = st.builds(lambda r, bad: {**r, "messages": r["messages"] + [bad]}, _plain(), _NOT_OBJECTS)
    return whole | message


def _missing_messages_list() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(
        [
            {},
            {"messages": []},
            {"messages": "hi"},
            {"messages": {"role": "user"}},
            {"messages": None},
            {"tools": TOOLS},
        ]
    )


def _record_unrecognized_key() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda r, key: {**r, key: "x"},
        _plain(),
        st.sampled_from(["message", "prompt", "metadata", "id", "completion"]),
    )


def _message_missing_key() -> st.SearchStrategy[dict[str, Any]]:
    no_role = _plain().map(lambda r: _drop(r, _user_index(r), "role"))
    no_content = st.builds(
        lambda r, which: _drop(r, which(r), "content"),
        _plain(),
        st.sampled_from([_user_index, _last_assistant]),
    )
    no_call_id = tool_call_records().map(lambda r: _drop(r, len(r["messages"]) - 2, "tool_call_id"))
    return no_role | no_content | no_call_id


def _message_unrecognized_key() -> st.SearchStrategy[dict[str, Any]]:
    on_user = st.builds(
        lambda r, key: _edit(r, _user_index(r), **{key: 1}),
        _plain(),
        st.sampled_from(["weight", "tool_calls", "timestamp"]),
    )
    on_assistant = st.builds(
        lambda r, key: _edit(r, _last_assistant(r), **{key: "x"}),
        _plain(),
        st.sampled_from(["tool_call_id", "author", "metadata"]),
    )
    return on_user | on_assistant


def _unrecognized_role() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda r, role: _edit(r, _user_index(r), role=role),
        _plain(),
        st.sampled_from(["bot", "human", "User", "", "developer ", 7, None]),
    )


def _missing_content() -> st.SearchStrategy[dict[str, Any]]:
    bad = st.sampled_from(["", "   ", "\n\t", 5, None, ["text"], {"text": "hi"}])
    return st.builds(
        lambda r, which, value: _edit(r, which(r), content=value),
        _plain(),
        st.sampled_from([_user_index, _last_assistant]),
        bad,
    )


def _invalid_name() -> st.SearchStrategy[dict[str, Any]]:
    bad = st.sampled_from(["", "has space", "x" * 65, "dot.name", "émile", 12, None])
    return st.builds(lambda r, value: _edit(r, _user_index(r), name=value), _plain(), bad)


def _invalid_weight() -> st.SearchStrategy[dict[str, Any]]:
    bad = st.sampled_from([2, -1, "1", "0", True, False, 0.5, None, [1]])
    return st.builds(lambda r, value: _edit(r, _last_assistant(r), weight=value), _plain(), bad)


def _invalid_tool_calls() -> st.SearchStrategy[dict[str, Any]]:
    tool_records = tool_call_records()
    bad_calls = st.sampled_from(
        [
            [],
            "call",
            [{"id": "call_1"}],
            [{"id": "call_1", "type": "function", "function": {"name": "lookup"}}],
            [{"id": 1, "type": "function", "function": {"name": "f", "arguments": "{}"}}],
        ]
    )
    broken_call = st.builds(
        lambda r, calls: _edit(r, len(r["messages"]) - 3, tool_calls=calls), tool_records, bad_calls
    ).map(_keep_call_id)
    wrong_answer = tool_records.map(lambda r: _edit(r, len(r["messages"]) - 2, tool_call_id="call_99"))
    return broken_call | wrong_answer


def _keep_call_id(record: dict[str, Any]) -> dict[str, Any]:
    # A broken tool_calls list may lose the id the tool message answers: drop that answer's link.
    calls = record["messages"][-3]["tool_calls"]
    ids = {c.get("id") for c in calls if isinstance(c, dict)} if isinstance(calls, list) else set()
    if "call_1" in ids:
        return record
    messages = record["messages"][:-2] + [record["messages"][-1]]
    return {**record, "messages": messages}


def _invalid_tools() -> st.SearchStrategy[dict[str, Any]]:
    bad = st.sampled_from(
        [
            ("tools", "lookup"),
            ("tools", [{"type": "function"}]),
            ("tools", [{"type": "retrieval", "function": {"name": "f"}}]),
            ("tools", [{"type": "function", "function": {"description": "no name"}}]),
            ("parallel_tool_calls", "yes"),
            ("parallel_tool_calls", 1),
            ("functions", {"name": "f"}),
        ]
    )
    return st.builds(lambda r, kv: {**r, kv[0]: kv[1]}, _plain(), bad)


def _example_missing_assistant_message() -> st.SearchStrategy[dict[str, Any]]:
    return _plain().map(lambda r: {**r, "messages": [m for m in r["messages"] if m["role"] != "assistant"]})


_BREAKERS = {
    "data_type": _data_type,
    "missing_messages_list": _missing_messages_list,
    "record_unrecognized_key": _record_unrecognized_key,
    "message_missing_key": _message_missing_key,
    "message_unrecognized_key": _message_unrecognized_key,
    "unrecognized_role": _unrecognized_role,
    "missing_content": _missing_content,
    "invalid_name": _invalid_name,
    "invalid_weight": _invalid_weight,
    "invalid_tool_calls": _invalid_tool_calls,
    "invalid_tools": _invalid_tools,
    "example_missing_assistant_message": _example_missing_assistant_message,
}
