"""What a request costs: input and output prices of base and fine-tuned models.

Prices change. This table is the one place ftlab keeps inference prices; training prices live
next to each model in ``ftlab.tokens.models``. Update both from https://openai.com/api/pricing/
(standard tier) when they move, and the break-even numbers in exercise 5 follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ftlab.errors import FtlabError
from ftlab.tokens.models import resolve_model
from ftlab.values import is_strict_int

MILLION = 1_000_000


@dataclass(frozen=True)
class InferencePrice:
    """USD per 1M tokens for one model: the base model's prices and its fine-tuned version's."""

    input_usd: float
    output_usd: float
    fine_tuned_input_usd: float
    fine_tuned_output_usd: float


# USD per 1M tokens, standard tier, as last published by OpenAI (openai.com/api/pricing):
# base input, base output, fine-tuned input, fine-tuned output. A fine-tuned model costs more
# per token than its base (1.5x to 6x): a fine-tune saves money only by needing a shorter prompt.
INFERENCE_PRICES: dict[str, InferencePrice] = {
    "gpt-4.1-2025-04-14": InferencePrice(2.00, 8.00, 3.00, 12.00),
    "gpt-4.1-mini-2025-04-14": InferencePrice(0.40, 1.60, 0.80, 3.20),
    "gpt-4.1-nano-2025-04-14": InferencePrice(0.10, 0.40, 0.20, 0.80),
    "gpt-4o-2024-08-06": InferencePrice(2.50, 10.00, 3.75, 15.00),
    "gpt-4o-mini-2024-07-18": InferencePrice(0.15, 0.60, 0.30, 1.20),
    "gpt-3.5-turbo-0125": InferencePrice(0.50, 1.50, 3.00, 6.00),
}


class NoPrice(FtlabError, LookupError):
    """A fine-tunable model with no inference price in :data:`INFERENCE_PRICES`."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.model = model

    def __str__(self) -> str:
        return f"no inference price for {self.model!r}: add it to INFERENCE_PRICES in ftlab/tokens/prices.py"


def inference_price(model: str) -> InferencePrice:
    """The prices of a model given by name, alias or ``ft:`` name (unknown models raise)."""
    name = resolve_model(model).name
    try:
        return INFERENCE_PRICES[name]
    except KeyError:
        raise NoPrice(name) from None


def request_cost_usd(model: str, *, input_tokens: int, output_tokens: int, fine_tuned: bool) -> float:
    """The price of one request: its input and output tokens at the base or fine-tuned rates."""
    for name, value in (("input_tokens", input_tokens), ("output_tokens", output_tokens)):
        if not is_strict_int(value) or value < 0:
            raise ValueError(f"{name} must be a whole number of tokens >= 0, got {value!r}")
    price = inference_price(model)
    rate_in, rate_out = (
        (price.fine_tuned_input_usd, price.fine_tuned_output_usd)
        if fine_tuned
        else (price.input_usd, price.output_usd)
    )
    total = Decimal(input_tokens) * Decimal(str(rate_in)) + Decimal(output_tokens) * Decimal(str(rate_out))
    return float(total / MILLION)
