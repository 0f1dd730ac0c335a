"""A chat record as the quality pass sees it: its system prompt, its input, its answers, as text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TypeGuard

from ftlab.dataset.quality.normalize import digest, normalize, normalized_words

_SYSTEM_ROLES = ("system", "developer")
#: System prompts repeat from line to line: their digests are remembered (up to this many).
_SYSTEM_CACHE = 64
_system_keys: dict[str, int] = {}
#: The system key of an example without a system prompt (no text hashes to -1).
NO_SYSTEM = -1


class ChatExample:
    """One chat example: its line, system prompt (or None), input text and assistant answers.

    Its keys are 64-bit digests, equal for examples (or their parts) equal once normalised. Every
    field is computed once, when the example is made (one pass over its texts).
    """

    __slots__ = (
        "answer_key",
        "answers",
        "input_key",
        "key",
        "line",
        "prompt",
        "prompt_key",
        "prompt_words",
        "system",
        "system_key",
    )

    def __init__(
        self, line: int, system: str | None, prompt: str, answers: tuple[str, ...], *, keyed: bool = True
    ) -> None:
        """With ``keyed=False`` the input's words and digest are left for ``set_prompt_key`` (which a
        batch of examples is given at once, by :mod:`ftlab.dataset.quality.texts`)."""
        self.line = line
        self.system = system
        self.prompt = prompt
        self.answers = answers
        #: ``NO_SYSTEM`` without a system prompt.
        self.system_key = system_key(system)
        self.answer_key = answer_key(answers)
        #: The input's words once normalised (None when its digest was set from a batch).
        self.prompt_words: list[str] | None = None
        if keyed:
            self.prompt_words = words = normalized_words(prompt)
            self.set_prompt_key(digest(" ".join(words).encode("utf-8", "surrogatepass")))

    def set_prompt_key(self, key: int) -> None:
        """Set the input's digest (of its normalised text, in UTF-8) and the keys made with it."""
        self.prompt_key = key
        #: Equal for examples whose system prompt and input are equal once normalised.
        self.input_key = input_key(self.system_key, key)
        #: The whole example: system prompt, input (earlier answers and tool calls too) and answer.
        self.key = example_key(self.system_key, key, self.answer_key)

    @property
    def answer(self) -> str:
        """The last assistant answer (the one the input leads to), or "" when there is none."""
        return self.answers[-1] if self.answers else ""


#: The answer key of an example without answers (the digest of no text).
NO_ANSWER = digest(b"")


def answer_key(answers: tuple[str, ...]) -> int:
    """The digest of an example's last answer, normalised, in UTF-8 (of b"" when it has none; what
    ``texts.answer_digests`` gives a batch of answers at once)."""
    return digest(normalize(answers[-1]).encode("utf-8", "surrogatepass")) if answers else NO_ANSWER


def input_key(system: int, prompt: int) -> int:
    """The digest of an example's input from its system prompt's and its input's digests."""
    return digest((system, prompt))


def example_key(system: int, prompt: int, answer: int) -> int:
    """The digest of a whole example from its parts' digests."""
    return digest((system, prompt, answer))


def system_key(system: str | None) -> int:
    """The digest of a system prompt, normalised (``NO_SYSTEM`` for None; remembered)."""
    if system is None:
        return NO_SYSTEM
    key = _system_keys.get(system)
    if key is None:
        if len(_system_keys) >= _SYSTEM_CACHE:
            _system_keys.clear()
        key = _system_keys[system] = digest(normalize(system))
    return key


def chat_example(line: int, record: object, *, keyed: bool = True) -> ChatExample | None:
    """The example in a chat record (``{"messages": [...]}``), or None for anything else (``keyed``:
    see ``ChatExample``)."""
    parts = chat_parts(record)
    return None if parts is None else ChatExample(line, *parts, keyed=keyed)


#: A chat example's parts: its system prompt (or None), its input and its answers.
Parts = tuple[str | None, str, tuple[str, ...]]


def chat_parts(record: object) -> Parts | None:
    """The parts of the example in a chat record (``{"messages": [...]}``), or None for anything else."""
    if not _mapping(record):
        return None
    messages = record.get("messages")
    if not isinstance(messages, list):
        return None
    return _plain_parts(messages) or _parts(messages)


def _parts(messages: list[object]) -> Parts:
    """The parts of any list of messages (odd ones skipped, tool calls written as JSON)."""
    system: str | None = None
    prompt: list[str] = []
    answers: list[str] = []
    last_answer = _last_answer(messages)
    for index, message in enumerate(messages):
        if not _mapping(message):
            continue
        role = message.get("role")
        if role == "assistant":
            written = _written(message)
            if written and not written.isspace():  # a tool call alone is no answer
                answers.append(written)
            if index < last_answer:
                prompt.append(_with_calls(message, written))
        elif role in _SYSTEM_ROLES:
            if system is None:
                system = content_text(message)
        elif index < last_answer or last_answer < 0:
            prompt.append(content_text(message))
    return system, "\n".join(prompt), tuple(answers)


def _plain_parts(messages: list[object]) -> Parts | None:
    """``_parts`` of messages that are all dicts with string content and no tool call (most
    records), in one walk instead of two; None for any other list."""
    system: str | None = None
    parts: list[str] = []
    answers: list[str] = []
    cut = -1  # how many of ``parts`` come before the last answer
    for message in messages:
        if type(message) is not dict:
            return None
        content = message.get("content")
        if type(content) is not str or "tool_calls" in message or "function_call" in message:
            return None
        role = message.get("role")
        if role == "assistant":
            if content and not content.isspace():
                answers.append(content)
            cut = len(parts)
            parts.append(content)
        elif role == "system" or role == "developer":
            if system is None:
                system = content
        else:
            parts.append(content)
    return system, "\n".join(parts[:cut] if cut >= 0 else parts), tuple(answers)


def _mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    """A mapping (a dict, as JSON gives, checked first: the ABC check is slow)."""
    return type(value) is dict or isinstance(value, Mapping)


def _last_answer(messages: list[object]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if _mapping(message) and message.get("role") == "assistant":
            return index
    return -1


def _written(message: Mapping[str, object]) -> str:
    """What a message says in words: its string content or its text parts joined."""
    content = message.get("content")
    if type(content) is str or isinstance(content, str):
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
    return _with_calls(message, _written(message))


def _with_calls(message: Mapping[str, object], text: str) -> str:
    """``text`` (what ``message`` says in words) followed by its tool calls as JSON, if any."""
    if "tool_calls" not in message and "function_call" not in message:
        return text
    parts = [text]
    for key in ("tool_calls", "function_call"):
        if key in message:
            parts.append(_json(message[key]))
    return "\n".join(parts)


def _json(value: object) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        return repr(type(value))
