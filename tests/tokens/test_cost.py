"""ftlab.tokens.cost: auto epochs, billed tokens capped at the training context, and the price."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.tokens.cost import (
    CostEstimate,
    auto_epochs,
    check_epochs,
    estimate_from_token_counts,
    estimate_training_cost,
)
from ftlab.tokens.counting import UncountableMessages, count_tokens
from ftlab.tokens.models import UnknownModel

REQUIRED_KEYS = {
    "model",
    "n_examples",
    "total_tokens",
    "billed_tokens_per_epoch",
    "n_epochs",
    "billed_tokens",
    "price_per_million_usd",
    "cost_usd",
}


def chat_examples(*, min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[list[dict]]:
    """Lists of chat training examples (user then assistant, short text)."""
    if not 1 <= min_size <= max_size:
        raise ValueError("need 1 <= min_size <= max_size")
    text = st.text(max_size=30)
    example = st.builds(
        lambda q, a: {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]},
        text,
        text,
    )
    return st.lists(example, min_size=min_size, max_size=max_size)


def _rule(n: int) -> int:
    """OpenAI's rule, as worded in the data-preparation cookbook."""
    epochs = 3
    if n * 3 < 100:
        epochs = min(25, 100 // n)
    elif n * 3 > 25000:
        epochs = max(1, 25000 // n)
    return epochs


def _example(question: str, answer: str) -> dict:
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}


def test_auto_epochs_follows_the_rule_for_every_n_up_to_30000() -> None:
    for n in range(1, 30_001):
        epochs = auto_epochs(n)
        assert epochs == _rule(n), n
        assert 1 <= epochs <= 25


@pytest.mark.parametrize(
    ("n", "epochs"),
    [(1, 25), (4, 25), (5, 20), (10, 10), (33, 3), (34, 3), (8333, 3), (8334, 2), (12_501, 1), (30_000, 1)],
)
def test_auto_epochs_at_the_edges(n: int, epochs: int) -> None:
    assert auto_epochs(n) == epochs


@pytest.mark.parametrize(
    ("n", "error"),
    [(0, ValueError), (-3, ValueError), (1.5, TypeError), (True, TypeError), ("10", TypeError)],
)
def test_auto_epochs_refuses_a_count_that_is_not_a_positive_integer(
    n: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match="n_examples"):
        auto_epochs(n)  # type: ignore[arg-type]


@pytest.mark.parametrize("n_epochs", [0, 51, -1, "3", "AUTO", 2.0, True, None])
def test_n_epochs_must_be_auto_or_1_to_50(n_epochs: object) -> None:
    with pytest.raises(ValueError, match="n_epochs"):
        check_epochs(n_epochs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_epochs"):
        estimate_training_cost([_example("q", "a")], "gpt-4o-mini", n_epochs)  # type: ignore


@pytest.mark.parametrize("n_epochs", ["auto", 1, 50])
def test_n_epochs_accepts_auto_and_the_bounds(n_epochs: int | str) -> None:
    check_epochs(n_epochs)


def test_a_small_file_is_billed_ten_epochs_of_its_tokens() -> None:
    examples = [_example("Hello, world!", "Hello, world!")] * 10
    per_example = 3 + 2 * 3 + (1 + 4) + (1 + 4)  # priming, framing, role + content twice
    estimate = estimate_training_cost(examples, "gpt-4o-mini")
    assert estimate == CostEstimate(
        model="gpt-4o-mini-2024-07-18",
        n_examples=10,
        total_tokens=10 * per_example,
        billed_tokens_per_epoch=10 * per_example,
        n_epochs=10,
        billed_tokens=100 * per_example,
        price_per_million_usd=3.00,
        cost_usd=100 * per_example * 3.00 / 1_000_000,
        training_context=65_536,
        n_truncated=0,
    )


def test_billed_tokens_are_capped_at_the_training_context() -> None:
    estimate = estimate_from_token_counts([70_000, 100, 65_536], "gpt-4o-mini", n_epochs=2)
    assert estimate.total_tokens == 135_636
    assert estimate.billed_tokens_per_epoch == 65_536 + 100 + 65_536
    assert estimate.billed_tokens == 2 * estimate.billed_tokens_per_epoch
    assert estimate.n_truncated == 1


def test_a_long_example_is_capped_at_gpt_35_turbos_context() -> None:
    long = _example("hello " * 17_000, "ok")
    tokens = count_tokens(long["messages"], "gpt-3.5-turbo")
    assert tokens > 16_385
    estimate = estimate_training_cost([long], "gpt-3.5-turbo", n_epochs=1)
    assert (estimate.total_tokens, estimate.billed_tokens_per_epoch) == (tokens, 16_385)
    assert estimate.cost_usd == pytest.approx(16_385 * 8.00 / 1_000_000)


@given(chat_examples(), st.integers(1, 50))
def test_cost_is_linear_in_epochs(examples: list[dict], epochs: int) -> None:
    one = estimate_training_cost(examples, "gpt-4.1-mini", n_epochs=1)
    many = estimate_training_cost(examples, "gpt-4.1-mini", n_epochs=epochs)
    assert many.billed_tokens == epochs * one.billed_tokens
    assert many.cost_usd == pytest.approx(epochs * one.cost_usd, rel=1e-12)
    assert many.total_tokens == one.total_tokens


@given(chat_examples())
def test_auto_resolves_to_the_rules_epochs(examples: list[dict]) -> None:
    estimate = estimate_training_cost(examples, "gpt-4o-mini")
    assert estimate.n_epochs == _rule(len(examples))
    assert estimate.billed_tokens == estimate.n_epochs * estimate.billed_tokens_per_epoch


@pytest.mark.parametrize(
    ("model", "price"),
    [
        ("gpt-4.1", 25.00),
        ("gpt-4.1-mini", 5.00),
        ("gpt-4.1-nano", 1.50),
        ("gpt-4o-2024-08-06", 25.00),
        ("gpt-4o-mini-2024-07-18", 3.00),
        ("gpt-3.5-turbo", 8.00),
    ],
)
def test_a_million_billed_tokens_cost_the_listed_price(model: str, price: float) -> None:
    estimate = estimate_from_token_counts([1_000] * 1_000, model, n_epochs=1)
    assert estimate.billed_tokens == 1_000_000
    assert estimate.cost_usd == price  # exact: the nearest float to the exact amount


def test_cost_is_the_float_nearest_the_exact_amount() -> None:
    estimate = estimate_from_token_counts([33_333] * 3, "gpt-4.1-nano", n_epochs=10)
    assert estimate.billed_tokens == 999_990
    assert estimate.cost_usd == 1.499985  # 999,990 x 1.50 / 1M, to the nearest float


def test_a_fine_tuned_model_is_priced_as_its_base() -> None:
    estimate = estimate_from_token_counts([10] * 10, "ft:gpt-4o-mini-2024-07-18:org::abc123")
    assert (estimate.model, estimate.price_per_million_usd) == ("gpt-4o-mini-2024-07-18", 3.00)


def test_to_dict_has_every_required_key_and_is_json() -> None:
    data = estimate_training_cost([_example("q", "a")] * 12, "gpt-4o").to_dict()
    assert REQUIRED_KEYS <= data.keys()
    assert json.loads(json.dumps(data)) == data


def test_examples_are_streamed_once() -> None:
    def examples() -> Iterator[dict]:
        yield from [_example("Hello, world!", "Hello, world!")] * 10

    assert estimate_training_cost(examples(), "gpt-4o-mini").n_examples == 10


def test_an_unknown_model_is_refused_before_reading_examples() -> None:
    def never() -> Iterator[dict]:
        raise AssertionError("examples were read")
        yield {}

    with pytest.raises(UnknownModel, match="gpt-4"):
        estimate_training_cost(never(), "gpt-4")


def test_no_examples_is_an_error() -> None:
    with pytest.raises(ValueError, match="no examples"):
        estimate_training_cost([], "gpt-4o-mini", n_epochs=3)


def test_a_bad_example_is_named_by_its_index() -> None:
    examples = [_example("q", "a"), {"messages": [{"role": "user", "content": {1}}]}]
    with pytest.raises(UncountableMessages, match=r"example 1, message 0, field 'content'"):
        estimate_training_cost(examples, "gpt-4o-mini")


@pytest.mark.parametrize("count", [-1, 1.5, True, None])
def test_token_counts_must_be_non_negative_integers(count: object) -> None:
    with pytest.raises(ValueError, match="example 1: token count"):
        estimate_from_token_counts([5, count], "gpt-4o-mini")  # type: ignore[list-item]
