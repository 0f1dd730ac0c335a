"""Exercise 3, reference solution: count tokens and estimate what fine-tuning will cost.

Written from OpenAI's counting guide and data-preparation notebook; it uses only the learner API
(``ftlab.learner``: the offline encodings and the model table), never ftlab's own counter or cost
estimate, which the graders use as the oracle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import tiktoken

from ftlab.learner import encoding_name_for_model, get_encoding, resolve_model

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
UNSENT_KEYS = {"weight"}


def encoding_for(model: str) -> tiktoken.Encoding:
    """The BPE encoding a model uses (o200k_base for gpt-4o and later, cl100k_base before)."""
    return get_encoding(encoding_name_for_model(model))


def value_tokens(value: object, encoding: tiktoken.Encoding) -> int:
    if value is None:
        return 0
    if not isinstance(value, str):
        value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return len(encoding.encode_ordinary(value))


def count_tokens(messages: list[dict], model: str = "gpt-4o-mini") -> int:
    """Tokens a list of chat messages takes, framing and reply priming included."""
    encoding = encoding_for(model)
    total = REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            if key in UNSENT_KEYS:
                continue
            total += value_tokens(value, encoding)
            if key == "name" and value is not None:
                total += TOKENS_PER_NAME
    return total


def auto_epochs(n_examples: int) -> int:
    """The epochs OpenAI picks for n_epochs="auto"."""
    if n_examples * 3 < 100:
        return min(25, 100 // n_examples)
    if n_examples * 3 > 25_000:
        return max(1, 25_000 // n_examples)
    return 3


def estimate_training_cost(examples: Iterable[dict], model: str, n_epochs: int | str = "auto") -> dict:
    """The billed tokens and price of fine-tuning ``model`` on ``examples``."""
    spec = resolve_model(model)
    if not (n_epochs == "auto" or (type(n_epochs) is int and 1 <= n_epochs <= 50)):
        raise ValueError(f'n_epochs must be "auto" or an integer from 1 to 50, got {n_epochs!r}')
    n_examples = total = billed_per_epoch = 0
    for example in examples:
        tokens = count_tokens(example["messages"], model)
        n_examples += 1
        total += tokens
        billed_per_epoch += min(tokens, spec.training_context)
    if n_examples == 0:
        raise ValueError("no examples to estimate")
    epochs = auto_epochs(n_examples) if n_epochs == "auto" else n_epochs
    billed = billed_per_epoch * epochs
    return {
        "model": spec.name,
        "n_examples": n_examples,
        "total_tokens": total,
        "billed_tokens_per_epoch": billed_per_epoch,
        "n_epochs": epochs,
        "billed_tokens": billed,
        "price_per_million_usd": spec.price_per_million_usd,
        "cost_usd": billed * spec.price_per_million_usd / 1_000_000,
    }
