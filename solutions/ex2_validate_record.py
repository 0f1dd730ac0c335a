"""Exercise 2, reference solution: validate a training record, in plain Python."""

from __future__ import annotations

import re

ALLOWED = {
    "system": {"role", "content", "name"},
    "user": {"role", "content", "name"},
    "assistant": {"role", "content", "name", "weight", "tool_calls", "function_call"},
    "tool": {"role", "content", "tool_call_id"},
    "function": {"role", "content", "name"},
}
RECORD_KEYS = {"messages", "tools", "parallel_tool_calls", "functions"}
NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_function(value: object, *, definition: bool) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return False
    if definition:
        return isinstance(value.get("description", ""), str) and isinstance(value.get("parameters", {}), dict)
    return isinstance(value.get("arguments"), str)


def _is_tool_call(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and value.get("type") == "function"
        and _is_function(value.get("function"), definition=False)
    )


def _tools_ok(record: dict) -> bool:
    tools = record.get("tools", [])
    functions = record.get("functions", [])
    parallel = record.get("parallel_tool_calls", False)
    return (
        isinstance(tools, list)
        and all(
            isinstance(t, dict)
            and t.get("type") == "function"
            and _is_function(t.get("function"), definition=True)
            for t in tools
        )
        and isinstance(functions, list)
        and all(_is_function(f, definition=True) for f in functions)
        and isinstance(parallel, bool)
    )


def _message_codes(message: dict, call_ids: set[str]) -> set[str]:
    codes: set[str] = set()
    if "role" not in message:
        return {"message_missing_key"}
    role = message["role"]
    if not isinstance(role, str) or role not in ALLOWED:
        return {"unrecognized_role"}
    if set(message) - ALLOWED[role]:
        codes.add("message_unrecognized_key")
    calls = "tool_calls" in message or "function_call" in message if role == "assistant" else False
    if "content" not in message:
        if not calls:
            codes.add("message_missing_key")
    elif not (_is_text(message["content"]) or (calls and message["content"] is None)):
        codes.add("missing_content")
    if role == "tool":
        if "tool_call_id" not in message:
            codes.add("message_missing_key")
        elif not isinstance(message["tool_call_id"], str) or message["tool_call_id"] not in call_ids:
            codes.add("invalid_tool_calls")
    if role == "function" and "name" not in message:
        codes.add("message_missing_key")
    if (
        "name" in message
        and role != "tool"
        and not (isinstance(message["name"], str) and NAME.fullmatch(message["name"]))
    ):
        codes.add("invalid_name")
    if role == "assistant":
        weight = message.get("weight", 1)
        if type(weight) is not int or weight not in (0, 1):
            codes.add("invalid_weight")
        if "tool_calls" in message:
            tool_calls = message["tool_calls"]
            if (
                not isinstance(tool_calls, list)
                or not tool_calls
                or not all(_is_tool_call(c) for c in tool_calls)
            ):
                codes.add("invalid_tool_calls")
            if isinstance(tool_calls, list):
                call_ids.update(
                    c["id"] for c in tool_calls if isinstance(c, dict) and isinstance(c.get("id"), str)
                )
        if "function_call" in message and not _is_function(message["function_call"], definition=False):
            codes.add("invalid_tool_calls")
    return codes


def validate_record(record: object) -> list[str]:
    """Return the sorted, distinct error codes ``record`` breaks; ``[]`` when it is valid."""
    if not isinstance(record, dict):
        return ["data_type"]
    codes: set[str] = set()
    if set(record) - RECORD_KEYS:
        codes.add("record_unrecognized_key")
    if not _tools_ok(record):
        codes.add("invalid_tools")
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        codes.add("missing_messages_list")
        return sorted(codes)
    call_ids: set[str] = set()
    for message in messages:
        if not isinstance(message, dict):
            codes.add("data_type")
        else:
            codes |= _message_codes(message, call_ids)
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        codes.add("example_missing_assistant_message")
    return sorted(codes)
