"""What a chat completion request must look like before anything answers it, as OpenAI checks it.

Each refusal is OpenAI's 400 with ``param`` naming the field (``messages[0].content[1].text``), so
learner code that sends a malformed request fails here exactly as it would against the real API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ftlab.mock import errors

#: The roles a chat message may have.
ROLES = ["system", "developer", "user", "assistant", "tool", "function"]
#: The content part types a message may hold, and the field each keeps its payload in.
PARTS = {
    "text": "text",
    "refusal": "refusal",
    "image_url": "image_url",
    "input_audio": "input_audio",
    "file": "file",
}
_STRINGS = {"text", "refusal"}
_NULLABLE = {"assistant", "function"}  # roles whose content may be null (tool calls, a function's result)
_CONTENT = "one of a string or array of objects"


def messages_of(body: dict[str, Any]) -> list[Any]:
    """A request's ``messages``: a non-empty array of well-formed messages, or OpenAI's 400."""
    messages = body.get("messages")
    if messages is None:
        raise errors.missing("messages")
    if not isinstance(messages, list):
        raise errors.invalid_type("messages", "an array", messages)
    if not messages:
        raise errors.ApiError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    check_messages(messages)
    return messages


def check_messages(messages: Sequence[Any]) -> None:
    """Refuse the first malformed message: not an object, an unknown role, content of the wrong shape."""
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise errors.invalid_type(where, "an object", message)
        role = message.get("role")
        if role is None:
            raise errors.missing(f"{where}.role")
        if not isinstance(role, str):
            raise errors.invalid_type(f"{where}.role", "a string", role)
        if role not in ROLES:
            raise errors.invalid_value(f"{where}.role", role, ROLES)
        nullable = role in _NULLABLE
        if "content" not in message and not nullable:
            raise errors.missing(f"{where}.content")
        _check_content(message.get("content"), f"{where}.content", nullable=nullable)
        name = message.get("name")
        if name is not None and not isinstance(name, str):
            raise errors.invalid_type(f"{where}.name", "a string", name)


def check_stream(body: dict[str, Any]) -> tuple[bool, bool]:
    """(streamed, include_usage) from ``stream`` and ``stream_options``, refused if malformed."""
    stream, options = body.get("stream"), body.get("stream_options")
    if stream is not None and type(stream) is not bool:
        raise errors.invalid_type("stream", "a boolean", stream)
    if options is None:
        return bool(stream), False
    if not isinstance(options, dict):
        raise errors.invalid_type("stream_options", "an object", options)
    if not stream:
        raise errors.ApiError(
            400,
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options",
            code="invalid_value",
        )
    usage = options.get("include_usage")
    if usage is not None and type(usage) is not bool:
        raise errors.invalid_type("stream_options.include_usage", "a boolean", usage)
    return True, bool(usage)


def _check_content(content: object, where: str, *, nullable: bool) -> None:
    if isinstance(content, str) or (content is None and nullable):
        return
    if not isinstance(content, list):
        raise errors.invalid_type(where, _CONTENT, content)
    for index, part in enumerate(content):
        _check_part(part, f"{where}[{index}]")


def _check_part(part: object, where: str) -> None:
    if not isinstance(part, dict):
        raise errors.invalid_type(where, "an object", part)
    kind = part.get("type")
    if kind is None:
        raise errors.missing(f"{where}.type")
    if not isinstance(kind, str):
        raise errors.invalid_type(f"{where}.type", "a string", kind)
    if kind not in PARTS:
        raise errors.invalid_value(f"{where}.type", kind, list(PARTS))
    field = PARTS[kind]
    value = part.get(field)
    if value is None:
        raise errors.missing(f"{where}.{field}")
    expected = (str,) if kind in _STRINGS else (dict,)
    if not isinstance(value, expected):
        raise errors.invalid_type(f"{where}.{field}", "a string" if kind in _STRINGS else "an object", value)
