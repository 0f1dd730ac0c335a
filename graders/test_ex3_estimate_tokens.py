"""Grader for exercise 3: count tokens, then estimate what a fine-tuning run will cost.

Every expected number comes from the engine (``ftlab.tokens.counting``, ``ftlab.tokens.cost``), whose counts
are tested against the API's own numbers, never from a value typed here.

PYTEST_DONT_REWRITE: a failed check says what its message says, nothing more, so two gradings of
one submission give the same feedback (pytest's explanations show reprs: addresses, temp paths).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ftlab.dataset.jsonl import read_jsonl
from ftlab.grading.isolation.handles import repeated
from ftlab.grading.stored_examples import replayed
from ftlab.tokens import cost
from ftlab.tokens import counting as tokens
from ftlab.tokens.models import FINE_TUNABLE_MODELS, resolve_model

DATA = Path(__file__).resolve().parents[1] / "data" / "support_tickets.jsonl"
FIELDS = ("n_examples", "total_tokens", "billed_tokens_per_epoch", "n_epochs", "billed_tokens", "cost_usd")

# The example of OpenAI's guide "How to count tokens with tiktoken" (the API reported 129
# prompt tokens for gpt-3.5-turbo and gpt-4, 124 for gpt-4o and gpt-4o-mini).
COOKBOOK = [
    {
        "role": "system",
        "content": (
            "You are a helpful, pattern-following assistant that translates corporate jargon"
            " into plain English."
        ),
    },
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": (
            "Let's circle back when we have more bandwidth"
            " to touch base on opportunities for increased leverage."
        ),
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
TICKET = [
    {"role": "system", "content": "You triage Acme Cloud support emails."},
    {
        "role": "user",
        "content": "Bonjour, ma facture de mars est arrivée deux fois. Pouvez-vous rembourser ?",
    },
    {
        "role": "assistant",
        "content": "Category: billing\nPriority: P2\nSummary: Double invoice for March; wants a refund.",
    },
]
TOOL_TURN = [
    {"role": "user", "content": "Is my invoice INV-20931 paid?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "find_invoice", "arguments": '{"id": "INV-20931"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_1", "content": '{"status": "paid", "amount": 249}'},
    {"role": "assistant", "content": "Yes: INV-20931 (249 USD) is paid.", "weight": 1},
]
TINY = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}]}


def _examples() -> list[dict]:
    return [line.record for line in read_jsonl(DATA) if line.parsed]


def _expected(examples: list[dict], model: str, n_epochs: int | str = "auto") -> dict:
    return cost.estimate_training_cost(examples, model, n_epochs).to_dict()


def _same_estimate(got: object, expected: dict) -> None:
    assert isinstance(got, dict), f"estimate_training_cost returned {type(got).__name__}, not a dict"
    missing = [key for key in FIELDS if key not in got]
    assert not missing, f"the estimate has no {', '.join(missing)}"
    for key in FIELDS[:-1]:
        assert got[key] == expected[key], f"{key} is {got[key]!r}; expected {expected[key]!r}"
    assert got["cost_usd"] == pytest.approx(expected["cost_usd"], rel=1e-9, abs=1e-12), (
        f"cost_usd is {got['cost_usd']!r}; expected {expected['cost_usd']!r}"
        " (billed tokens x price / 1,000,000, not rounded)"
    )


# Property checks draw their examples from these strategies once; they are stored in examples/
# and replayed (ftlab.grading.stored_examples).


def _records() -> dict[str, Any]:
    from ftlab.dataset.strategies import valid_records

    return {"record": valid_records()}


def _records_and_one_more() -> dict[str, Any]:
    from hypothesis import strategies as st

    from ftlab.dataset.strategies import valid_records

    return {
        "record": valid_records(),
        "extra": valid_records(max_turns=1),
        "model": st.sampled_from(["gpt-4o-mini", "gpt-3.5-turbo"]),
    }


def _short_files() -> dict[str, Any]:
    from hypothesis import strategies as st

    from ftlab.dataset.strategies import valid_records

    return {
        "records": st.lists(valid_records(max_turns=2), min_size=1, max_size=3),
        "n_epochs": st.integers(2, 50),
    }


# Task 1: count_tokens ------------------------------------------------------------------------


@pytest.mark.points(1, task=1, hint="an empty list is just the reply priming: 3 tokens")
def test_no_messages_is_just_the_reply_priming(exercise):
    got, expected = exercise.count_tokens([], "gpt-4o-mini"), tokens.count_tokens([], "gpt-4o-mini")
    assert got == expected, f"no messages counted {got!r}; expected {expected}"


@pytest.mark.points(
    2, task=1, hint="3 per message, plus the tokens of the role and the content, plus 3 for the reply"
)
def test_one_message_is_framing_plus_its_values_plus_priming(exercise):
    messages = [{"role": "user", "content": "Hello, world!"}]
    expected = tokens.count_tokens(messages, "gpt-4o-mini")
    got = exercise.count_tokens(messages, "gpt-4o-mini")
    assert got == expected, (
        f"you counted {got!r}; expected {expected} (3 framing + 1 'user' + 4 'Hello, world!' + 3 priming)"
    )


@pytest.mark.points(1, task=1, hint="model defaults to gpt-4o-mini")
def test_the_model_defaults_to_gpt_4o_mini(exercise):
    got, expected = exercise.count_tokens(TICKET), tokens.count_tokens(TICKET, "gpt-4o-mini")
    assert got == expected, f"with no model given you counted {got!r}; gpt-4o-mini counts {expected}"


@pytest.mark.points(
    3,
    task=1,
    hint=(
        "use the model's encoding: o200k_base for gpt-4o/gpt-4o-mini/gpt-4.1 (and ft: names on them),"
        " cl100k_base for gpt-3.5-turbo and gpt-4"
    ),
)
@pytest.mark.parametrize(
    "model",
    [
        "gpt-3.5-turbo",
        "gpt-4",
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-4.1-nano-2025-04-14",
        "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566",
    ],
)
def test_the_cookbook_example_counts_what_the_api_reported(exercise, model):
    expected = tokens.count_tokens(COOKBOOK, model)
    got = exercise.count_tokens(copy.deepcopy(COOKBOOK), model)
    assert got == expected, f"for {model} you counted {got!r}; the API reported {expected}"


@pytest.mark.points(1, task=1, hint="a message with a name costs the name's tokens plus 1")
def test_a_name_costs_one_more_token(exercise):
    plain = [{"role": "user", "content": "Hello, world!"}]
    named = [{"role": "user", "content": "Hello, world!", "name": "bob"}]
    got = exercise.count_tokens(named, "gpt-4o-mini") - exercise.count_tokens(plain, "gpt-4o-mini")
    expected = tokens.count_tokens(named, "gpt-4o-mini") - tokens.count_tokens(plain, "gpt-4o-mini")
    assert got == expected, (
        f"adding name 'bob' added {got} tokens; expected {expected} ('bob' is 1 token, +1 for having a name)"
    )


@pytest.mark.points(
    2,
    task=1,
    hint="count non-English text with the model's own encoding; the two encodings split it differently",
)
@pytest.mark.parametrize("model", ["gpt-3.5-turbo", "gpt-4o-mini"])
def test_each_model_counts_with_its_own_encoding(exercise, model):
    expected = tokens.count_tokens(TICKET, model)
    got = exercise.count_tokens(copy.deepcopy(TICKET), model)
    assert got == expected, f"for {model} you counted {got!r}; expected {expected}"


@pytest.mark.points(
    1,
    task=1,
    hint="encode with encode_ordinary: '<|endoftext|>' in a message is ordinary text, not a special token",
)
def test_special_token_text_is_ordinary_text(exercise):
    messages = [{"role": "user", "content": "What does <|endoftext|> mean in a prompt?"}]
    got, expected = (
        exercise.count_tokens(messages, "gpt-4o-mini"),
        tokens.count_tokens(messages, "gpt-4o-mini"),
    )
    assert got == expected, f"you counted {got!r}; expected {expected}"


@pytest.mark.points(
    2,
    task=1,
    hint="skip 'weight', count None as nothing, encode tool_calls as compact JSON (separators=(',', ':'))",
)
def test_a_tool_calling_conversation_with_weights(exercise):
    expected = tokens.count_tokens(TOOL_TURN, "gpt-4o-mini")
    got = exercise.count_tokens(copy.deepcopy(TOOL_TURN), "gpt-4o-mini")
    assert got == expected, f"you counted {got!r}; expected {expected}"


@pytest.mark.points(
    3,
    task=1,
    hint=(
        "some training example was counted differently from OpenAI's rule: compare the falsifying example"
        " with the task's steps"
    ),
)
@replayed(
    "record",
    strategies=_records,
    calls=lambda record: [("count_tokens", (record["messages"], "gpt-4o-mini"), {})],
)
def test_every_training_example_counts_exactly(exercise, record):
    expected = tokens.count_tokens(record["messages"], "gpt-4o-mini")
    got = exercise.count_tokens(record["messages"], "gpt-4o-mini")
    assert got == expected, (
        f"you counted {got!r}; expected {expected} for:\n{json.dumps(record['messages'], ensure_ascii=False)}"
    )


@pytest.mark.points(
    2,
    task=1,
    hint="every message adds at least its 3 framing tokens: a longer conversation never counts fewer tokens",
)
@replayed(
    "record",
    "extra",
    "model",
    strategies=_records_and_one_more,
    calls=lambda record, extra, model: [
        ("count_tokens", (record["messages"], model), {}),
        ("count_tokens", (record["messages"] + extra["messages"][-1:], model), {}),
    ],
)
def test_adding_a_message_never_lowers_the_count(exercise, record, extra, model):
    before = exercise.count_tokens(record["messages"], model)
    after = exercise.count_tokens(record["messages"] + extra["messages"][-1:], model)
    assert after >= before + 3, (
        f"adding {json.dumps(extra['messages'][-1], ensure_ascii=False)} went from {before} to {after} tokens"
    )


@pytest.mark.points(
    1,
    task=1,
    visibility="hidden",
    hint="revisit what count_tokens does with a model it cannot count (its docstring says)",
)
@pytest.mark.parametrize("model", ["gpt-9", "claude-3", "ft:gpt-9:org::x1"])
def test_an_unknown_model_is_refused(exercise, model):
    with pytest.raises(ValueError):
        exercise.count_tokens(TICKET, model)


# Task 2: estimate_training_cost --------------------------------------------------------------


@pytest.mark.points(
    3,
    task=2,
    hint=(
        "n_examples, total_tokens, billed_tokens_per_epoch, n_epochs, billed_tokens and cost_usd,"
        " each from its step"
    ),
)
def test_the_estimate_for_the_sample_dataset(exercise):
    examples = _examples()
    _same_estimate(
        exercise.estimate_training_cost(examples, "gpt-4o-mini"), _expected(examples, "gpt-4o-mini")
    )


@pytest.mark.points(
    2,
    task=2,
    hint=(
        "price = billed tokens x resolve_model(model).price_per_million_usd / 1,000,000"
        " (resolve_model from ftlab.learner; dated or ft: names resolve to their base)"
    ),
)
@pytest.mark.parametrize("model", [m.name for m in FINE_TUNABLE_MODELS] + ["gpt-4o-mini", "gpt-3.5-turbo"])
def test_the_price_comes_from_the_model_table(exercise, model):
    examples = _examples()[:12]
    _same_estimate(exercise.estimate_training_cost(examples, model, 2), _expected(examples, model, 2))


@pytest.mark.points(
    2, task=2, hint="bill each example at most the model's training_context tokens: longer ones are truncated"
)
@pytest.mark.parametrize("model", ["gpt-3.5-turbo", "gpt-4o-mini"])
def test_billed_tokens_are_capped_at_the_training_context(exercise, model):
    long_text = "Please summarise this log line. " * (resolve_model(model).training_context // 6 + 10)
    examples = [
        TINY,
        {"messages": [{"role": "user", "content": long_text}, {"role": "assistant", "content": "ok"}]},
    ]
    expected = _expected(examples, model, 1)
    assert expected["total_tokens"] > expected["billed_tokens_per_epoch"], (
        "the grader's case is not over the limit"
    )
    _same_estimate(exercise.estimate_training_cost(examples, model, 1), expected)


@pytest.mark.points(1, task=2, hint="an integer n_epochs is used as given")
@pytest.mark.parametrize("n_epochs", [1, 4, 50])
def test_explicit_epochs_are_used_as_given(exercise, n_epochs):
    examples = _examples()[:10]
    _same_estimate(
        exercise.estimate_training_cost(examples, "gpt-4o-mini", n_epochs),
        _expected(examples, "gpt-4o-mini", n_epochs),
    )


@pytest.mark.points(
    2, task=2, hint="billed tokens and cost are billed_tokens_per_epoch (and its price) times the epochs"
)
@replayed(
    "records",
    "n_epochs",
    strategies=_short_files,
    max_examples=30,
    calls=lambda records, n_epochs: [
        ("estimate_training_cost", (records, "gpt-4o-mini", 1), {}),
        ("estimate_training_cost", (records, "gpt-4o-mini", n_epochs), {}),
    ],
)
def test_cost_is_linear_in_epochs(exercise, records, n_epochs):
    one = exercise.estimate_training_cost(records, "gpt-4o-mini", 1)
    many = exercise.estimate_training_cost(records, "gpt-4o-mini", n_epochs)
    assert many["billed_tokens"] == n_epochs * one["billed_tokens"], (
        f"{n_epochs} epochs billed {many['billed_tokens']}, 1 epoch {one['billed_tokens']}: it must be"
        f" {n_epochs} times as many"
    )
    assert many["cost_usd"] == pytest.approx(n_epochs * one["cost_usd"], rel=1e-9, abs=1e-12), (
        f"{n_epochs} epochs cost {many['cost_usd']!r}, 1 epoch {one['cost_usd']!r}:"
        f" it must be {n_epochs} times as much"
    )


# Every n where the rule changes its answer, the edges of its three regimes, and points inside
# each: the learner's estimate must resolve "auto" to the engine's epochs at all of them. The
# rule is a step function of n, so this decides it for every n from 1 to 30,000. Examples are
# sent as a handle (one example repeated n times). The example has no messages: task 1's first
# check fixes its count (just the reply priming, 3 tokens), and counting it encodes nothing, so
# the 190,000 examples of the sweep cost the learner's loop and little more, while every n, the
# example count, the epochs and the billed tokens are checked as with any other example.
NO_MESSAGES: dict[str, Any] = {"messages": []}
REGIMES = [
    ("small files (n * 3 < 100)", list(range(1, 34)), "with n * 3 < 100 the epochs are min(25, 100 // n)"),
    (
        "the default (100 <= n * 3 <= 25000)",
        list(range(34, 121)) + [500, 2000, 5000, 8000, 8332, 8333],
        "in between, auto is 3 epochs",
    ),
    (
        "large files (n * 3 > 25000)",
        [8334, 8335, 10000, 12500, 12501, 20000, 25000, 25001, 30000],
        "with n * 3 > 25000 the epochs are max(1, 25000 // n)",
    ),
]


@pytest.mark.points(
    4,
    task=2,
    hint=(
        'n_epochs="auto" follows OpenAI\'s rule: 3 by default; min(25, 100 // n) if n*3 < 100;'
        " max(1, 25000 // n) if n*3 > 25000"
    ),
)
def test_auto_epochs_match_the_rule_for_every_n_up_to_30000(exercise, credit):
    per_example = tokens.example_tokens(NO_MESSAGES, "gpt-4o-mini")
    for label, sizes, hint in REGIMES:
        with credit.check(label, hint=hint):
            estimates = exercise.each(
                "estimate_training_cost", [(repeated(NO_MESSAGES, n), "gpt-4o-mini") for n in sizes]
            )  # in batches, each estimate as its single call gives it
            for n, got in zip(sizes, estimates, strict=True):
                epochs = cost.auto_epochs(n)
                assert got["n_examples"] == n, f"{n} examples counted as {got['n_examples']!r}"
                assert got["n_epochs"] == epochs, (
                    f"with {n} examples auto gave {got['n_epochs']!r} epochs; expected {epochs}"
                )
                assert got["billed_tokens"] == n * per_example * epochs, (
                    f"with {n} examples billed {got['billed_tokens']!r} tokens"
                )


@pytest.mark.points(
    1,
    task=2,
    visibility="hidden",
    hint=(
        "revisit what estimate_training_cost does with input it cannot estimate (a model, n_epochs"
        " or examples its docstring rules out)"
    ),
)
@pytest.mark.parametrize(
    ("examples", "model", "n_epochs"),
    [
        ([TINY], "gpt-9", "auto"),
        ([TINY], "gpt-4", "auto"),
        ([TINY], "gpt-4o-mini", 0),
        ([TINY], "gpt-4o-mini", 51),
        ([TINY], "gpt-4o-mini", "three"),
        ([], "gpt-4o-mini", "auto"),
    ],
    ids=["unknown-model", "not-fine-tunable", "zero-epochs", "51-epochs", "words", "no-examples"],
)
def test_bad_input_is_refused(exercise, examples, model, n_epochs):
    with pytest.raises(ValueError):
        exercise.estimate_training_cost(examples, model, n_epochs)
