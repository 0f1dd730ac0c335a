"""Exercise 3: count tokens, then estimate what a fine-tuning run will cost.

Fine-tuning is billed per token: every token of every example, once per epoch. Before you
pay for a job, count. Models don't see characters, they see tokens from a byte-pair
encoding (BPE): ``tiktoken`` turns text into token ids, and each model has its encoding.

    >>> from ftlab.learner import get_encoding
    >>> get_encoding("o200k_base").encode_ordinary("Hello, world!")
    [13225, 11, 2375, 0]

Use ``ftlab.learner.get_encoding(name)`` rather than ``tiktoken.get_encoding(name)``: it gives
you tiktoken's own encoding, loaded from files shipped with ftlab, so it works offline
(tiktoken downloads its files the first time otherwise). The facts about each model come from
``ftlab.learner`` too; don't copy numbers from a web page. ``ftlab.learner`` is the only part of
ftlab your code may import (the rest is not there when your work is graded):

    >>> from ftlab.learner import encoding_name_for_model, resolve_model
    >>> encoding_name_for_model("gpt-4o-mini"), encoding_name_for_model("gpt-3.5-turbo")
    ('o200k_base', 'cl100k_base')
    >>> spec = resolve_model("gpt-4o-mini")   # also takes dated and ft:... names
    >>> spec.name, spec.training_context, spec.price_per_million_usd
    ('gpt-4o-mini-2024-07-18', 65536, 3.0)

Task 1. ``count_tokens(messages, model="gpt-4o-mini")``
    Return how many tokens a list of chat messages takes, as OpenAI's guide "How to count
    tokens with tiktoken" counts them (the API reports the same numbers):
    1. Use the model's encoding: ``get_encoding(encoding_name_for_model(model))``.
       gpt-4o, gpt-4o-mini and gpt-4.1 use o200k_base; gpt-3.5-turbo and gpt-4 cl100k_base.
    2. Every message costs 3 tokens of framing, plus the tokens of each of its values
       (the role too: ``"user"`` is a token).
    3. A message with a ``name`` costs 1 token more.
    4. Every reply is primed with 3 more tokens, once per list (so ``[]`` counts 3).
    5. Encode text with ``encoding.encode_ordinary(text)``: text such as "<|endoftext|>"
       is ordinary text in a message (``encode`` would refuse it).
    6. Training files have more than text: skip ``weight`` (it steers training and is never
       shown to the model), count ``None`` as nothing, and encode a value that is not a
       string (``tool_calls``) as compact JSON:
       ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``.
    A model ftlab cannot count must raise ``ValueError`` (``encoding_name_for_model`` already
    raises one that names the supported models).

Task 2. ``estimate_training_cost(examples, model, n_epochs="auto")``
    ``examples`` is an iterable of training examples, ``{"messages": [...]}`` each. Return a
    dict with at least:
    1. ``n_examples``: how many examples;
       ``total_tokens``: the sum of ``count_tokens(example["messages"], model)``.
    2. ``billed_tokens_per_epoch``: the same sum, with each example capped at the model's
       training context (``resolve_model(model).training_context``): longer examples are
       truncated, and you are billed for what is trained on.
    3. ``n_epochs``: ``n_epochs`` itself when it is an integer (1 to 50), else what "auto"
       resolves to, by OpenAI's rule for n examples: 3 by default; if n * 3 < 100 then
       min(25, 100 // n); if n * 3 > 25000 then max(1, 25000 // n).
    4. ``billed_tokens``: ``billed_tokens_per_epoch * n_epochs``.
    5. ``cost_usd``: ``billed_tokens`` times the model's price per million training tokens
       (``resolve_model(model).price_per_million_usd``) / 1,000,000. Don't round it.
    Raise ``ValueError`` for a model that cannot be fine-tuned, for ``n_epochs`` that is not
    "auto" or an integer from 1 to 50, and when there are no examples.

Try ``ftlab validate data/support_tickets.jsonl`` to see the numbers for the sample dataset,
and check your work with ``pytest exercises/ex3_estimate_tokens.py``.
"""

from __future__ import annotations

from collections.abc import Iterable


def count_tokens(messages: list[dict], model: str = "gpt-4o-mini") -> int:
    """Return the tokens ``messages`` take for ``model``, framing and reply priming included (Task 1)."""
    raise NotImplementedError(
        "Task 1: encode every value of every message, add 3 per message, 1 per name and 3 for the reply"
    )


def estimate_training_cost(examples: Iterable[dict], model: str, n_epochs: int | str = "auto") -> dict:
    """Return the example count, tokens, epochs, billed tokens and cost in USD (Task 2)."""
    raise NotImplementedError(
        "Task 2: sum the tokens (capped per example), resolve the epochs, then price the billed tokens"
    )
