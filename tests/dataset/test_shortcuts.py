"""ftlab.dataset.shortcuts: a shape is proven to pass a schema only when nothing in it could refuse it."""

from __future__ import annotations

import pytest

from ftlab.dataset import precheck, records, shortcuts

TEXT = {"type": "string", "pattern": "\\S"}


@pytest.mark.parametrize(
    "definition",
    [
        True,
        {
            "required": ["role", "content"],
            "additionalProperties": False,
            "properties": {"role": True, "content": TEXT},
        },
        {"properties": {"content": {"anyOf": [{"type": "null"}, {"anyOf": [TEXT, {"type": "array"}]}]}}},
        {
            "if": {"required": ["x"]},
            "then": {"required": ["content"]},
            "else": {"properties": {"content": TEXT}},
        },
    ],
    ids=["true", "closed-text", "nested-anyOf", "if-then-else"],
)
def test_a_definition_that_takes_any_text_content_takes_plain_messages(definition):
    assert shortcuts.takes_plain(definition, TEXT)


@pytest.mark.parametrize(
    "definition",
    [
        False,
        {"required": ["role", "content", "name"], "properties": {"content": TEXT}},
        {"additionalProperties": False, "properties": {"content": TEXT}},
        {"additionalProperties": False, "properties": {"role": {"const": "user"}, "content": TEXT}},
        {"properties": {"content": {"type": "string", "pattern": "\\S", "maxLength": 10}}},
        {"properties": {"content": {"anyOf": [{"type": "null"}, {"type": "array"}]}}},
        {"properties": {"content": {"allOf": [TEXT]}}},
        {"properties": {"content": TEXT}, "minProperties": 3},
        {"type": "array", "properties": {"content": TEXT}},
        {"properties": {"content": TEXT}, "then": {"required": ["weight"]}},
        {"properties": {"content": TEXT}, "else": {"properties": {"content": {"type": "null"}}}},
        {"additionalProperties": {"type": "string"}, "properties": {"content": TEXT}},
    ],
    ids=[
        "false",
        "requires-name",
        "closed-without-role",
        "role-const",
        "max-length",
        "no-text-branch",
        "allOf",
        "min-properties",
        "not-an-object",
        "then-requires",
        "else-refuses",
        "additional-schema",
    ],
)
def test_a_definition_that_may_refuse_some_text_content_is_not_plain(definition):
    assert not shortcuts.takes_plain(definition, TEXT)


def test_the_shipped_text_definition_is_found_and_another_shape_is_not():
    assert shortcuts.text_definition(records.schema()["definitions"]) == TEXT
    assert shortcuts.text_definition({"text": {"type": "string", "minLength": 1}}) is None
    assert shortcuts.text_definition({}) is None


ENVELOPE = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "a record",
    "type": "object",
    "required": ["messages"],
    "additionalProperties": False,
    "properties": {"messages": {"type": "array", "minItems": 1}, "tools": {"type": "array"}},
}


def test_the_shipped_envelope_takes_a_record_of_one_message_or_more():
    assert shortcuts.bare_messages(ENVELOPE) == 1
    assert precheck.chat().bare_messages == 1
    assert shortcuts.bare_messages({"properties": {"messages": {}}}) == 0


@pytest.mark.parametrize(
    "edit",
    [
        {"required": ["messages", "tools"]},
        {"type": "array"},
        {"minProperties": 2},
        {"patternProperties": {"^m": {"type": "string"}}},
        {"properties": {"messages": {"type": "array", "maxItems": 3}}},
        {"properties": {"messages": {"type": "object"}}},
        {"properties": {"messages": {"type": "array", "minItems": 1.5}}},
        {"properties": {"tools": {"type": "array"}}},
    ],
    ids=[
        "requires-more",
        "not-an-object",
        "min-properties",
        "pattern",
        "max-items",
        "object",
        "float",
        "no-messages",
    ],
)
def test_an_envelope_that_may_refuse_a_bare_messages_list_is_not_proven(edit):
    assert shortcuts.bare_messages({**ENVELOPE, **edit}) is None
