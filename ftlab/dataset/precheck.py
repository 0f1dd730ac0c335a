"""A compiled yes/no check of parsed records against the shipped schemas: the validator's fast path.

``jsonschema`` walks a record to say what is wrong with it, which is what a learner reads, but
the walk costs about a millisecond a record. Most lines of a real file are valid, so
``ftlab validate`` first asks validators that fastjsonschema compiles from the very same
schemas, and walks only the records they do not pass. Nothing here is a rule of its own:

- the chat schema's messages are checked by role, each against the definition its
  ``allOf`` branch ``if role == X then <definition>`` names (one compiled check per role
  instead of trying every branch), and its ``contains`` by looking for that role;
- the engine counts only real integers as integers (``1.0`` is not a weight), which
  fastjsonschema cannot be told, so a float where the schema wants an integer sends the
  record to the walk;
- each ``$ref`` is replaced by the definition it names before compiling, so the compiled code
  makes no call per reference (a reference in a cycle, beside other keywords, or to anything but
  a definition is a shape this module does not understand);
- a message of exactly ``role`` and ``content``, its content a string the schema's ``text``
  definition accepts, is passed without the compiled check when its role's definition provably
  accepts every such message (:mod:`ftlab.dataset.shortcuts`); any other message gets the
  compiled check, and a record of just a ``messages`` list skips the envelope's check likewise;
- a schema whose shape this module does not understand raises ``SchemaShapeError`` at load.

A "no" here is never an answer, only "walk it": callers run the detailed check then. The
tests prove with hypothesis that "yes" agrees with jsonschema on valid, broken and arbitrary
records. Only for values parsed from JSON (dict, list, str, int, float, bool, None).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, cast

import fastjsonschema

from ftlab.dataset import preference, records
from ftlab.dataset.shortcuts import bare_messages, takes_plain, text_definition
from ftlab.errors import FtlabError

Check = Callable[[Any], Any]


class SchemaShapeError(FtlabError):
    """A shipped schema no longer has the shape the fast path is built on."""

    def __init__(self, where: str, expected: str) -> None:
        super().__init__(where, expected)
        self.where = where
        self.expected = expected

    def __str__(self) -> str:
        return (
            f"schema {self.where}: expected {self.expected}; update ftlab/dataset/precheck.py with the schema"
        )


def _compile(schema: dict[str, Any], definitions: dict[str, Any]) -> Check:
    return fastjsonschema.compile(
        {"$schema": "http://json-schema.org/draft-07/schema#", **_inlined(schema, definitions)}
    )


def _inlined(node: object, definitions: dict[str, Any], through: tuple[str, ...] = ()) -> Any:
    """``node`` with each ``$ref`` replaced by its definition: the compiled check makes no call for one."""
    if isinstance(node, list):
        return [_inlined(item, definitions, through) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" not in node:
        return {key: _inlined(value, definitions, through) for key, value in node.items()}
    ref = node["$ref"]
    name = ref.removeprefix("#/definitions/") if isinstance(ref, str) else ""
    if set(node) != {"$ref"} or name not in definitions or name in through:
        raise SchemaShapeError(f"$ref {ref!r}", "a lone $ref to a definition, in no cycle")
    return _inlined(definitions[name], definitions, (*through, name))


def _passes(check: Check, value: object) -> bool:
    try:
        check(value)
    except Exception:  # noqa: BLE001 - any failure of the compiled check means "walk it"
        return False
    return True


def _walk(schema: object) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk(value)


def _required_role(messages: dict[str, Any]) -> str:
    """The role ``messages.contains`` requires; the items must be the message definition."""
    if messages.get("items") != {"$ref": "#/definitions/message"}:
        raise SchemaShapeError("properties.messages.items", '{"$ref": "#/definitions/message"}')
    contains = messages.get("contains", {})
    if (
        set(contains) != {"type", "required", "properties"}
        or contains["required"] != ["role"]
        or set(contains["properties"]) != {"role"}
    ):
        raise SchemaShapeError("properties.messages.contains", "an object whose role is a const")
    role: str = contains["properties"]["role"]["const"]
    return role


def _branch_role(branch: dict[str, Any]) -> str:
    """The role an ``allOf`` branch of the message definition is for."""
    condition = branch.get("if", {})
    if (
        set(branch) != {"if", "then"}
        or set(branch["then"]) != {"$ref"}
        or set(condition) != {"required", "properties"}
        or condition["required"] != ["role"]
        or set(condition["properties"]) != {"role"}
        or set(condition["properties"]["role"]) != {"const"}
    ):
        raise SchemaShapeError(
            "definitions.message.allOf",
            '{"if": {"required": ["role"], "properties": {"role": {"const": ...}}}, "then": {"$ref": ...}}',
        )
    role: str = condition["properties"]["role"]["const"]
    return role


def _integer_properties(definition: dict[str, Any]) -> dict[str, Any]:
    """The properties of a definition whose type is ``integer``, by name."""
    return {
        k: v
        for k, v in definition.get("properties", {}).items()
        if isinstance(v, dict) and v.get("type") == "integer"
    }


class ChatPrecheck:
    """The chat record schema, compiled by role."""

    def __init__(self, schema: dict[str, Any]) -> None:
        definitions = schema["definitions"]
        messages = schema["properties"]["messages"]
        message = definitions["message"]
        self.required_role = _required_role(messages)
        if set(message) != {"type", "required", "properties", "allOf"} or message["required"] != ["role"]:
            raise SchemaShapeError(
                "definitions.message", "type, required role, properties and an allOf of role branches"
            )
        self.by_role: dict[str, Check] = {}
        text = text_definition(definitions)
        #: The roles whose messages of just role and content are passed when their content is text.
        self.plain_roles: set[str] = set()
        self.is_text = re.compile(text["pattern"] if text is not None else "(?!)").search  # (?!): none
        self.integers: dict[str, tuple[str, ...]] = {}
        allowed: set[int] = set()
        for branch in message["allOf"]:
            role = _branch_role(branch)
            target = definitions[branch["then"]["$ref"].removeprefix("#/definitions/")]
            self.by_role[role] = _compile(target, definitions)
            if text is not None and takes_plain(_inlined(target, definitions), text):
                self.plain_roles.add(role)
            integers = _integer_properties(target)
            self.integers[role] = tuple(integers)
            allowed.update(id(v) for v in integers.values())
        if set(self.by_role) != set(message["properties"]["role"]["enum"]):
            raise SchemaShapeError("definitions.message", "one allOf branch for every role of the enum")
        if any(node.get("type") == "integer" and id(node) not in allowed for node in _walk(schema)):
            raise SchemaShapeError(
                "integers", "integers only as direct properties of a role's message definition"
            )
        envelope = copy.deepcopy(schema)
        envelope["properties"]["messages"] = {
            k: v for k, v in messages.items() if k not in ("items", "contains")
        }
        envelope = {k: v for k, v in envelope.items() if k != "definitions"}
        self.envelope = _compile(envelope, definitions)
        #: A record of just a list of at least this many messages passes the envelope (None: unproven).
        self.bare_messages = bare_messages(envelope)

    def messages_pass(self, messages: list[Any], *, require_assistant: bool = True) -> bool:
        """Whether every message passes its role's definition (and one has the required role)."""
        found = not require_assistant
        by_role, integers, plain, is_text = self.by_role, self.integers, self.plain_roles, self.is_text
        for message in messages:
            if type(message) is not dict:
                return False
            role = message.get("role")
            if type(role) is not str or role not in by_role:
                return False
            if len(message) == 2 and role in plain:  # role and one other key: content, if text?
                content = message.get("content")
                if type(content) is str and is_text(content):
                    found = found or role == self.required_role
                    continue
            for name in integers[role]:  # a loop, not any(): no generator made for each message
                if type(message.get(name)) is float:
                    return False
            try:
                by_role[role](message)
            except Exception:  # noqa: BLE001 - any failure of the compiled check means "walk it"
                return False
            found = found or role == self.required_role
        return found

    def passes(self, record: object, *, require_assistant: bool = True) -> bool:
        """True only if the record is valid under the schema; False means "walk it"."""
        messages = record.get("messages") if type(record) is dict and len(record) == 1 else None
        fewest = self.bare_messages
        if type(messages) is not list or fewest is None or len(messages) < fewest:
            if not _passes(self.envelope, record):
                return False
            # The envelope passed, so the record is an object with a list of messages.
            messages = cast("dict[str, Any]", record)["messages"]
        return self.messages_pass(messages, require_assistant=require_assistant)


class PreferencePrecheck:
    """The preference record schema: its envelope compiled, its input's messages by the chat rules."""

    def __init__(self, schema: dict[str, Any], chat: ChatPrecheck) -> None:
        self.envelope = _compile(
            {k: v for k, v in schema.items() if k != "definitions"}, schema.get("definitions", {})
        )
        self.chat = chat

    def passes(self, record: object) -> bool:
        """True only if the record passes the preference rules' schema parts; False means "walk it"."""
        if not _passes(self.envelope, record):
            return False
        conversation = preference.input_record(record)
        return (
            conversation is not None
            and _passes(self.chat.envelope, conversation)
            and self.chat.messages_pass(conversation["messages"], require_assistant=False)
        )


@cache
def chat() -> ChatPrecheck:
    """The compiled chat-record check (built once)."""
    return ChatPrecheck(records.schema())


@cache
def preference_check() -> PreferencePrecheck:
    """The compiled preference-record check (built once)."""
    return PreferencePrecheck(preference.schema(), chat())
