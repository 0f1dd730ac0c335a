"""Valid chat and preference records and any JSON value for the CLI fuzz tests, in a few hypothesis
choices each.

The records of ``ftlab.dataset.chat_strategies`` and ``preference_records`` (an optional system
message, 1-3 user/assistant turns, names, weights, a tool call; a prompt ending with the user and
two different answers), with the same characters, but every text drawn as bytes mapped onto those
characters and the record's shape as one integer; and the values of ``json_values`` (null, booleans,
small integers, any finite float, the words and keys records use, any short key, in lists and
objects), read from one string of bytes: a few choices per record instead of dozens of nested
draws, which made generating the files most of the fuzz tests' time. The graders keep
``chat_strategies`` itself (their stored examples were generated from it).
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from ftlab.dataset.chat_strategies import NAME_CHARS, READABLE, TOOLS, VISIBLE, tool_call

#: not a readable character: where one text of a record's drawn text ends and the next begins
_SEPARATOR = "|"
_MAX_TEXT = 40
_WEIGHTS = (None, None, 0, 1)  # as chat_strategies: no weight half the time


def _onto(alphabet: str) -> dict[int, str]:
    """A ``str.translate`` table mapping each byte (as a latin-1 character) onto the alphabet."""
    return {byte: alphabet[byte % len(alphabet)] for byte in range(256)}


_HEADS, _BODIES, _NAME_TABLE = _onto(VISIBLE), _onto(READABLE + _SEPARATOR), _onto(NAME_CHARS)
_SHAPES = st.integers(0, 2**16 - 1)
_PARALLEL = st.sampled_from([None, True, False])
_NAMES = st.binary(min_size=1, max_size=64).map(lambda raw: raw.decode("latin-1").translate(_NAME_TABLE))


@functools.cache
def _bytes(min_size: int, max_size: int) -> st.SearchStrategy[bytes]:
    """Built once per size: hypothesis validates each new strategy object it draws from."""
    return st.binary(min_size=min_size, max_size=max_size)


def _texts(draw: st.DrawFn, count: int) -> list[str]:
    """``count`` texts of 1-40 readable characters, each beginning with a visible one."""
    heads = draw(_bytes(count, count)).decode("latin-1").translate(_HEADS)
    raw = draw(_bytes(0, _MAX_TEXT * count)).decode("latin-1").translate(_BODIES)
    bodies = raw.split(_SEPARATOR)[:count]
    bodies += [""] * (count - len(bodies))
    return [(head + body)[:_MAX_TEXT] for head, body in zip(heads, bodies, strict=True)]


@st.composite
def chat_records(draw: st.DrawFn, *, max_turns: int = 3, tools: bool = True) -> dict[str, Any]:
    """A valid chat record: maybe a system message, 1..max_turns turns (names, weights), maybe a tool call."""
    shape = draw(_SHAPES)
    system, shape = shape & 1, shape >> 1
    turns, shape = 1 + shape % max_turns, shape // max_turns
    with_tool, shape = bool(tools and shape & 1), shape >> 1
    texts = _texts(draw, system + 2 * turns + 2 * with_tool)
    name = draw(_NAMES) if shape & 1 else None
    messages = [{"role": "system", "content": texts.pop()}] if system else []
    for turn in range(turns):
        user: dict[str, Any] = {"role": "user", "content": texts.pop()}
        if name is not None and shape >> (1 + turn) & 1:
            user["name"] = name
        answer: dict[str, Any] = {"role": "assistant", "content": texts.pop()}
        weight = _WEIGHTS[shape >> (4 + 2 * turn) & 3]
        if weight is not None:
            answer["weight"] = weight
        messages += [user, answer]
    if not with_tool:
        return {"messages": messages}
    result = {"role": "tool", "tool_call_id": "call_1", "content": texts.pop()}
    answer = {"role": "assistant", "content": texts.pop()}
    return {"messages": [*messages, tool_call("call_1"), result, answer], "tools": TOOLS}


_PROMPTS = chat_records(max_turns=2, tools=False)


@st.composite
def preference_records(draw: st.DrawFn) -> dict[str, Any]:
    """A valid preference record: a prompt of 1-2 turns ending with the user, two different answers."""
    prompt = draw(_PROMPTS)["messages"][:-1]
    preferred, other = _texts(draw, 2)
    if preferred.strip() == other.strip():
        other += "!"  # two answers the same teach nothing: a warning, not what this kind is for
    parallel = draw(_PARALLEL)
    return {
        "input": {"messages": prompt, **({"parallel_tool_calls": parallel} if parallel is not None else {})},
        "preferred_output": [{"role": "assistant", "content": preferred}],
        "non_preferred_output": [{"role": "assistant", "content": other}],
    }


#: as ``json_values``: the keys records use, and the words their values often are
_KEYS = ("messages", "role", "content", "name", "weight", "input", "preferred_output")
_KEYS += ("non_preferred_output", "tools", "tool_calls", "x")
_WORDS = ("user", "assistant", "system", "tool", "hi", "", " ")
_SURROGATES = range(0xD800, 0xE000)


class _Reader:
    """The drawn bytes, one at a time; zeros once they run out."""

    def __init__(self, raw: bytes) -> None:
        self._bytes: Iterator[int] = iter(raw)

    def byte(self) -> int:
        return next(self._bytes, 0)

    def bytes(self, n: int) -> bytes:
        return bytes(self.byte() for _ in range(n))


def _key(read: _Reader) -> str:
    if read.byte() & 1:
        return _KEYS[read.byte() % len(_KEYS)]
    points = (int.from_bytes(read.bytes(3), "big") % 0x110000 for _ in range(read.byte() % 6))
    return "".join(chr(p - 0x800 if p in _SURROGATES else p) for p in points)  # any character but a surrogate


def _leaf(read: _Reader) -> Any:
    kind = read.byte() % 5
    if kind == 0:
        return None
    if kind == 1:
        return bool(read.byte() & 1)
    if kind == 2:
        return read.byte() % 5 - 2
    if kind == 3:
        number = struct.unpack("<d", read.bytes(8))[0]
        return number if math.isfinite(number) else 0.0
    return _WORDS[read.byte() % len(_WORDS)]


def _value(read: _Reader, leaves: list[int]) -> Any:
    """A leaf, or a list or an object of up to 4 values while fewer than ``leaves[0]`` leaves are made."""
    kind = read.byte() % 4
    if kind < 2 or leaves[0] <= 1:
        leaves[0] -= 1
        return _leaf(read)
    items = []
    for _ in range(read.byte() % 5):
        if leaves[0] <= 0:
            break
        items.append((_key(read), _value(read, leaves)) if kind == 3 else _value(read, leaves))
    return dict(items) if kind == 3 else items


def json_values(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value of at most ``max_leaves`` leaves, read from one drawn string of bytes."""
    return _bytes(0, 24 * max_leaves).map(lambda raw: _value(_Reader(raw), [max_leaves]))
