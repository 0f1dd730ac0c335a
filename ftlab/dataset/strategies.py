"""Hypothesis strategies for training records: valid ones, and ones broken in exactly one way.

Graders use them for differential checks (the learner's validator must agree with
``ftlab.dataset.records``); the project's tests prove each broken record breaks exactly the rule it
claims to. Helpers are keyword-only and check their arguments eagerly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from ftlab.dataset.records import CODES

#: Settings for graded property checks: the same examples every run, so a score never flickers,
#: and no shrinking, so a learner sees the first failing example at once instead of waiting.
GRADING = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_READABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?'-:;()/\n\téüñß€🌙中"
_VISIBLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éñ€🌙中"
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"


def texts(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Readable message text with at least one visible character; newlines and a little non-ASCII too."""
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1, got {max_size}")
    body = st.text(st.sampled_from(_READABLE), max_size=max_size - 1)
    return st.builds(lambda head, tail: (head + tail)[:max_size], st.sampled_from(_VISIBLE), body)


def names() -> st.SearchStrategy[str]:
    """A valid ``name``: 1-64 letters, digits, '_' or '-'."""
    return st.text(st.sampled_from(_NAME_CHARS), min_size=1, max_size=64)


def _message(role: str, *, with_name: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    base = st.builds(lambda content: {"role": role, "content": content}, texts())
    if not with_name:
        return base
    return st.builds(lambda m, name: {**m, "name": name} if name else m, base, st.none() | names())


def _assistant() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda m, weight: {**m, "weight": weight} if weight is not None else m,
        _message("assistant"),
        st.sampled_from([None, None, 0, 1]),
    )


def _tool_turn(call_id: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": "lookup", "arguments": '{"q": "x"}'}}
        ],
    }
    return st.builds(
        lambda result, answer: [call, {"role": "tool", "tool_call_id": call_id, "content": result}, answer],
        texts(),
        _message("assistant"),
    )


TOOLS = [
    {
        "type": "function",
        "function": {"name": "lookup", "description": "Look something up", "parameters": {"type": "object"}},
    }
]


def valid_records(*, max_turns: int = 3, tools: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Records that follow every rule: optional system, 1..max_turns user/assistant turns, maybe a tool call."""
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")
    turn = st.tuples(_message("user", with_name=True), _assistant()).map(list)
    plain = st.builds(
        lambda system, turns: {"messages": ([system] if system else []) + [m for t in turns for m in t]},
        st.none() | _message("system"),
        st.lists(turn, min_size=1, max_size=max_turns),
    )
    return plain | _with_tool_call(plain) if tools else plain


def _with_tool_call(plain: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Records that end with a tool call, its result and the answer (the last three messages)."""
    return st.builds(
        lambda record, turn: {"messages": record["messages"] + turn, "tools": TOOLS},
        plain,
        _tool_turn("call_1"),
    )


def broken_records(
    *, codes: tuple[str, ...] | None = None
) -> st.SearchStrategy[tuple[dict[str, Any] | Any, str]]:
    """Pairs ``(record, code)``: a valid record broken in exactly one way, and the code it breaks."""
    wanted = tuple(CODES) if codes is None else codes
    unknown = [c for c in wanted if c not in _BREAKERS]
    if unknown or not wanted:
        raise ValueError(f"codes must be a non-empty selection of {', '.join(CODES)}; unknown: {unknown}")
    return st.sampled_from(wanted).flatmap(lambda code: _BREAKERS[code]().map(lambda record: (record, code)))


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
    no_call_id = _with_tool_call(_plain()).map(lambda r: _drop(r, len(r["messages"]) - 2, "tool_call_id"))
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
    tool_records = _with_tool_call(_plain())
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


def preference_records(*, max_turns: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """Valid preference (DPO) records: a chat prompt ending with the user, two different answers."""
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")
    prompt = valid_records(max_turns=max_turns, tools=False).map(lambda r: r["messages"][:-1])
    answers = st.lists(texts(), min_size=2, max_size=2, unique_by=str.strip)
    return st.builds(
        lambda messages, pair, parallel: {
            "input": {
                "messages": messages,
                **({"parallel_tool_calls": parallel} if parallel is not None else {}),
            },
            "preferred_output": [{"role": "assistant", "content": pair[0]}],
            "non_preferred_output": [{"role": "assistant", "content": pair[1]}],
        },
        prompt,
        answers,
        st.none() | st.booleans(),
    )


def json_values(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value (what a line of a file can hold), with keys records often use."""
    if max_leaves < 1:
        raise ValueError(f"max_leaves must be at least 1, got {max_leaves}")
    keys = st.sampled_from(
        [
            "messages",
            "role",
            "content",
            "name",
            "weight",
            "input",
            "preferred_output",
            "non_preferred_output",
            "tools",
            "tool_calls",
            "x",
        ]
    ) | st.text(max_size=5)
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(-2, 2)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.sampled_from(["user", "assistant", "system", "tool", "hi", "", " "])
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=max_leaves,
    )
