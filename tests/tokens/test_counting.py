"""ftlab.tokens.counting: chat-format counts as in OpenAI's cookbook, and the documented extensions."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.errors import FtlabError
from ftlab.tokens import counting
from ftlab.tokens.counting import (
    UncountableMessages,
    assistant_tokens,
    content_tokens,
    count_tokens,
    example_messages,
    example_tokens,
    token_counts,
)
from ftlab.tokens.encodings import get_encoding
from ftlab.tokens.memo import LengthMemo
from ftlab.tokens.models import UnknownModel

# The example of OpenAI's cookbook "How to count tokens with tiktoken", whose prompt tokens the
# API reported as 129 for gpt-3.5-turbo/gpt-4 and 124 for gpt-4o/gpt-4o-mini.
COOKBOOK_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate "
        "jargon into plain English.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "New synergies will help drive top-line growth.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities "
        "for increased leverage.",
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]

TOOL_CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}


def chat_messages(*, min_size: int = 0, max_size: int = 5) -> st.SearchStrategy[list[dict]]:
    """Lists of chat messages with string values and an optional name."""
    if not 0 <= min_size <= max_size:
        raise ValueError("need 0 <= min_size <= max_size")
    return st.lists(chat_message(), min_size=min_size, max_size=max_size)


def chat_message(*, with_name: bool = True) -> st.SearchStrategy[dict]:
    """One chat message: a role, text content and (if with_name) sometimes a name."""
    base = st.fixed_dictionaries(
        {"role": st.sampled_from(["system", "user", "assistant"]), "content": st.text(max_size=40)}
    )
    if not with_name:
        return base
    name = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=8)
    return base | st.builds(lambda m, n: {**m, "name": n}, base, name)


def _cookbook_count(messages: list[dict], encoding_name: str) -> int:
    """The cookbook's formula, written out plainly for string-valued messages."""
    encoding = get_encoding(encoding_name)
    total = 3
    for message in messages:
        total += 3
        for key, value in message.items():
            total += len(encoding.encode(value, disallowed_special=()))
            if key == "name":
                total += 1
    return total


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-3.5-turbo", 129),
        ("gpt-3.5-turbo-0125", 129),
        ("gpt-4", 129),
        ("gpt-4-0613", 129),
        ("gpt-4o", 124),
        ("gpt-4o-mini", 124),
        ("gpt-4o-mini-2024-07-18", 124),
        ("ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566", 124),
        ("gpt-4.1-nano", 124),
    ],
)
def test_the_cookbook_example_counts_what_the_api_reported(model: str, expected: int) -> None:
    assert count_tokens(COOKBOOK_MESSAGES, model) == expected


def test_one_message_is_framing_plus_its_values_plus_priming() -> None:
    # "user" is one token, "Hello, world!" four, in o200k_base.
    assert count_tokens([{"role": "user", "content": "Hello, world!"}]) == 3 + 1 + 4 + 3
    assert count_tokens([]) == 3


def test_a_name_costs_its_tokens_plus_one() -> None:
    plain = [{"role": "user", "content": "Hello, world!"}]
    named = [{"role": "user", "content": "Hello, world!", "name": "bob"}]
    assert count_tokens(named) - count_tokens(plain) == 1 + 1  # "bob" is one token, +1


def test_weight_is_never_counted() -> None:
    message = {"role": "assistant", "content": "Hello, world!"}
    assert count_tokens([{**message, "weight": 0}]) == count_tokens([message])
    assert count_tokens([{**message, "weight": 1}]) == count_tokens([message])


def test_none_values_count_nothing() -> None:
    # "assistant" is one token in o200k_base.
    assert count_tokens([{"role": "assistant", "content": None}]) == 3 + 1 + 3
    assert count_tokens([{"role": "user", "content": "hi", "name": None}]) == count_tokens(
        [{"role": "user", "content": "hi"}]
    )


def test_structured_values_count_as_compact_json() -> None:
    encoding = get_encoding("o200k_base")
    message = {"role": "assistant", "content": None, "tool_calls": [TOOL_CALL]}
    compact = json.dumps([TOOL_CALL], separators=(",", ":"))
    assert count_tokens([message]) == 3 + 1 + len(encoding.encode(compact)) + 3


def test_special_token_text_counts_as_plain_text() -> None:
    encoding = get_encoding("o200k_base")
    text = "<|endoftext|>"
    expected = 3 + 1 + len(encoding.encode(text, disallowed_special=())) + 3
    assert count_tokens([{"role": "user", "content": text}]) == expected
    assert expected > 3 + 1 + 1 + 3  # plain text, not the single special token


def test_the_encoding_follows_the_model() -> None:
    message = [{"role": "user", "content": "Hello, world!"}]
    assert count_tokens(message, "gpt-3.5-turbo") == 3 + 1 + 4 + 3
    text = [{"role": "user", "content": "hello world"}]
    assert get_encoding("o200k_base").encode("hello world") != [15339, 1917]
    assert count_tokens(text, "gpt-3.5-turbo") == 3 + 1 + 2 + 3


@given(chat_messages(max_size=4), chat_message())
def test_adding_a_message_never_lowers_the_count(messages: list[dict], extra: dict) -> None:
    before = count_tokens(messages)
    for position in range(len(messages) + 1):
        after = count_tokens([*messages[:position], extra, *messages[position:]])
        assert after >= before + 3


@given(chat_messages(max_size=4), st.sampled_from(["gpt-4o-mini", "gpt-3.5-turbo"]))
def test_string_messages_count_as_the_cookbook_formula(messages: list[dict], model: str) -> None:
    encoding_name = "o200k_base" if model == "gpt-4o-mini" else "cl100k_base"
    assert count_tokens(messages, model) == _cookbook_count(messages, encoding_name)


@pytest.mark.parametrize(
    ("messages", "match"),
    [
        ("Hello", "expected a list of messages, got str"),
        ({"messages": []}, r"got dict \(pass example\['messages'\]\)"),
        (None, "expected a list of messages, got NoneType"),
        ([{"role": "user", "content": "hi"}, "hi"], "message 1: expected a message object"),
        ([{"role": "user", "content": {1, 2}}], "message 0, field 'content': value is not JSON"),
        ([{"role": "user", "content": b"bytes"}], "field 'content': value is not JSON"),
    ],
)
def test_input_that_is_not_chat_messages_is_refused_with_its_place(messages: object, match: str) -> None:
    with pytest.raises(UncountableMessages, match=match):
        count_tokens(messages)  # type: ignore[arg-type]


def test_an_unknown_model_is_refused() -> None:
    with pytest.raises(UnknownModel, match="gpt-9"):
        count_tokens([], "gpt-9")
    with pytest.raises(TypeError, match="model must be a string"):
        count_tokens([], None)  # type: ignore[arg-type]


def test_content_tokens_count_the_content_alone() -> None:
    assert content_tokens({"role": "user", "content": "Hello, world!"}) == 4
    assert content_tokens({"role": "user", "content": "hello world"}, "gpt-3.5-turbo") == 2
    assert content_tokens({"role": "assistant", "content": None}) == 0
    assert content_tokens({"role": "assistant"}) == 0


def test_assistant_tokens_count_what_the_assistant_produces() -> None:
    encoding = get_encoding("o200k_base")
    calls = len(encoding.encode(json.dumps([TOOL_CALL], separators=(",", ":"))))
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Hello, world!"},
        {"role": "assistant", "content": "Hello, world!", "weight": 0},
        {"role": "user", "content": "hello world"},
        {"role": "assistant", "content": None, "tool_calls": [TOOL_CALL]},
    ]
    assert assistant_tokens(messages) == 4 + calls
    assert assistant_tokens(messages, trained_only=True) == calls


@given(chat_messages(max_size=5), st.sampled_from([None, 0, 1]))
def test_one_pass_gives_the_total_the_assistants_and_the_trained_tokens(
    messages: list[dict], weight: int | None
) -> None:
    if weight is not None:
        messages = [{**m, "weight": weight} if m["role"] == "assistant" else m for m in messages]
    counts = token_counts(messages)
    encoding = get_encoding("o200k_base")
    produced = sum(len(encoding.encode_ordinary(m["content"])) for m in messages if m["role"] == "assistant")
    assert counts.total == count_tokens(messages)
    assert counts.assistant == produced
    assert counts.trained == (0 if weight == 0 else produced)
    assert counts.total >= 3 + 3 * len(messages) + counts.assistant


def test_an_example_is_a_record_or_a_message_list() -> None:
    record = {"messages": COOKBOOK_MESSAGES, "tools": []}
    assert example_tokens(record) == example_tokens(COOKBOOK_MESSAGES) == 124
    assert example_messages(record) == COOKBOOK_MESSAGES


@pytest.mark.parametrize(
    ("example", "match"),
    [
        ({"input": {"messages": []}, "preferred_output": [], "non_preferred_output": []}, "DPO"),
        ({"prompt": "hi", "completion": "there"}, "expected a chat example with a 'messages'"),
        (42, "expected a list of messages, got int"),
    ],
)
def test_examples_that_are_not_chat_examples_are_refused(example: object, match: str) -> None:
    with pytest.raises(UncountableMessages, match=match):
        example_tokens(example)


def test_uncountable_messages_are_an_ftlab_error_and_still_a_type_error():
    with pytest.raises(FtlabError) as caught:
        count_tokens("not a list", "gpt-4o-mini")  # type: ignore[arg-type]
    assert isinstance(caught.value, UncountableMessages) and isinstance(caught.value, TypeError)


# Issue 16 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("run", "field"),
    [(" ", "content"), ("\t", "content"), ("\u00a0", "content"), (" ", "name"), ("\u00a0", "tool_calls")],
)
def test_a_million_whitespace_characters_are_uncountable_not_a_panic(run: str, field: str) -> None:
    text = "a" + run * 1_000_000 + "b"
    value: object = [{"id": "c", "text": text}] if field == "tool_calls" else text
    with pytest.raises(UncountableMessages) as caught:
        count_tokens([{"role": "assistant", field: value}])
    assert str(caught.value) == (
        f"message 0, field {field!r}: a run of 1,000,000 whitespace characters that the tokenizer "
        "cannot encode; no real example has one (shorten it)"
    )


def test_a_tokenizer_panic_is_turned_into_uncountable_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    class Panic(BaseException):
        pass

    class Broken:
        def encode_ordinary(self, text: str) -> list[int]:
            raise Panic("called `Result::unwrap()` on an `Err` value")

    monkeypatch.setattr(counting, "encoding_for_model", lambda model: Broken())
    with pytest.raises(UncountableMessages, match=r"message 0, field 'content': the tokenizer cannot encode"):
        count_tokens([{"content": "hi"}])


def test_keyboard_interrupt_in_the_tokenizer_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Interrupted:
        def encode_ordinary(self, text: str) -> list[int]:
            raise KeyboardInterrupt

    monkeypatch.setattr(counting, "encoding_for_model", lambda model: Interrupted())
    with pytest.raises(KeyboardInterrupt):
        count_tokens([{"role": "user", "content": "hi"}])


def test_a_non_finite_number_counts_as_json_would_write_it_never_raising() -> None:
    call = {"name": "f", "arguments": "{}", "extra": float("inf")}
    encoding = counting.encoding_for_model("gpt-4o-mini")
    expected = len(encoding.encode_ordinary('{"name":"f","arguments":"{}","extra":Infinity}'))
    assert content_tokens({"content": call}) == expected


def test_text_parts_count_their_text_and_image_parts_a_fixed_amount() -> None:
    encoding = counting.encoding_for_model("gpt-4o-mini")
    parts = [{"type": "text", "text": "Hello"}, {"type": "image_url", "image_url": {"url": "u"}}]
    assert (
        content_tokens({"content": parts}) == len(encoding.encode_ordinary("Hello")) + counting.IMAGE_TOKENS
    )


# Issue 12: recurring strings (roles, a system prompt) counted from a bounded memo --------------
@contextlib.contextmanager
def _fresh_memo(**bounds: int) -> Iterator[tuple[LengthMemo, list[str]]]:
    """token_counts' memo replaced by a fresh one with these bounds, and the texts it measured."""
    encoding = counting.encoding_for_model("gpt-4o-mini")
    measured: list[str] = []

    def measure(text: str) -> int:
        measured.append(text)
        return counting._encoded_length(text, encoding)  # the real memo's measure

    memo = LengthMemo(measure, **bounds)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(counting, "_memo", lambda encoding: memo)
        yield memo, measured


def test_a_system_prompt_repeated_in_every_example_is_tokenized_once() -> None:
    prompt = "You triage support emails. Reply with a category."
    examples = [
        [
            {"role": "system", "content": prompt},
            {"role": "user", "content": f"email {n}"},
            {"role": "assistant", "content": "billing"},
        ]
        for n in range(3)
    ]
    with _fresh_memo() as (_memo, measured):
        counts = [count_tokens(messages) for messages in examples]
    assert counts == [_cookbook_count(messages, "o200k_base") for messages in examples]
    assert sorted(measured) == sorted(["system", prompt, "user", "assistant"])


@given(
    st.lists(st.sampled_from(["Be brief.", "You are a helpful assistant.", "", "  ", "x" * 30]), max_size=8),
    chat_messages(max_size=3),
    st.integers(1, 3),
    st.integers(0, 40),
)
def test_counts_through_a_small_memo_are_the_tokenizers_and_it_stays_bounded(
    prompts: list[str], rest: list[dict], max_entries: int, max_chars: int
) -> None:
    with _fresh_memo(max_entries=max_entries, max_chars=max_chars) as (memo, _measured):
        for prompt in prompts:
            messages = [{"role": "system", "content": prompt}, *rest]
            assert count_tokens(messages) == _cookbook_count(messages, "o200k_base")
            assert len(memo) <= max_entries and memo.chars <= max_chars


def test_a_system_prompt_the_tokenizer_cannot_encode_is_refused_every_time() -> None:
    prompt = "a" + " " * 1_000_000 + "b"
    with _fresh_memo() as (_memo, measured):
        for _ in range(2):
            with pytest.raises(UncountableMessages, match=r"^message 0, field 'content': a run of 1,000,000"):
                count_tokens([{"role": "system", "content": prompt}])
    assert measured.count(prompt) == 2


# Issue 12: the usual message ({"role", "content": text}) counted without walking its keys -----------
@given(st.lists(chat_messages(max_size=4), min_size=1, max_size=4))
def test_the_usual_message_counts_the_same_before_and_after_its_role_is_remembered(examples) -> None:
    with _fresh_memo():
        for messages in examples * 2:  # the second time round, every role is remembered
            counts = token_counts(messages)
            assert counts.total == _cookbook_count(messages, "o200k_base")
            produced = sum(
                _cookbook_count([{"content": m["content"]}], "o200k_base") - 6
                for m in messages
                if m["role"] == "assistant"
            )
            assert counts.assistant == counts.trained == produced


@pytest.mark.parametrize("role", ["system", "user", "assistant"])
def test_uncountable_content_is_located_the_same_once_its_role_is_remembered(role: str) -> None:
    message = {"role": role, "content": "a" + " " * 1_000_000 + "b"}
    with _fresh_memo() as (memo, _measured):
        failures = []
        for before in ([], [{"role": role, "content": "hi"}]):  # the role unknown, then remembered
            with pytest.raises(UncountableMessages) as caught:
                count_tokens([*before, message])
            failures.append(
                (caught.value.message_index - len(before), caught.value.field, caught.value.detail)
            )
        assert memo.known(role) is not None
    assert failures[0] == failures[1] == (0, "content", failures[0][2])
    assert "1,000,000 whitespace characters" in failures[0][2]
