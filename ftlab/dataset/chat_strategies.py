"""Hypothesis strategies for valid chat records: texts, names, turns, and records with a tool call.

Helpers are keyword-only and check their arguments eagerly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

#: the characters of message texts, those one of them begins with, and those of names
READABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?'-:;()/\n\téüñß€🌙中"
VISIBLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éñ€🌙中"
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"


def texts(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Readable message text with at least one visible character; newlines and a little non-ASCII too."""
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1, got {max_size}")
    body = st.text(st.sampled_from(READABLE), max_size=max_size - 1)
    return st.builds(lambda head, tail: (head + tail)[:max_size], st.sampled_from(VISIBLE), body)


def names() -> st.SearchStrategy[str]:
    """A valid ``name``: 1-64 letters, digits, '_' or '-'."""
    return st.text(st.sampled_from(NAME_CHARS), min_size=1, max_size=64)


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


def tool_call(call_id: str) -> dict[str, Any]:
    """The assistant's message calling ``lookup`` (the one tool in ``TOOLS``) with the id ``call_id``."""
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": "lookup", "arguments": '{"q": "x"}'}}
        ],
    }


def _tool_turn(call_id: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    call = tool_call(call_id)
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
    """Valid records: an optional system message, 1..max_turns user/assistant turns, maybe a tool call."""
    if max_turns < 1:
        raise ValueError(f"max_turns must be at least 1, got {max_turns}")
    turn = st.tuples(_message("user", with_name=True), _assistant()).map(list)
    plain = st.builds(
        lambda system, turns: {"messages": ([system] if system else []) + [m for t in turns for m in t]},
        st.none() | _message("system"),
        st.lists(turn, min_size=1, max_size=max_turns),
    )
    return plain | _with_tool_call(plain) if tools else plain


def tool_call_records(*, max_turns: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Valid records whose last three messages are a tool call (id ``call_1``), its result and the answer."""
    return _with_tool_call(valid_records(max_turns=max_turns, tools=False))


def _with_tool_call(plain: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda record, turn: {"messages": record["messages"] + turn, "tools": TOOLS},
        plain,
        _tool_turn("call_1"),
    )
