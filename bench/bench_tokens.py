"""Benchmark: ftlab.tokens.counting.count_tokens against the floor of raw tiktoken encoding.

Both sides encode the same strings with the same encoding; the floor does nothing else.
Prints tokens per second for each and the ratio (count_tokens time / floor time).

    python bench/bench_tokens.py [--examples 20000] [--model gpt-4o-mini] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from ftlab.tokens.counting import count_tokens, encoding_for_model

_WORDS = (
    "the model learns from examples answer question user assistant system fine tuning data "
    "token price epoch training file record message weight tool call json valid error warning "
    'café naïve 東京 données €100 2024-07-18 {"a": 1} <b>bold</b> snake_case CamelCase'
).split()


def make_examples(*, n: int, seed: int = 0) -> list[list[dict[str, str]]]:
    """Deterministic chat examples: a system, a user and an assistant message of varied length."""
    rng = random.Random(seed)

    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(_WORDS, k=rng.randint(low, high)))

    return [
        [
            {"role": "system", "content": text(5, 30)},
            {"role": "user", "content": text(10, 120)},
            {"role": "assistant", "content": text(10, 200)},
        ]
        for _ in range(n)
    ]


def _best_of(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    best, result = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000)
    parser.add_argument("--model", default="gpt-4o-mini")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    examples = make_examples(n=args.examples)
    encoding = encoding_for_model(args.model)  # loaded before timing

    def floor() -> int:
        return sum(
            len(encoding.encode_ordinary(value))
            for messages in examples
            for message in messages
            for value in message.values()
        )

    def counted() -> int:
        return sum(count_tokens(messages, args.model) for messages in examples)

    floor_s, raw_tokens = _best_of(args.repeat, floor)
    count_s, tokens = _best_of(args.repeat, counted)
    framing = sum(3 + 3 * len(messages) for messages in examples)
    assert tokens == raw_tokens + framing, "count_tokens disagrees with the floor"

    print(f"{args.examples} examples, model {args.model} ({encoding.name}), best of {args.repeat}")
    print(f"floor (encode_ordinary only): {floor_s:8.3f} s  {raw_tokens / floor_s:12,.0f} tokens/s")
    print(f"count_tokens:                 {count_s:8.3f} s  {tokens / count_s:12,.0f} tokens/s")
    print(f"ratio count_tokens / floor:   {count_s / floor_s:8.2f}x")


if __name__ == "__main__":
    main()
