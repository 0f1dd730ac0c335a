"""Chat-format token counts, as in OpenAI's cookbook "How to count tokens with tiktoken".

Rules (deterministic, the same for every model ftlab counts):
- every message costs 3 tokens of framing, every reply is primed with 3 more;
- every value of a message is encoded, and a ``name`` costs 1 token more;
- strings are encoded as ordinary text (special-token text such as "<|endoftext|>" counts as
  the plain text it is, as the API treats it); ``None`` values count nothing;
- other values (``tool_calls``, ``function_call``, content parts, numbers, booleans) are
  encoded as compact JSON (``separators=(",", ":")``, keys in their given order, non-ASCII kept);
- ``weight`` counts nothing: it steers training and is never shown to the model.
A training example's top-level ``tools``/``functions`` are not counted, as in OpenAI's
data-preparation notebook.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import tiktoken

from ftlab.errors import FtlabError
from ftlab.tokens.encodings import get_encoding
from ftlab.tokens.models import encoding_name_for_model

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
UNSENT_KEYS = frozenset({"weight"})
GENERATED_KEYS = ("content", "tool_calls", "function_call")


class UncountableMessages(FtlabError, TypeError):
    """Input that is not a list of chat messages, with where it went wrong."""

    def __init__(
        self,
        detail: str,
        *,
        message_index: int | None = None,
        field: str | None = None,
        example_index: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.message_index = message_index
        self.field = field
        self.example_index = example_index

    def at_example(self, index: int) -> UncountableMessages:
        """The same problem, located in example ``index`` (0-based)."""
        return UncountableMessages(
            self.detail, message_index=self.message_index, field=self.field, example_index=index
        )

    def __str__(self) -> str:
        where = []
        if self.example_index is not None:
            where.append(f"example {self.example_index}")
        if self.message_index is not None:
            where.append(f"message {self.message_index}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.detail}" if where else self.detail


def encoding_for_model(model: str) -> tiktoken.Encoding:
    """The loaded encoding for a model name (UnknownModel if ftlab cannot count it)."""
    if not isinstance(model, str):
        raise TypeError(f"model must be a string, not {type(model).__name__}")
    return _encoding_for_model(model)


@functools.cache
def _encoding_for_model(model: str) -> tiktoken.Encoding:
    return get_encoding(encoding_name_for_model(model))


def value_tokens(value: object, encoding: tiktoken.Encoding) -> int:
    """Tokens of one message value under the rules above."""
    if value is None:
        return 0
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return len(encoding.encode_ordinary(value))


@dataclass(frozen=True)
class TokenCounts:
    """One conversation's tokens: all of them, the assistant's, and the assistant's trained on."""

    total: int
    assistant: int
    trained: int


def token_counts(messages: Iterable[Mapping[str, object]], model: str = "gpt-4o-mini") -> TokenCounts:
    """Every count of a list of chat messages in one pass (each value is encoded once).

    ``total`` is :func:`count_tokens`; ``assistant`` and ``trained`` are :func:`assistant_tokens`
    without and with ``trained_only``.
    """
    encoding = encoding_for_model(model)
    encode = encoding.encode_ordinary
    total = REPLY_PRIMING
    assistant = trained = 0
    for index, message in enumerate(messages if type(messages) is list else _messages(messages)):
        if type(message) is not dict and not isinstance(message, Mapping):
            raise UncountableMessages(
                f"expected a message object, got {type(message).__name__}", message_index=index
            )
        total += TOKENS_PER_MESSAGE
        generates = message.get("role") == "assistant"
        produced = 0
        for key, value in message.items():
            if key in UNSENT_KEYS:
                continue
            tokens = len(encode(value)) if type(value) is str else _counted(value, encoding, index, key)
            total += tokens
            if key == "name" and value is not None:
                total += TOKENS_PER_NAME
            if generates and key in GENERATED_KEYS:
                produced += tokens
        if generates:
            assistant += produced
            trained += produced if message.get("weight", 1) != 0 else 0
    return TokenCounts(total, assistant, trained)


def count_tokens(messages: Iterable[Mapping[str, object]], model: str = "gpt-4o-mini") -> int:
    """Tokens a list of chat messages takes, including per-message framing and reply priming."""
    return token_counts(messages, model).total


def content_tokens(message: Mapping[str, object], model: str = "gpt-4o-mini") -> int:
    """Tokens of one message's ``content`` alone (no framing)."""
    if not isinstance(message, Mapping):
        raise UncountableMessages(f"expected a message object, got {type(message).__name__}")
    return _counted(message.get("content"), encoding_for_model(model), None, "content")


def assistant_tokens(
    messages: Iterable[Mapping[str, object]],
    model: str = "gpt-4o-mini",
    *,
    trained_only: bool = False,
) -> int:
    """Tokens the assistant produces in an example: its content, tool_calls and function_call.

    With ``trained_only``, assistant messages with ``weight`` 0 are left out.
    """
    counts = token_counts(messages, model)
    return counts.trained if trained_only else counts.assistant


def example_messages(example: object) -> list[Mapping[str, object]]:
    """The messages of a chat training example: ``{"messages": [...]}`` or a bare message list."""
    if isinstance(example, Mapping):
        if "messages" not in example:
            if "input" in example and "preferred_output" in example:
                raise UncountableMessages(
                    "preference (DPO) examples are not counted; expected a chat example"
                )
            raise UncountableMessages("expected a chat example with a 'messages' list")
        example = example["messages"]
    return list(_messages(example))


def example_tokens(example: object, model: str = "gpt-4o-mini") -> int:
    """Tokens of one chat training example (``{"messages": [...]}`` or a message list)."""
    return count_tokens(example_messages(example), model)


def _messages(messages: object) -> Iterable[Any]:
    """The messages to count, each still unchecked: counting refuses one that is not a message."""
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Iterable):
        hint = " (pass example['messages'])" if isinstance(messages, Mapping) else ""
        raise UncountableMessages(f"expected a list of messages, got {type(messages).__name__}{hint}")
    return messages


def _counted(value: object, encoding: tiktoken.Encoding, index: int | None, key: str) -> int:
    try:
        return value_tokens(value, encoding)
    except (TypeError, ValueError) as exc:
        raise UncountableMessages(f"value is not JSON ({exc})", message_index=index, field=str(key)) from None
