"""A chat-format record through the model's chat template: the text, and which characters are trained on.

A trained span is the assistant turn's part of the rendered text: from the end of the generation
prompt before it to the end of the turn (its end-of-turn marker included, so the model learns to
stop). It is found by rendering growing prefixes of the conversation, which works for any template
that renders a conversation as its turns in order; for templates that rewrite earlier turns (some
drop earlier reasoning) the turn's own text, then the reply's, is looked for, and used only when it
occurs exactly once. A token that straddles a span's start belongs to the side it starts on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from ftlab.errors import FtlabError


class SpanNotFound(FtlabError):
    """The template's output does not contain an assistant turn where it should be."""


@dataclass(frozen=True)
class Rendering:
    """The template's text for one record and the [start, end) character spans to train on."""

    text: str
    spans: tuple[tuple[int, int], ...]


def chat_messages(
    record: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None, list[bool]]:
    """The record's messages as Hugging Face templates expect them, its tools, and which turns to train on."""
    messages = [_message(m) for m in record["messages"]]
    trained = [m["role"] == "assistant" and m.get("weight", 1) == 1 for m in record["messages"]]
    tools = (
        record.get("tools")
        or [{"type": "function", "function": f} for f in record.get("functions") or []]
        or None
    )
    return messages, tools, trained


def _message(message: Mapping[str, Any]) -> dict[str, Any]:
    role = message["role"]
    if role == "function":
        return {"role": "tool", "name": message["name"], "content": message["content"]}
    out = {k: v for k, v in message.items() if k in ("role", "content", "name", "tool_call_id")}
    if role != "assistant":
        return out
    out["content"] = message.get("content") or ""
    calls = message.get("tool_calls") or (
        [{"type": "function", "function": message["function_call"]}] if message.get("function_call") else []
    )
    if calls:
        out["tool_calls"] = [_call(c) for c in calls]
    return out


def _call(call: Mapping[str, Any]) -> dict[str, Any]:
    function = dict(call["function"])
    with suppress(
        TypeError, ValueError
    ):  # the OpenAI format carries arguments as a JSON string; templates want the object
        function["arguments"] = json.loads(function.get("arguments", "{}"))
    return {"type": "function", **({"id": call["id"]} if "id" in call else {}), "function": function}


def render(tokenizer: Any, record: Mapping[str, Any]) -> Rendering:
    """Render a record with ``tokenizer``'s chat template and find the spans of its trained turns."""
    messages, tools, trained = chat_messages(record)
    full = _apply(tokenizer, messages, tools, prompt=False)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for index, is_trained in enumerate(trained):
        if not is_trained:
            continue
        start, end = _span(tokenizer, messages, tools, index, full, cursor)
        spans.append((start, end))
        cursor = end
    return Rendering(full, tuple(spans))


def _apply(tokenizer: Any, messages: Sequence[dict[str, Any]], tools: Any, *, prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        list(messages), tools=tools, tokenize=False, add_generation_prompt=prompt
    )


def _span(
    tokenizer: Any, messages: list[dict[str, Any]], tools: Any, index: int, full: str, cursor: int
) -> tuple[int, int]:
    try:
        before = _apply(tokenizer, messages[:index], tools, prompt=True) if index else None
        after = _apply(tokenizer, messages[: index + 1], tools, prompt=False)
    except Exception:  # noqa: BLE001 - a template may refuse a partial conversation; fall back below
        before = after = None
    if before is None or after is None or not after.startswith(before) or len(after) == len(before):
        return _find_once(tokenizer, messages[index].get("content") or "", full, cursor, eos=True)
    if full.startswith(after) and full.startswith(before) and cursor <= len(before):
        return len(before), len(after)
    try:  # the template rewrites earlier turns: look for this turn's own text instead
        return _find_once(tokenizer, after[len(before) :], full, cursor, eos=False)
    except SpanNotFound:
        return _find_once(tokenizer, messages[index].get("content") or "", full, cursor, eos=True)


def _find_once(tokenizer: Any, text: str, full: str, cursor: int, *, eos: bool) -> tuple[int, int]:
    """The span of ``text`` in ``full`` after ``cursor``, only when it occurs there exactly once."""
    if not text.strip() or full.count(text, cursor) != 1:
        raise SpanNotFound(
            "the model's chat template rewrites or hides this assistant turn, so ftlab cannot tell "
            'which tokens are the reply; set "weight": 0 on it or use another instruct model '
            "(SmolLM2, Qwen2.5 and Llama 3.x templates work)"
        )
    start = full.index(text, cursor)
    end = start + len(text)
    marker = getattr(tokenizer, "eos_token", None)
    if eos and marker and full.startswith(marker, end):
        end += len(marker)
    return start, end
