"""Chat completions: a fine-tuned model answers with its closest training example's reply.

Similarity is over the text of the request's last user message and each example's last user
message before its final assistant reply: the Jaccard index of their sets of lower-cased words,
ties broken by :class:`difflib.SequenceMatcher` ratio of the whole texts, then by file order.
A base model gives a fixed, deterministic reply that says it has not seen the learner's data.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ftlab.mock.training import Dataset
from ftlab.tokens.counting import content_tokens, count_tokens

_WORD = re.compile(r"\w+")


def text_of(content: object) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def last_user_text(messages: Sequence[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return text_of(message.get("content"))
    return ""


def training_pairs(dataset: Dataset) -> list[tuple[str, str]]:
    """(prompt, reply) per example: its last user message before its final assistant message."""
    pairs = []
    for messages in dataset.examples:
        for index in range(len(messages) - 1, -1, -1):
            message = messages[index]
            if message.get("role") == "assistant" and text_of(message.get("content")):
                pairs.append((last_user_text(messages[:index]), text_of(message["content"])))
                break
    return pairs


def closest_reply(pairs: Sequence[tuple[str, str]], question: str) -> str:
    """The reply of the training prompt most like ``question`` (see the module docstring)."""
    words = _words(question)
    best, best_key = "", (-1.0, -1.0)
    for prompt, reply in pairs:
        theirs = _words(prompt)
        union = words | theirs
        jaccard = len(words & theirs) / len(union) if union else 1.0
        key = (jaccard, difflib.SequenceMatcher(None, question.lower(), prompt.lower()).ratio())
        if key > best_key:
            best, best_key = reply, key
    return best


def base_reply(model: str, question: str) -> str:
    shown = question if len(question) <= 200 else question[:197] + "..."
    return (
        f"This is {model}, a base model served by the ftlab mock API. It has not been fine-tuned on "
        f"your data, so it gives this generic answer. You asked: {shown!r}"
    )


def usage(messages: Sequence[Any], reply: str, model: str) -> dict[str, int]:
    """Token usage counted with the engine's counter (the same one exercise 3 uses)."""
    prompt = [_countable(m) for m in messages if isinstance(m, dict)]
    prompt_tokens = count_tokens(prompt, model)
    completion_tokens = content_tokens({"content": reply}, model)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion(
    ident: str, created: int, model: str, reply: str, n: int, counts: dict[str, int], finish: str
) -> dict[str, Any]:
    choice: dict[str, Any] = {
        "message": {"role": "assistant", "content": reply, "refusal": None, "annotations": []},
        "finish_reason": finish,
        "logprobs": None,
    }
    return {
        "id": ident,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": i, **choice} for i in range(n)],
        "usage": _times(counts, n),
        "service_tier": "default",
        "system_fingerprint": "fp_ftlab_mock",
    }


def stream(
    ident: str,
    created: int,
    model: str,
    reply: str,
    n: int,
    finish: str,
    counts: dict[str, int] | None = None,
) -> Iterator[bytes]:
    """Server-sent events: the role, the reply in word-sized pieces, the finish, then [DONE].

    With ``counts`` (``stream_options.include_usage``), every chunk has ``"usage": null`` and a last
    chunk with no choices carries the usage, as OpenAI sends it.
    """
    base: dict[str, Any] = {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": "fp_ftlab_mock",
    }
    if counts is not None:
        base["usage"] = None
    pieces = re.findall(r"\S+\s*|\s+", reply) or [""]
    for index in range(n):
        yield from _choice_events(base, index, pieces, finish)
    if counts is not None:
        yield _sse({**base, "choices": [], "usage": _times(counts, n)})
    yield b"data: [DONE]\n\n"


def _choice_events(base: dict[str, Any], index: int, pieces: list[str], finish: str) -> Iterator[bytes]:
    """One choice's events: its role, its pieces of text, its finish."""

    def event(delta: dict[str, Any], reason: str | None = None) -> bytes:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": reason}
        return _sse({**base, "choices": [choice]})

    yield event({"role": "assistant", "content": "", "refusal": None})
    for piece in pieces:
        yield event({"content": piece})
    yield event({}, finish)


def _times(counts: dict[str, int], n: int) -> dict[str, int]:
    """The usage of ``n`` choices: the prompt once, the completion ``n`` times."""
    return {
        **counts,
        "completion_tokens": counts["completion_tokens"] * n,
        "total_tokens": counts["prompt_tokens"] + counts["completion_tokens"] * n,
    }


def truncate(reply: str, limit: int, model: str) -> str:
    """The longest run of leading words whose token count is within ``limit``."""
    words = re.findall(r"\S+\s*", reply)
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        text = "".join(words[:mid]).rstrip()
        if _text_tokens(text, model) <= limit:
            low = mid
        else:
            high = mid - 1
    return "".join(words[:low]).rstrip()


def _text_tokens(text: str, model: str) -> int:
    return content_tokens({"content": text}, model)


def _countable(message: dict[str, Any]) -> dict[str, Any]:
    return {**message, "content": text_of(message.get("content"))}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, allow_nan=False).encode() + b"\n\n"
