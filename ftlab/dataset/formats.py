"""Training-file formats: supervised chat (with or without tool calls) and preference (DPO).

A record's own keys say what it is meant to be: ``messages`` makes it a chat example,
``input``/``preferred_output``/``non_preferred_output`` a preference example. A file holds
one format; the first line that says which decides it. Each example is checked by its
format's rules (``ftlab.dataset.records`` or ``ftlab.dataset.preference``), through the compiled fast path
(``ftlab.dataset.precheck``) first, so only records that may be broken are walked in detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ftlab.dataset import precheck, preference
from ftlab.dataset.problems import Problem
from ftlab.dataset.records import check_record, tool_result_problems

CHAT = "chat"
PREFERENCE = "preference"

SUPERVISED = "supervised"
TOOL_CALLING = "tool_calling"
#: What each file format is called in reports.
LABELS: dict[str, str] = {
    SUPERVISED: "supervised (chat)",
    TOOL_CALLING: "supervised with tool calls",
    PREFERENCE: "preference (DPO)",
}
_KIND_NAMES = {CHAT: "a supervised (chat) example", PREFERENCE: "a preference (DPO) example"}
_TOOL_KEYS = ("tools", "functions")
_CALL_KEYS = ("tool_calls", "function_call")


def record_kind(record: object) -> str | None:
    """``CHAT`` or ``PREFERENCE`` by the record's keys, or None when it says neither."""
    if type(record) is not dict and not isinstance(record, Mapping):  # the Mapping ABC check is slow
        return None
    if "messages" in record:
        return CHAT
    if preference.is_preference_record(record):
        return PREFERENCE
    return None


def kind_name(kind: str) -> str:
    """How a record kind reads in a sentence ("a preference (DPO) example")."""
    return _KIND_NAMES[kind]


def uses_tools(record: object) -> bool:
    """Whether a chat record defines tools or functions, calls one, or answers a call."""
    if not isinstance(record, Mapping):
        return False
    if any(key in record for key in _TOOL_KEYS):
        return True
    messages = record.get("messages")
    if not isinstance(messages, list):
        return False
    return any(
        isinstance(m, Mapping)
        and (m.get("role") in ("tool", "function") or any(key in m for key in _CALL_KEYS))
        for m in messages
    )


def has_trained_turn(record: Mapping[str, Any]) -> bool:
    """Whether a chat record has an assistant message that is trained on (weight not 0)."""
    return any(
        isinstance(m, Mapping) and m.get("role") == "assistant" and m.get("weight", 1) != 0
        for m in record["messages"]
    )


def check_example(record: object, kind: str = CHAT) -> list[Problem]:
    """Every rule a parsed JSON record breaks under ``kind``'s rules (the fast path first)."""
    if kind == PREFERENCE:
        if precheck.preference_check().passes(record) and not preference.semantic_problems(record):
            return []
        return preference.check_preference_record(record)
    if precheck.chat().passes(record) and not _unanswered_tool_result(cast("dict[str, Any]", record)):
        return []
    return check_record(record)


def _unanswered_tool_result(record: dict[str, Any]) -> bool:
    # Only a record that passed the compiled check comes here: every message is an object with a role.
    for message in record["messages"]:
        if message["role"] == "tool":
            return any(tool_result_problems(record))
    return False


def example_messages(record: Mapping[str, Any], kind: str) -> list[Any]:
    """The conversation an example trains on: its messages, or a preference's input and preferred output."""
    return preference.conversation(record) if kind == PREFERENCE else record["messages"]
