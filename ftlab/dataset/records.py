"""The chat-format record rules: the one authoritative check of a training example.

The record's shape is a JSON Schema (``schemas/chat_record.schema.json``, validated with
jsonschema); each schema failure becomes a stable code named after the field that failed.
What a schema cannot say (a tool result that answers no tool call) is checked here by hand.
The mock API, ``ftlab validate`` and the graders' oracles all call :func:`check_record`.

The rules follow OpenAI's record schemas (openai/openai-openapi f7f4b05): content may be a list of
content parts (text; images in a user message, for vision fine-tuning: :func:`image_problem`
refuses them for other models), ``function_call`` may be null, a function message's content may
be null, ``functions`` holds 1 to 128 definitions and a function's ``strict`` is a boolean.
Exercise 2 keeps its simpler rules (``schemas/exercise2_record.schema.json``: text content only,
no null function_call, no limits on ``functions``): :func:`codes`, its oracle, applies those.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from ftlab.dataset.problems import Problem
from ftlab.dataset.wording import a_or_an, dotted, expected, found, json_type, missing_keys, names, printable
from ftlab.values import is_strict_int

if TYPE_CHECKING:
    import jsonschema

CHAT_SCHEMA = "chat_record"
EXERCISE2_SCHEMA = "exercise2_record"
#: The models OpenAI fine-tunes on images (vision fine-tuning).
VISION_MODELS = frozenset({"gpt-4o-2024-08-06"})

#: Every record-level code, in the order a learner meets them, with what it means.
CODES: dict[str, str] = {
    "data_type": "the record, or one of its messages, is not a JSON object",
    "missing_messages_list": "'messages' is missing, not a list, or empty",
    "record_unrecognized_key": "a top-level key other than messages, tools, parallel_tool_calls, functions",
    "message_missing_key": "a message lacks a key its role needs (role, content, tool_call_id, name)",
    "message_unrecognized_key": "a message has a key its role does not allow",
    "unrecognized_role": "role is not one of system, user, assistant, tool, function",
    "missing_content": "content is not a string with at least one non-whitespace character",
    "invalid_name": "name is not 1-64 letters, digits, '_' or '-'",
    "invalid_weight": "an assistant weight is not the integer 0 or 1",
    "invalid_tool_calls": (
        "tool_calls/function_call is malformed, or a tool result answers no earlier tool call"
    ),
    "invalid_tools": (
        "tools/functions is not a list of function definitions, or parallel_tool_calls is not a boolean"
    ),
    "example_missing_assistant_message": "no message has role assistant",
}

ROLES: tuple[str, ...] = ("system", "user", "assistant", "tool", "function")

#: The keys each role allows (the schema says the same; this is for messages and docs).
ALLOWED_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset({"role", "content", "name", "weight", "tool_calls", "function_call"}),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
RECORD_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})

# The code for a failure inside a message, by the field that failed.
_FIELD_CODES = {
    "role": "unrecognized_role",
    "content": "missing_content",
    "name": "invalid_name",
    "weight": "invalid_weight",
    "tool_calls": "invalid_tool_calls",
    "function_call": "invalid_tool_calls",
    "tool_call_id": "invalid_tool_calls",
}


def _strict_integer(_checker: object, value: object) -> bool:
    """jsonschema's "integer" check made JSON's: ``true`` and ``false`` are not integers."""
    return is_strict_int(value)


@cache
def schema(name: str = CHAT_SCHEMA) -> dict[str, Any]:
    """The JSON Schema of one chat-format record, as shipped in the package (or exercise 2's)."""
    text = resources.files("ftlab.dataset").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(name: str = CHAT_SCHEMA) -> jsonschema.protocols.Validator:
    import jsonschema  # imported on the first check: it costs ~35 ms at import

    base = jsonschema.Draft7Validator
    types = base.TYPE_CHECKER.redefine("integer", _strict_integer)
    strict = jsonschema.validators.extend(base, type_checker=types)
    return strict(schema(name))


def check_record(record: object, *, rules: str = CHAT_SCHEMA) -> list[Problem]:
    """Every rule one training record breaks, in a stable order; empty when it is valid.

    ``rules`` names the schema: OpenAI's (the default) or ``EXERCISE2_SCHEMA``.
    """
    # Any value may be checked: the validator reports one that is not JSON as a type error.
    problems = [_problem(error, record) for error in _validator(rules).iter_errors(cast(Any, record))]
    problems += tool_result_problems(record)
    if any(p.code == "missing_messages_list" for p in problems):
        problems = [
            p for p in problems if p.message_index is None and p.code != "example_missing_assistant_message"
        ]
    unique = {(p.code, p.message_index, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.message_index is not None, p.message_index or 0, p.code))


def codes(record: object) -> list[str]:
    """The distinct codes a record breaks under exercise 2's rules, sorted: what it must return."""
    return sorted({p.code for p in check_record(record, rules=EXERCISE2_SCHEMA)})


def image_problem(record: object, model: str) -> list[Problem]:
    """An image content part in an example for ``model``, refused unless it is a vision model."""
    if model in VISION_MODELS or not (type(record) is dict or isinstance(record, Mapping)):
        return []
    prompt = record.get("input")
    if prompt is not None and isinstance(prompt, Mapping):  # None first: the Mapping ABC check is slow
        messages = prompt.get("messages")
    else:
        messages = record.get("messages")
    if not isinstance(messages, list):
        return []
    for message in messages:  # the usual example first: no content that is a list (so no image)
        if type(message) is not dict or type(message.get("content")) is list:
            break
    else:
        return []
    for index, message in enumerate(messages):
        # dicts checked first: an isinstance check against the Mapping ABC is slow
        content = message.get("content") if type(message) is dict or isinstance(message, Mapping) else None
        if isinstance(content, list) and any(
            isinstance(part, Mapping) and part.get("type") == "image_url" for part in content
        ):
            return [
                Problem(
                    "images_not_supported",
                    f"messages[{index}] has an image, but {model} cannot be fine-tuned on images; "
                    f"only {names(sorted(VISION_MODELS))} can (vision fine-tuning)",
                    message_index=index,
                    field="content",
                )
            ]
    return []


def _problem(error: jsonschema.ValidationError, record: object) -> Problem:
    path = list(error.absolute_path)
    if not path:
        return _record_problem(error, record)
    if path[0] != "messages":
        return Problem("invalid_tools", f"{dotted(path)}: {_short(error)}", field=str(path[0]))
    if len(path) == 1:
        if error.validator == "contains":
            return Problem(
                "example_missing_assistant_message",
                "no message has role 'assistant', so there is nothing to learn",
            )
        return Problem("missing_messages_list", "'messages' must be a non-empty list of messages")
    index = int(path[1])
    message = cast(dict[str, Any], record)["messages"][index]  # the failure's path runs through it
    where = f"messages[{index}]" + (
        f" ({printable(message['role'])})"
        if isinstance(message, dict) and isinstance(message.get("role"), str)
        else ""
    )
    if len(path) == 2:
        return _message_problem(error, message, index, where)
    field = str(path[2])
    code = _FIELD_CODES.get(field, "message_unrecognized_key")
    return Problem(
        code, f"{where}: {_field_sentence(code, field, path, error)}", message_index=index, field=field
    )


def _record_problem(error: jsonschema.ValidationError, record: object) -> Problem:
    if error.validator == "type":
        return Problem("data_type", f"each line must be a JSON object, got {json_type(record)}")
    if error.validator == "required":
        return Problem("missing_messages_list", "the record has no 'messages' list", field="messages")
    extra = sorted(set(cast(dict[str, Any], record)) - RECORD_KEYS)  # only an object has extra keys
    return Problem(
        "record_unrecognized_key",
        f"unexpected top-level key(s) {names(extra)}; allowed: {names(sorted(RECORD_KEYS))}",
        field=extra[0],
    )


def _message_problem(error: jsonschema.ValidationError, message: object, index: int, where: str) -> Problem:
    if error.validator == "type":
        return Problem(
            "data_type",
            f"{where}: each message must be a JSON object, got {json_type(message)}",
            message_index=index,
        )
    assert isinstance(message, dict)
    if error.validator == "required":
        missing = [k for k in expected(error) if k not in message]
        return Problem(
            "message_missing_key",
            f"{where}: missing {names(missing)}",
            message_index=index,
            field=missing[0],
        )
    allowed = ALLOWED_KEYS[message["role"]]
    extra = sorted(set(message) - allowed)
    return Problem(
        "message_unrecognized_key",
        f"{where}: {names(extra)} not allowed on {a_or_an(printable(message['role']))} message; allowed: "
        f"{names(sorted(allowed))}",
        message_index=index,
        field=extra[0],
    )


def _field_sentence(code: str, field: str, path: Sequence[Any], error: jsonschema.ValidationError) -> str:
    value = found(error) if len(path) == 3 else None
    if code == "unrecognized_role":
        return f"role {printable(json.dumps(found(error)))} is not one of {names(ROLES)}"
    if code == "missing_content" and len(path) > 3:
        return f'{dotted(path[2:])}: {_short(error)} (a content part is {{"type": "text", "text": "..."}})'
    if code == "missing_content" and isinstance(value, list):
        return (
            'content given as a list must hold content parts {"type": "text", "text": "..."} '
            "(and, in a user message, image parts for vision fine-tuning)"
        )
    if code == "missing_content":
        return "content must be text with at least one non-whitespace character" + (
            f", got {json_type(value)}" if not isinstance(value, str) else ""
        )
    if code == "invalid_name":
        return f"name {printable(json.dumps(found(error)))} must be 1-64 letters, digits, '_' or '-'"
    if code == "invalid_weight":
        return (
            f"weight must be 0 (don't train on this turn) or 1 (train on it), got {json.dumps(found(error))}"
        )
    return f"{dotted(path[2:])}: {_short(error)}"


def tool_result_problems(record: object) -> Iterator[Problem]:
    """The rule a schema cannot say: every tool result answers an earlier assistant's tool call."""
    # dicts checked first here too: an isinstance check against the Mapping ABC is slow
    if type(record) is not dict and not isinstance(record, Mapping):
        return
    if not isinstance(record.get("messages"), list):
        return
    seen: set[str] = set()
    for index, message in enumerate(record["messages"]):
        if type(message) is not dict and not isinstance(message, Mapping):
            continue
        role = message.get("role")
        if role == "assistant" and isinstance(calls := message.get("tool_calls"), list):
            for call in calls:  # a loop, not a generator, and dicts first here too
                if (type(call) is dict or isinstance(call, Mapping)) and isinstance(call.get("id"), str):
                    seen.add(call["id"])
        call_id = message.get("tool_call_id") if role == "tool" else None
        if isinstance(call_id, str) and call_id not in seen:
            yield Problem(
                "invalid_tool_calls",
                f"messages[{index}] (tool): tool_call_id {json.dumps(call_id)} answers no tool call of an "
                "earlier assistant message",
                message_index=index,
                field="tool_call_id",
            )


def _short(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return f"missing {names(missing_keys(error))}"
    if error.validator == "type":
        return f"must be {_article(expected(error))}, got {json_type(found(error))}"
    if error.validator in ("const", "enum"):
        return f"must be {json.dumps(expected(error))}, got {json.dumps(found(error))}"
    if error.validator == "minItems":
        return "must not be empty"
    if error.validator == "maxItems":
        return f"must hold at most {error.validator_value} items, got {len(cast(list[Any], error.instance))}"
    return error.message[:200]


def _article(type_name: object) -> str:
    return {
        "object": "an object",
        "array": "a list",
        "string": "a string",
        "boolean": "true or false",
        "integer": "an integer",
    }.get(str(type_name), str(type_name))
