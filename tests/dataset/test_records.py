"""The chat-format record rules: every code, its wording, and the schema behind them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.records import CODES, check_record, codes, image_problem, schema, tool_result_problems
from ftlab.dataset.strategies import GRADING, broken_records, valid_records
from tests.paths import ROOT

USER = {"role": "user", "content": "hi"}
BOT = {"role": "assistant", "content": "hello"}


def test_the_shipped_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(schema())


@given(record=valid_records())
def test_every_valid_record_has_no_problems(record):
    assert check_record(record) == []


@GRADING
@given(case=broken_records())
def test_a_record_broken_one_way_has_exactly_that_code(case):
    record, code = case
    assert codes(record) == [code]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"messages": [USER, BOT], "tools": "x", "prompt": 1}, ["invalid_tools", "record_unrecognized_key"]),
        ({"messages": []}, ["missing_messages_list"]),
        (
            {"messages": [{"role": "bot", "content": ""}, {"role": "user"}, {**BOT, "weight": "1"}]},
            ["message_missing_key", "invalid_weight", "unrecognized_role"],
        ),
        (
            {
                "messages": [
                    USER,
                    {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}},
                    {"role": "function", "name": "f", "content": "1"},
                    BOT,
                ]
            },
            [],
        ),
    ],
)
def test_codes_of_records_breaking_several_rules(record, expected):
    assert sorted(codes(record)) == sorted(expected)


def test_problems_name_the_message_and_field():
    [problem] = check_record({"messages": [USER, {**BOT, "weight": 2}]})
    assert (problem.code, problem.message_index, problem.field) == ("invalid_weight", 1, "weight")
    assert (
        problem.message
        == "messages[1] (assistant): weight must be 0 (don't train on this turn) or 1 (train on it), got 2"
    )


def test_an_unknown_key_is_named_with_what_is_allowed():
    [problem] = check_record({"messages": [{**USER, "wieght": 1}, BOT]})
    assert (
        problem.message
        == "messages[0] (user): 'wieght' not allowed on a user message; allowed: 'content', 'name', 'role'"
    )


def test_a_tool_result_must_answer_an_earlier_call():
    call = {
        "role": "assistant",
        "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
    }
    late = {"messages": [USER, {"role": "tool", "tool_call_id": "a", "content": "1"}, call, BOT]}
    assert codes(late) == ["invalid_tool_calls"]
    assert codes({"messages": [USER, call, {"role": "tool", "tool_call_id": "a", "content": "1"}, BOT]}) == []


def test_problem_order_is_stable_record_level_first():
    problems = check_record({"messages": [{"role": "x", "content": "1"}, BOT, "s"], "extra": 1})
    assert [p.message_index for p in problems] == [None, 0, 2]


def test_the_exercise_docstring_documents_every_code():

    text = (ROOT / "exercises" / "ex2_validate_record.py").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"``{code}``" not in text]
    assert not missing, f"exercises/ex2_validate_record.py does not document {missing}"


def test_problems_serialise_without_empty_fields():
    [problem] = check_record([])
    assert json.loads(json.dumps(problem.to_dict())) == {
        "code": "data_type",
        "message": "each line must be a JSON object, got a list",
        "severity": "error",
    }


def test_a_name_ending_in_a_newline_is_invalid_though_a_python_dollar_would_allow_it():
    record = {"messages": [{"role": "user", "content": "hi", "name": "bob\n"}, BOT]}
    assert codes(record) == ["invalid_name"]


# Issue 16, item 10: OpenAI's record schemas (openai/openai-openapi f7f4b05) ------------------------
PARTS = [{"type": "text", "text": "What is in this picture?"}]
IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}}
CALL = {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}}


@pytest.mark.parametrize(
    "record",
    [
        # ChatCompletionRequest{System,User,Assistant,Tool}Message.content: a string or an array of parts
        {"messages": [{"role": "system", "content": PARTS}, {"role": "user", "content": PARTS}, BOT]},
        {"messages": [USER, {"role": "assistant", "content": PARTS}]},
        # ChatCompletionRequestUserMessage: image_url parts (vision fine-tuning)
        {"messages": [{"role": "user", "content": [*PARTS, IMAGE]}, BOT]},
        # ChatCompletionRequestAssistantMessage.function_call is nullable
        {"messages": [USER, {**BOT, "function_call": None}]},
        # ChatCompletionRequestFunctionMessage.content is required but nullable
        {"messages": [USER, CALL, {"role": "function", "name": "f", "content": None}, BOT]},
    ],
    ids=["text-parts", "assistant-parts", "image-part", "null-function-call", "null-function-content"],
)
def test_what_openais_schema_allows_is_valid(record):
    assert check_record(record) == []


@pytest.mark.parametrize(
    ("record", "code", "words"),
    [
        # CreateChatCompletionRequest.functions: minItems 1, maxItems 128
        ({"messages": [USER, BOT], "functions": []}, "invalid_tools", "must not be empty"),
        (
            {"messages": [USER, BOT], "functions": [{"name": f"f{i}"} for i in range(129)]},
            "invalid_tools",
            "at most 128 items, got 129",
        ),
        # FunctionObject.strict: boolean
        (
            {
                "messages": [USER, BOT],
                "tools": [{"type": "function", "function": {"name": "f", "strict": "yes"}}],
            },
            "invalid_tools",
            "tools[0].function.strict",
        ),
        # an image is a user's part only; a part needs a known type
        (
            {"messages": [{"role": "system", "content": [IMAGE]}, USER, BOT]},
            "missing_content",
            "content parts",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "txt"}]}, BOT]},
            "missing_content",
            "content parts",
        ),
        ({"messages": [{"role": "user", "content": []}, BOT]}, "missing_content", "content parts"),
        # a null function_call is no call: the assistant still needs content
        (
            {"messages": [USER, {"role": "assistant", "function_call": None}]},
            "message_missing_key",
            "content",
        ),
    ],
    ids=[
        "no-functions",
        "129-functions",
        "strict-string",
        "system-image",
        "unknown-part",
        "no-parts",
        "null-call",
    ],
)
def test_what_openais_schema_forbids_is_refused(record, code, words):
    problems = check_record(record)
    assert [p.code for p in problems] == [code]
    assert words in problems[0].message


@pytest.mark.parametrize(
    "record",
    [
        {"messages": [{"role": "user", "content": PARTS}, BOT]},
        {"messages": [USER, {**BOT, "function_call": None}]},
        {"messages": [USER, BOT], "functions": []},
    ],
)
def test_exercise_2_keeps_its_own_simpler_rules(record):
    assert codes(record) != sorted({p.code for p in check_record(record)})


@pytest.mark.parametrize("model", ["gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14"])
def test_an_image_is_refused_for_a_model_without_vision_fine_tuning_naming_it(model):
    (problem,) = image_problem({"messages": [{"role": "user", "content": [IMAGE]}, BOT]}, model)
    assert problem.code == "images_not_supported" and model in problem.message


def test_an_image_is_accepted_for_the_vision_model():
    assert image_problem({"messages": [{"role": "user", "content": [IMAGE]}, BOT]}, "gpt-4o-2024-08-06") == []


class _Message(Mapping):
    """A message that is a Mapping but not a dict."""

    def __init__(self, data: dict) -> None:
        self._data = data

    def __getitem__(self, key: str) -> object:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


@pytest.mark.parametrize(
    ("messages", "index"),
    [
        ([USER, BOT, {"role": "user", "content": [IMAGE]}, BOT], 2),
        ([USER, {"role": "assistant", "tool_calls": []}, {"role": "user", "content": [IMAGE]}], 2),
        ([USER, "not a message", {"role": "user", "content": [{"type": "text", "text": "x"}, IMAGE]}], 2),
        ([USER, _Message({"role": "user", "content": [IMAGE]}), BOT], 1),
        ([USER, BOT], None),
        ([USER, {"role": "user", "content": [{"type": "text", "text": "x"}]}, BOT], None),
    ],
    ids=["after-text", "after-a-call", "after-a-string", "in-a-mapping", "none", "text-parts-only"],
)
def test_an_image_is_found_wherever_it_is_after_messages_of_text(messages, index):
    problems = image_problem({"messages": messages}, "gpt-4o-mini")
    assert [p.message_index for p in problems] == ([] if index is None else [index])


def _unanswered(messages: list) -> list[int]:
    """The tool results that answer no earlier call, written out plainly: the rule's reference."""
    seen, found = set(), []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        if message.get("role") == "assistant" and isinstance(message.get("tool_calls"), list):
            seen |= {
                c["id"] for c in message["tool_calls"] if isinstance(c, dict) and isinstance(c.get("id"), str)
            }
        if message.get("role") == "tool" and isinstance(message.get("tool_call_id"), str):
            found += [] if message["tool_call_id"] in seen else [index]
    return found


_IDS = st.sampled_from(["a", "b", 1, None])
_CALLS = st.lists(st.fixed_dictionaries({"id": _IDS}) | _IDS, max_size=3) | _IDS
_TOOL_MESSAGES = st.one_of(
    st.builds(lambda calls: {"role": "assistant", "tool_calls": calls}, _CALLS),
    st.builds(lambda i: {"role": "tool", "tool_call_id": i, "content": "r"}, _IDS),
    st.builds(lambda i: {"role": "user", "tool_call_id": i, "content": "r"}, _IDS),
    st.sampled_from([USER, BOT, "not a message", None]),
)


@given(messages=st.lists(_TOOL_MESSAGES, max_size=6))
def test_a_tool_result_is_refused_exactly_when_no_earlier_call_has_its_id(messages):
    problems = list(tool_result_problems({"messages": messages}))
    assert [p.message_index for p in problems] == _unanswered(messages)
    assert all(p.code == "invalid_tool_calls" and p.field == "tool_call_id" for p in problems)
