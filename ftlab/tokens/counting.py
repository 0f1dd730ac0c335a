"""Chat-format token counts, as in OpenAI's cookbook "How to count tokens with tiktoken".

Rules (deterministic, the same for every model ftlab counts):
- every message costs 3 tokens of framing, every reply is primed with 3 more;
- every value of a message is encoded, and a ``name`` costs 1 token more;
- strings are encoded as ordinary text (special-token text such as "<|endoftext|>" counts as
  the plain text it is, as the API treats it); ``None`` values count nothing;
- ``content`` given as a list of content parts counts each text part's text, and each image part
  ``IMAGE_TOKENS`` (what a low-detail image costs gpt-4o; a detailed one costs more, by its size,
  which ftlab does not fetch);
- other values (``tool_calls``, ``function_call``, numbers, booleans) are encoded as compact JSON
  (``separators=(",", ":")``, keys in their given order, non-ASCII kept; a number too large for a
  float, such as ``1e400``, is written ``Infinity``: ``ftlab validate`` refuses such a line);
- ``weight`` counts nothing: it steers training and is never shown to the model.
A training example's top-level ``tools``/``functions`` are not counted, as in OpenAI's
data-preparation notebook.

Text the tokenizer itself cannot encode (tiktoken panics on about a million whitespace characters
in a row) raises ``UncountableMessages`` naming the message and field, like any other value that
cannot be counted: never tiktoken's own ``PanicException``.

Strings that recur in nearly every example (each message's role, a system message's content) are
counted through a bounded memo (:mod:`ftlab.tokens.memo`): tokenized once, the same counts.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import tiktoken

from ftlab.errors import FtlabError
from ftlab.tokens.encodings import get_encoding
from ftlab.tokens.memo import LengthMemo
from ftlab.tokens.models import encoding_name_for_model

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
UNSENT_KEYS = frozenset({"weight"})
GENERATED_KEYS = ("content", "tool_calls", "function_call")
IMAGE_TOKENS = 85
_PASSED_ON = (KeyboardInterrupt, SystemExit, GeneratorExit)
_WHITESPACE_RUN = re.compile(r"\s+")
#: tiktoken panics on a run of about 1,000,000 whitespace characters (a regex backtracking limit);
#: runs half that long are refused before the tokenizer sees them (its panic prints to stderr).
LONGEST_WHITESPACE_RUN = 500_000
_TOO_MUCH_WHITESPACE = re.compile(rf"\s{{{LONGEST_WHITESPACE_RUN},}}")


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


@functools.cache
def _memo(encoding: tiktoken.Encoding) -> LengthMemo:
    """The lengths of recurring strings (roles, system prompts) under one encoding."""
    return LengthMemo(functools.partial(_encoded_length, encoding=encoding))


def value_tokens(value: object, encoding: tiktoken.Encoding) -> int:
    """Tokens of one message value under the rules above."""
    if value is None:
        return 0
    if type(value) is list and value and all(_is_part(part) for part in value):
        return sum(value_tokens(part.get("text"), encoding) or IMAGE_TOKENS for part in value)
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _encoded_length(value, encoding)


def _encoded_length(text: str, encoding: tiktoken.Encoding) -> int:
    if len(text) >= LONGEST_WHITESPACE_RUN and _TOO_MUCH_WHITESPACE.search(text):
        raise UncountableMessages(_whitespace_failure(text))
    return len(encoding.encode_ordinary(text))


def _is_part(part: object) -> bool:
    """A content part: ``{"type": "text", "text": "..."}`` or ``{"type": "image_url", ...}``."""
    if type(part) is not dict:
        return False
    kind = part.get("type")
    return (kind == "text" and type(part.get("text")) is str) or kind == "image_url"


def tokenizer_failure(exc: BaseException, value: object) -> str:
    """Why the tokenizer failed on a value, for a learner (whitespace runs named, as they cause it)."""
    if isinstance(exc, _PASSED_ON):
        raise exc
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if _TOO_MUCH_WHITESPACE.search(text):
        return _whitespace_failure(text)
    return f"the tokenizer cannot encode this value ({type(exc).__name__}: {str(exc)[:200]})"


def _whitespace_failure(text: str) -> str:
    longest = max(len(m.group()) for m in _WHITESPACE_RUN.finditer(text))
    return (
        f"a run of {longest:,} whitespace characters that the tokenizer cannot encode; "
        "no real example has one (shorten it)"
    )


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
    memo = _memo(encoding)
    known = memo.known
    total = REPLY_PRIMING
    assistant = trained = 0
    for index, message in enumerate(messages if type(messages) is list else _messages(messages)):
        if type(message) is not dict and not isinstance(message, Mapping):
            raise UncountableMessages(
                f"expected a message object, got {type(message).__name__}", message_index=index
            )
        role = message.get("role")
        content = message.get("content")
        if len(message) == 2 and type(content) is str and type(role) is str and (framing := known(role)):
            # The usual message, {"role", "content": text}, its role counted before: only content can fail.
            try:
                if role != "system":
                    tokens = _encoded_length(content, encoding)
                else:
                    remembered = known(content)
                    tokens = memo(content) if remembered is None else remembered
            except BaseException as exc:  # noqa: BLE001 - tiktoken panics with a BaseException (pyo3)
                raise _uncountable(exc, content, index, "content") from None
            total += TOKENS_PER_MESSAGE + framing + tokens
            produced = weighted = tokens if role == "assistant" else 0
        else:
            sent, produced = _message_tokens(message, index, encoding, memo)
            total += TOKENS_PER_MESSAGE + sent
            weighted = produced if produced and message.get("weight", 1) != 0 else 0
        assistant += produced
        trained += weighted
    return TokenCounts(total, assistant, trained)


def _message_tokens(
    message: Mapping[str, object], index: int, encoding: tiktoken.Encoding, memo: LengthMemo
) -> tuple[int, int]:
    """One message's tokens, framing aside, and how many of them an assistant produces."""
    known = memo.known
    generates = message.get("role") == "assistant"
    recurs = message.get("role") == "system"  # a system prompt is often the same in every example
    total = produced = 0
    for key, value in message.items():
        if key in UNSENT_KEYS:
            continue
        try:
            if type(value) is not str:
                tokens = value_tokens(value, encoding)
            elif key == "role" or (recurs and key == "content"):
                remembered = known(value)
                tokens = memo(value) if remembered is None else remembered
            else:
                tokens = _encoded_length(value, encoding)
        except BaseException as exc:  # noqa: BLE001 - tiktoken panics with a BaseException (pyo3)
            raise _uncountable(exc, value, index, key) from None
        total += tokens
        if key == "name" and value is not None:
            total += TOKENS_PER_NAME
        if generates and key in GENERATED_KEYS:
            produced += tokens
    return total, produced


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
        if type(value) is str:
            return _encoded_length(value, encoding)
        return value_tokens(value, encoding)
    except BaseException as exc:  # noqa: BLE001 - tiktoken panics with a BaseException (pyo3)
        raise _uncountable(exc, value, index, key) from None


def _uncountable(exc: BaseException, value: object, index: int | None, key: object) -> UncountableMessages:
    """Why a value could not be counted, located (interrupts and exits are raised again, untouched)."""
    if isinstance(exc, UncountableMessages):
        return UncountableMessages(exc.detail, message_index=index, field=str(key))
    if isinstance(exc, (TypeError, ValueError, RecursionError)):
        return UncountableMessages(f"value is not JSON ({exc})", message_index=index, field=str(key))
    return UncountableMessages(tokenizer_failure(exc, value), message_index=index, field=str(key))
