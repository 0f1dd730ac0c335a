"""A chat record as the quality pass sees it: its system prompt, its input, its answers, as text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from ftlab.dataset.quality.normalize import digest, normalize

_SYSTEM_ROLES = ("system", "developer")


@dataclass(frozen=True)
class ChatExample:
    """One chat example: its line, system prompt (or None), input text and assistant answers."""

    line: int
    system: str | None
    prompt: str
    answers: tuple[str, ...]
    key: bytes

    @property
    def answer(self) -> str:
        """The last assistant answer (the one the input leads to), or "" when there is none."""
        return self.answers[-1] if self.answers else ""

    @property
    def length(self) -> int:
        """Characters of the input and answers together."""
        return len(self.prompt) + sum(len(a) for a in self.answers)


def chat_example(line: int, record: object) -> ChatExample | None:
    """The example in a chat record (``{"messages": [...]}``), or None for anything else."""
    if not isinstance(record, Mapping):
        return None
    messages = record.get("messages")
    if not isinstance(messages, list):
        return None
    system: str | None = None
    prompt: list[str] = []
    answers: list[str] = []
    whole: list[str] = []
    last_answer = _last_answer(messages)
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            continue
        role = message.get("role")
        role = role if isinstance(role, str) else ""
        text = content_text(message)
        whole.append(f"{role}\x01{normalize(text)}")
        if role in _SYSTEM_ROLES:
            system = text if system is None else system
        elif role == "assistant":
            written = _written(message)
            if written.strip():  # a tool call alone is no answer
                answers.append(written)
            if index < last_answer:
                prompt.append(text)
        elif index < last_answer or last_answer < 0:
            prompt.append(text)
    return ChatExample(line, system, "\n".join(prompt), tuple(answers), digest("\x00".join(whole)))


def _last_answer(messages: list[object]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, Mapping) and message.get("role") == "assistant":
            return index
    return -1


def _written(message: Mapping[str, object]) -> str:
    """What a message says in words: its string content or its text parts joined."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part["text"])
            for part in content
            if isinstance(part, Mapping) and isinstance(part.get("text"), str)
        )
    return ""


def content_text(message: Mapping[str, object]) -> str:
    """A message's text: what it says in words, and any tool calls as JSON."""
    parts = [_written(message)]
    for key in ("tool_calls", "function_call"):
        if key in message:
            parts.append(_json(message[key]))
    return "\n".join(parts)


def _json(value: object) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        return repr(type(value))
