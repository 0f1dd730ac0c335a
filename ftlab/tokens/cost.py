"""What a training run will cost: OpenAI's auto-epochs rule, billed tokens and the price."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ftlab.tokens.counting import UncountableMessages, example_tokens
from ftlab.tokens.models import resolve_model
from ftlab.values import is_strict_int

# OpenAI's default-epochs rule (data-preparation cookbook; a real 10-example job got 10 epochs).
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25
# The range the API accepts for hyperparameters.n_epochs (openapi.yml: minimum 1, maximum 50).
MIN_EPOCHS = 1
MAX_EPOCHS = 50


@dataclass(frozen=True)
class CostEstimate:
    """The billed tokens and price of one fine-tuning run.

    ``cost_usd`` is the float nearest to the exact amount (billed_tokens * price / 1M), not
    rounded to cents; compare it with a tolerance.
    """

    model: str
    n_examples: int
    total_tokens: int
    billed_tokens_per_epoch: int
    n_epochs: int
    billed_tokens: int
    price_per_million_usd: float
    cost_usd: float
    training_context: int
    n_truncated: int

    def to_dict(self) -> dict[str, object]:
        """A plain, JSON-ready dict of every field."""
        return dataclasses.asdict(self)


def auto_epochs(n_examples: int) -> int:
    """The epochs OpenAI picks for n_epochs="auto" given the number of training examples."""
    if not is_strict_int(n_examples):
        raise TypeError(f"n_examples must be an integer, not {type(n_examples).__name__}")
    if n_examples < 1:
        raise ValueError(f"n_examples must be at least 1, got {n_examples}")
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    if n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return TARGET_EPOCHS


def check_epochs(n_epochs: int | str) -> None:
    """Raise ValueError unless n_epochs is "auto" or an integer the API accepts (1 to 50)."""
    if n_epochs == "auto":
        return
    if not is_strict_int(n_epochs):
        raise ValueError(f'n_epochs must be "auto" or an integer from 1 to 50, got {n_epochs!r}')
    if not MIN_EPOCHS <= n_epochs <= MAX_EPOCHS:
        raise ValueError(f"n_epochs must be from {MIN_EPOCHS} to {MAX_EPOCHS}, got {n_epochs}")


def resolve_epochs(n_epochs: int | str, n_examples: int) -> int:
    """The epochs a run will train for: n_epochs itself, or the auto rule's choice."""
    check_epochs(n_epochs)
    return auto_epochs(n_examples) if n_epochs == "auto" else int(n_epochs)


def estimate_from_token_counts(
    token_counts: Iterable[int], model: str, n_epochs: int | str = "auto"
) -> CostEstimate:
    """The cost estimate from per-example token counts (as ``example_tokens`` gives them)."""
    spec = resolve_model(model)
    check_epochs(n_epochs)
    n_examples = total = billed_per_epoch = n_truncated = 0
    for index, tokens in enumerate(token_counts):
        if not is_strict_int(tokens) or tokens < 0:
            raise ValueError(f"example {index}: token count must be an int >= 0, got {tokens!r}")
        n_examples += 1
        total += tokens
        billed_per_epoch += min(tokens, spec.training_context)
        n_truncated += tokens > spec.training_context
    if n_examples == 0:
        raise ValueError("no examples: a training file needs at least one example to cost")
    epochs = resolve_epochs(n_epochs, n_examples)
    billed = billed_per_epoch * epochs
    price = spec.price_per_million_usd
    cost = float(Decimal(billed) * Decimal(str(price)) / Decimal(1_000_000))
    return CostEstimate(
        model=spec.name,
        n_examples=n_examples,
        total_tokens=total,
        billed_tokens_per_epoch=billed_per_epoch,
        n_epochs=epochs,
        billed_tokens=billed,
        price_per_million_usd=price,
        cost_usd=cost,
        training_context=spec.training_context,
        n_truncated=n_truncated,
    )


def estimate_training_cost(
    examples: Iterable[object], model: str, n_epochs: int | str = "auto"
) -> CostEstimate:
    """The cost of fine-tuning ``model`` on chat examples (streamed: examples are read once)."""
    resolve_model(model)  # fail on an unknown model before reading any example
    check_epochs(n_epochs)
    return estimate_from_token_counts(_token_counts(examples, model), model, n_epochs)


def _token_counts(examples: Iterable[object], model: str) -> Iterable[int]:
    for index, example in enumerate(examples):
        try:
            yield example_tokens(example, model)
        except UncountableMessages as exc:
            raise exc.at_example(index) from None
