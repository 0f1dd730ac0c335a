"""Chat-template tokenization with assistant-only labels, on a tokenizer trained in the test."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from ftlab.dataset.strategies import valid_records
from ftlab.lora.dataset import IGNORE, check_dataset, tokenize_dataset, tokenize_record
from ftlab.lora.errors import (
    DatasetRefused,
    DatasetUnreadable,
    ExampleTooLong,
    NothingToTrain,
    TemplateMismatch,
)
from tests import tiny_lm

# Looked up, not imported: the tokenizer is built with transformers in the module's fixture, so a
# worker of ``pytest -n`` that runs none of these tests does not import it at collection.
pytestmark = pytest.mark.skipif(
    find_spec("transformers") is None,
    reason="the optional 'train' extra is not installed (pip install -e '.[train]')",
)

SYSTEM = ("system", "You answer in one short sentence.")
RECORDS = [
    tiny_lm.record(
        SYSTEM, ("user", "What is the capital of France?"), ("assistant", "Paris is the capital of France.")
    ),
    tiny_lm.record(("user", "Say hello."), ("assistant", "Hello there, friend!")),
]


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    corpus = tiny_lm.texts_of(RECORDS) + ["The quick brown fox jumps over the lazy dog. Ünïcödé テキスト 123"]
    return tiny_lm.tokenizer(corpus)


def _trained_text(tokenizer: Any, ids: list[int], labels: list[int]) -> str:
    return tokenizer.decode(
        [t for t, label in zip(ids, labels, strict=True) if label != IGNORE],
        clean_up_tokenization_spaces=False,
    )


def _prefix_length(tokenizer: Any, messages: list[dict[str, Any]]) -> int:
    """How many tokens come before the reply to ``messages``, computed from the template alone."""
    prefix = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return len(tokenizer(prefix, add_special_tokens=False)["input_ids"])


def test_only_the_last_weight_1_turn_carries_labels_after_a_weight_0_turn(tokenizer: Any) -> None:
    record = tiny_lm.record(
        SYSTEM,
        ("user", "Say hello."),
        ("assistant", "Go away."),
        ("user", "Say hello nicely."),
        ("assistant", "Hello there, friend!"),
        weight={2: 0},
    )
    ids, labels = tokenize_record(tokenizer, record)
    start = _prefix_length(tokenizer, record["messages"][:4])

    assert 0 < start < len(ids)
    assert labels[:start] == [IGNORE] * start  # system, both users, the weight-0 reply and the prompt
    assert labels[start:] == ids[start:]
    assert tokenizer.decode(ids[start:]) == "Hello there, friend!<|im_end|>\n"
    assert "Go away." in tokenizer.decode(ids[:start])


def test_a_weight_1_turn_before_a_weight_0_turn_is_trained_and_the_later_one_is_not(tokenizer: Any) -> None:
    record = tiny_lm.record(
        ("user", "Say hello."),
        ("assistant", "Hello there, friend!"),
        ("user", "Again."),
        ("assistant", "Go away."),
        weight={3: 0},
    )
    ids, labels = tokenize_record(tokenizer, record)
    start = _prefix_length(tokenizer, record["messages"][:1])
    end = len(
        tokenizer(
            tokenizer.apply_chat_template(record["messages"][:2], tokenize=False), add_special_tokens=False
        )["input_ids"]
    )

    assert labels == [IGNORE] * start + ids[start:end] + [IGNORE] * (len(ids) - end)
    assert tokenizer.decode(ids[start:end]) == "Hello there, friend!<|im_end|>\n"


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(record=valid_records())
def test_trained_tokens_spell_exactly_the_weight_1_assistant_turns(
    tokenizer: Any, record: dict[str, Any]
) -> None:
    ids, labels = tokenize_record(tokenizer, record)
    expected = "".join(
        (m.get("content") or "") + "<|im_end|>\n"
        for m in record["messages"]
        if m["role"] == "assistant" and m.get("weight", 1) == 1
    )

    assert _trained_text(tokenizer, ids, labels) == expected
    assert all(label in (IGNORE, token) for token, label in zip(ids, labels, strict=True))


def test_a_file_with_an_error_is_refused_naming_its_line(tmp_path: Path) -> None:
    bad = tiny_lm.write_jsonl(
        tmp_path / "bad.jsonl", [RECORDS[0], {"messages": [{"role": "user", "content": "hi"}]}]
    )

    with pytest.raises(DatasetRefused) as caught:
        check_dataset(bad)

    assert "line 2:" in str(caught.value)
    assert "example_missing_assistant_message" in str(caught.value)


def test_a_missing_file_is_reported_not_raised_as_oserror(tmp_path: Path) -> None:
    with pytest.raises(DatasetUnreadable, match="no such file"):
        check_dataset(tmp_path / "absent.jsonl")


def test_an_example_longer_than_the_limit_is_refused_naming_its_line_and_length(
    tokenizer: Any, tmp_path: Path
) -> None:
    long = tiny_lm.record(("user", "Say hello. " * 40), ("assistant", "Hello there, friend!"))
    path = tiny_lm.write_jsonl(tmp_path / "long.jsonl", [RECORDS[0], long, RECORDS[1]])
    n_tokens = len(tokenize_record(tokenizer, long)[0])

    with pytest.raises(ExampleTooLong) as caught:
        tokenize_dataset(path, tokenizer, max_length=64)

    assert caught.value.lines == [(2, n_tokens)]
    assert f"line 2 ({n_tokens} tokens)" in str(caught.value) and "64-token limit" in str(caught.value)


def test_examples_without_a_trained_turn_are_skipped_and_an_all_weight_0_file_is_refused(
    tokenizer: Any, tmp_path: Path
) -> None:
    silent = tiny_lm.record(("user", "Say hello."), ("assistant", "Hello there, friend!"), weight={1: 0})
    mixed = tokenize_dataset(
        tiny_lm.write_jsonl(tmp_path / "mixed.jsonl", [silent, RECORDS[0]]), tokenizer, max_length=256
    )

    assert mixed.skipped == [1]
    assert [e.line for e in mixed.examples] == [2]
    with pytest.raises(NothingToTrain):
        tokenize_dataset(tiny_lm.write_jsonl(tmp_path / "silent.jsonl", [silent]), tokenizer, max_length=256)


def test_a_template_that_hides_the_reply_is_refused_naming_the_line(tmp_path: Path) -> None:
    hiding = tiny_lm.tokenizer(tiny_lm.texts_of(RECORDS))
    hiding.chat_template = (
        "{% for m in messages %}{% if m['role'] != 'assistant' %}{{ m['content'] }}\n{% endif %}{% endfor %}"
    )
    path = tiny_lm.write_jsonl(tmp_path / "train.jsonl", RECORDS)

    with pytest.raises(TemplateMismatch, match="line 1: the model's chat template"):
        tokenize_dataset(path, hiding, max_length=256)


def test_a_template_that_rewrites_earlier_turns_still_trains_exactly_the_replies(tokenizer: Any) -> None:
    rewriting = tiny_lm.tokenizer(tiny_lm.texts_of(RECORDS))
    rewriting.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
        "{% if loop.last and m['role'] == 'assistant' %}[final] {% endif %}"
        "{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    record = tiny_lm.record(
        ("user", "Say hello."),
        ("assistant", "Hello there, friend!"),
        ("user", "What is the capital of France?"),
        ("assistant", "Paris."),
    )

    ids, labels = tokenize_record(rewriting, record)

    assert _trained_text(rewriting, ids, labels) == "Hello there, friend!<|im_end|>[final] Paris.<|im_end|>\n"


def test_a_template_that_refuses_a_conversation_is_reported_with_its_line(tmp_path: Path) -> None:
    strict = tiny_lm.tokenizer(tiny_lm.texts_of(RECORDS))
    strict.chat_template = (
        "{% if messages[0]['role'] == 'system' %}"
        "{{ raise_exception('System role not supported') }}{% endif %}" + tiny_lm.CHAT_TEMPLATE
    )
    path = tiny_lm.write_jsonl(tmp_path / "train.jsonl", [RECORDS[1], RECORDS[0]])

    with pytest.raises(
        TemplateMismatch,
        match="line 2: the model's chat template refuses this conversation: System role not supported",
    ):
        tokenize_dataset(path, strict, max_length=256)
