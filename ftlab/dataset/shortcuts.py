"""The shapes of message and record the compiled checks may pass unseen, proven from the schema.

:mod:`ftlab.dataset.precheck` compiles the chat schema and runs it on every line. Most lines are
the same few shapes: messages of just ``role`` and text ``content``, records of just a
``messages`` list. For each, a function here reads the (inlined) schema and says whether every
value of that shape passes it, by a sufficient condition over a few keywords: any keyword it
does not know means "not proven", and such values get the compiled check as before. Nothing here
is a rule of its own; the tests prove with hypothesis that a shortcut says what the check says.
"""

from __future__ import annotations

from typing import Any

_PLAIN_KEYWORDS = frozenset({"type", "required", "additionalProperties", "properties", "if", "then", "else"})
_ANNOTATIONS = frozenset({"$schema", "title", "description"})
_ENVELOPE_KEYWORDS = _ANNOTATIONS | {"type", "required", "additionalProperties", "properties"}


def text_definition(definitions: dict[str, Any]) -> dict[str, Any] | None:
    """The schema's ``text`` definition if it is a string with a pattern (else no message is plain)."""
    text = definitions.get("text")
    if isinstance(text, dict) and text.get("type") == "string" and set(text) == {"type", "pattern"}:
        return text
    return None


def _takes_text(node: object, text: dict[str, Any]) -> bool:
    """Whether ``node`` accepts every string ``text`` accepts: it is ``text``, true, or an anyOf of one."""
    if node is True or node == {} or node == text:
        return True
    if isinstance(node, dict) and set(node) == {"anyOf"}:
        return any(_takes_text(branch, text) for branch in node["anyOf"])
    return False


def takes_plain(definition: object, text: dict[str, Any]) -> bool:
    """Whether ``definition`` accepts every ``{"role": r, "content": s}`` whose ``s`` ``text`` accepts.

    A sufficient condition, for an inlined message definition whose role ``r`` is already known to
    select it: it requires nothing but role and content, lets role be anything and content any such
    string, and both of its ``then`` and ``else`` (whichever ``if`` picks) do the same. Any keyword
    beyond these means False: such messages get the compiled check.
    """
    if definition is True or definition == {}:
        return True
    if not isinstance(definition, dict) or not set(definition) <= _PLAIN_KEYWORDS:
        return False
    properties = definition.get("properties", {})
    closed = definition.get("additionalProperties", True) is not True
    return (
        definition.get("type", "object") == "object"
        and set(definition.get("required", ())) <= {"role", "content"}
        and properties.get("role", not closed) in (True, {})
        and _takes_text(properties.get("content", not closed), text)
        and all(takes_plain(definition.get(key, True), text) for key in ("then", "else"))
    )


def bare_messages(envelope: object) -> int | None:
    """How few items ``{"messages": [...]}`` may hold to pass ``envelope``, whatever they are (None: unknown).

    ``envelope`` is the record schema without the messages' ``items`` and ``contains`` (checked
    message by message). Proven when it asks for an object that requires at most ``messages``,
    and says of ``messages`` only that it is an array with at least ``minItems`` items.
    """
    if not isinstance(envelope, dict) or not set(envelope) <= _ENVELOPE_KEYWORDS:
        return None
    messages = envelope.get("properties", {}).get("messages")
    if (
        envelope.get("type", "object") != "object"
        or not set(envelope.get("required", ())) <= {"messages"}
        or not isinstance(messages, dict)
        or not set(messages) <= {"type", "minItems"}
        or messages.get("type", "array") != "array"
    ):
        return None
    fewest = messages.get("minItems", 0)
    return fewest if type(fewest) is int else None
