"""ftlab.dataset.precheck: the compiled fast path says "valid" exactly when the detailed rules find none."""

from __future__ import annotations

import copy
import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlab.dataset import precheck, preference, records
from ftlab.dataset.strategies import broken_records, json_values, preference_records, valid_records
from ftlab.errors import FtlabError

AGREEMENT = settings(max_examples=250, database=None, deadline=None)
USER = {"role": "user", "content": "hi"}
ASSISTANT = {"role": "assistant", "content": "hello"}


def _schema_valid(record: object) -> bool:
    return records._validator().is_valid(record)


@AGREEMENT
@given(record=valid_records() | broken_records().map(lambda case: case[0]) | json_values())
def test_the_chat_fast_path_agrees_with_jsonschema(record):
    assert precheck.chat().passes(record) == _schema_valid(record)


def _preference_valid(record: object) -> bool:
    problems = [p for p in preference.check_preference_record(record) if p.is_error]
    semantic = [p for p in preference.semantic_problems(record) if p.is_error]
    return len(problems) == len(semantic)


def _broken_preference(record: dict, change: str) -> object:
    broken = copy.deepcopy(record)
    if change == "drop-output":
        del broken["non_preferred_output"]
    elif change == "two-outputs":
        broken["preferred_output"] = broken["preferred_output"] * 2
    elif change == "user-output":
        broken["preferred_output"][0]["role"] = "user"
    elif change == "blank-output":
        broken["non_preferred_output"][0]["content"] = " "
    elif change == "bad-input-message":
        broken["input"]["messages"][0]["role"] = "bot"
    elif change == "weight-float":
        broken["input"]["messages"].insert(0, {"role": "assistant", "content": "x", "weight": 1.0})
    elif change == "extra-key":
        broken["metadata"] = {}
    elif change == "tools-not-list":
        broken["input"]["tools"] = "lookup"
    return broken


@AGREEMENT
@given(
    record=preference_records(),
    change=st.sampled_from(
        [
            "none",
            "drop-output",
            "two-outputs",
            "user-output",
            "blank-output",
            "bad-input-message",
            "weight-float",
            "extra-key",
            "tools-not-list",
        ]
    ),
)
def test_the_preference_fast_path_agrees_with_the_rules(record, change):
    broken = _broken_preference(record, change)
    assert precheck.preference_check().passes(broken) == _preference_valid(broken)


@AGREEMENT
@given(record=json_values())
def test_the_preference_fast_path_never_passes_what_the_rules_refuse(record):
    if precheck.preference_check().passes(record):
        assert _preference_valid(record)


@pytest.mark.parametrize("weight", [1.0, 0.0])
def test_a_float_weight_is_walked_not_passed(weight):
    record = {"messages": [USER, {**ASSISTANT, "weight": weight}]}
    assert not precheck.chat().passes(record)
    assert [p.code for p in records.check_record(record)] == ["invalid_weight"]


def test_input_without_an_assistant_passes_only_when_not_required():
    check = precheck.chat()
    assert not check.passes({"messages": [USER]})
    assert check.passes({"messages": [USER]}, require_assistant=False)


def _altered(edit) -> dict:
    schema = copy.deepcopy(records.schema())
    edit(schema)
    return schema


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda s: s["properties"]["messages"].update(items={"type": "object"}), "properties.messages.items"),
        (
            lambda s: s["properties"]["messages"]["contains"].update(minProperties=1),
            "properties.messages.contains",
        ),
        (lambda s: s["definitions"]["message"]["allOf"].pop(), "definitions.message"),
        (
            lambda s: s["definitions"]["message"]["allOf"][0]["if"].update(type="object"),
            "definitions.message.allOf",
        ),
        (lambda s: s["definitions"]["tool_call"]["properties"].update(index={"type": "integer"}), "integers"),
        (
            lambda s: s["definitions"].update(
                text={"anyOf": [{"type": "string"}, {"$ref": "#/definitions/text"}]}
            ),
            "ref '#/definitions/text'",
        ),
        (
            lambda s: s["definitions"]["text_part"]["properties"].update(
                text={"$ref": "#/definitions/text", "minLength": 1}
            ),
            "ref '#/definitions/text'",
        ),
        (
            lambda s: s["definitions"]["tool"]["properties"].update(function={"$ref": "#/components/f"}),
            "ref '#/components/f'",
        ),
    ],
    ids=[
        "items",
        "contains",
        "missing-role",
        "branch-shape",
        "nested-integer",
        "ref-cycle",
        "ref-beside",
        "ref-elsewhere",
    ],
)
def test_a_schema_the_fast_path_does_not_understand_is_refused_at_load(edit, where):
    with pytest.raises(precheck.SchemaShapeError, match=where.replace(".", r"\.")) as caught:
        precheck.ChatPrecheck(_altered(edit))
    assert "update ftlab/dataset/precheck.py" in str(caught.value)
    assert isinstance(caught.value, FtlabError)


# Issue 12: a message of just role and content skips the compiled check when that is provably the same
def test_system_user_and_assistant_messages_of_text_alone_are_plain_and_tool_and_function_ones_not():
    assert precheck.chat().plain_roles == {"system", "user", "assistant"}


@AGREEMENT
@given(
    role=st.sampled_from(records.ROLES), content=st.text() | st.sampled_from(["", " ", "\n\t", "\u3000", "x"])
)
def test_a_plain_message_is_passed_exactly_when_its_compiled_check_and_jsonschema_pass_it(role, content):
    check = precheck.chat()
    message = {"role": role, "content": content}
    compiled = precheck._passes(check.by_role[role], message)
    detailed = _schema_valid({"messages": [message, ASSISTANT]})
    assert compiled == detailed
    if role in check.plain_roles:
        assert bool(check.is_text(content)) == compiled


@functools.cache
def _without_shortcut() -> precheck.ChatPrecheck:
    """The chat precheck with no plain roles (built once: compiling the schema is most of its cost)."""
    check = precheck.ChatPrecheck(records.schema())
    check.plain_roles.clear()
    return check


@AGREEMENT
@given(record=valid_records() | broken_records().map(lambda case: case[0]) | json_values())
def test_the_chat_fast_path_says_the_same_with_and_without_the_plain_message_shortcut(record):
    assert precheck.chat().passes(record) == _without_shortcut().passes(record)
    messages = record.get("messages") if isinstance(record, dict) else None
    if isinstance(messages, list):
        for required in (True, False):
            shortcut = precheck.chat().messages_pass(messages, require_assistant=required)
            assert shortcut == _without_shortcut().messages_pass(messages, require_assistant=required)


def test_a_role_whose_definition_asks_for_more_gets_the_compiled_check_again():
    def require_name(schema: dict) -> None:
        schema["definitions"]["user_message"]["required"].append("name")

    check = precheck.ChatPrecheck(_altered(require_name))
    assert check.plain_roles == {"system", "assistant"}
    assert not check.passes({"messages": [USER, ASSISTANT]})
    assert check.passes({"messages": [{**USER, "name": "ann"}, ASSISTANT]})


def test_without_a_text_definition_no_message_is_plain_and_every_check_still_holds():
    def inline_text(schema: dict) -> None:
        text = schema["definitions"].pop("text")
        raw = json.dumps(schema).replace('{"$ref": "#/definitions/text"}', json.dumps(text))
        schema.clear()
        schema.update(json.loads(raw))

    check = precheck.ChatPrecheck(_altered(inline_text))
    assert check.plain_roles == set()
    assert check.passes({"messages": [USER, ASSISTANT]})
    assert not check.passes({"messages": [{**USER, "content": " "}, ASSISTANT]})


@AGREEMENT
@given(
    messages=st.lists(st.just(USER) | st.just(ASSISTANT) | json_values(), max_size=4) | json_values(),
    extra=st.sampled_from([{}, {"tools": []}, {"parallel_tool_calls": True}, {"metadata": 1}]),
)
def test_a_record_of_just_messages_passes_the_envelope_check_exactly_when_it_is_skipped(messages, extra):
    check = precheck.chat()
    record = {"messages": messages, **extra}
    compiled = precheck._passes(check.envelope, record)
    skipped = not extra and isinstance(messages, list) and len(messages) >= (check.bare_messages or 0)
    if not extra:  # a record of just messages: skipped exactly when the compiled check passes it
        assert skipped == compiled
    assert check.passes(record) == _schema_valid(record)


def test_without_a_proven_envelope_every_record_gets_the_compiled_check():
    check = precheck.ChatPrecheck(records.schema())
    check.bare_messages = None
    assert check.passes({"messages": [USER, ASSISTANT]})
    assert not check.passes({"messages": []})
    assert not check.passes({"messages": [USER, ASSISTANT], "metadata": {}})
