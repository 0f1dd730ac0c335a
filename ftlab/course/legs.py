"""The challenge's three legs: a prompt, RAG and a fine-tune, each asked every held-out email.

Each *leg* turns an email into a chat request and gets a reply from a responder: a callable
from messages to text. The prompt and RAG legs use the offline keyword responder
(``ftlab.course.responder``); the fine-tune leg takes any responder, by default a model fine-tuned
on the mock API (:func:`mock_fine_tune`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openai import OpenAIError

from ftlab.course.finetuning import JobFailed, JobTimedOut, follow, submit
from ftlab.course.responder import respond
from ftlab.course.retrieval import Index, read_pages
from ftlab.course.triage import PROMPT, Case, ChallengeError, existing, parse_reply
from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.validation import validate_file
from ftlab.tokens.cost import estimate_training_cost
from ftlab.tokens.counting import content_tokens, count_tokens
from ftlab.tokens.models import resolve_model
from ftlab.tokens.prices import request_cost_usd

Messages = list[dict[str, str]]
Responder = Callable[[Messages], str]
MOCK_POLL_SECONDS = 0.05
KEYWORD_ENGINE = "the keyword responder (offline simulation)"
PROMPT_NOTE = (
    "the keyword responder (ftlab/course/responder.py) plays the model: "
    "it knows only the cue lines of its prompt"
)


@dataclass(frozen=True)
class Leg:
    """One way of doing the task: how a request is built, who answers it, and what it costs."""

    name: str
    model: str
    fine_tuned: bool
    one_off_usd: float
    build: Callable[[str], Messages]
    respond: Responder
    note: str
    engine: str = KEYWORD_ENGINE
    training_seconds: float | None = None  # the one-off training, when it ran on this machine


@dataclass(frozen=True)
class LegResult:
    """How one leg did on the held-out set."""

    name: str
    n: int
    category_right: int
    priority_right: int
    both_right: int
    input_tokens: float
    output_tokens: float
    cost_per_request_usd: float
    one_off_usd: float
    note: str
    engine: str = KEYWORD_ENGINE
    seconds_per_request: float = 0.0  # wall time, measured when the leg ran
    training_seconds: float | None = None  # the one-off training, when it ran on this machine


def prompt_leg(
    model: str,
    prompt: str = PROMPT,
    *,
    answer: Responder = respond,
    engine: str = KEYWORD_ENGINE,
    note: str = PROMPT_NOTE,
) -> Leg:
    """A good prompt, answered by ``answer`` (the keyword responder unless told)."""
    return Leg(
        "prompt", model, False, 0.0, lambda email: [_system(prompt), _user(email)], answer, note, engine
    )


def rag_leg(
    model: str,
    docs: str | os.PathLike[str],
    prompt: str = PROMPT,
    *,
    k: int = 2,
    answer: Responder = respond,
    engine: str = KEYWORD_ENGINE,
    note: str | None = None,
) -> Leg:
    """The prompt plus the ``k`` handbook pages closest to each email, answered by ``answer``."""
    index = Index(read_pages(docs))

    def build(email: str) -> Messages:
        pages = "\n\n".join(page.text.strip() for page in index.search(email, k))
        return [_system(f"{prompt}\n\nRelevant pages of the Acme support handbook:\n\n{pages}"), _user(email)]

    if note is None:
        note = (
            f"the same responder, with the {k} pages of {docs} most like each email (TF-IDF) "
            "added to its prompt"
        )
    return Leg("rag", model, False, 0.0, build, answer, note, engine)


def fine_tune_leg(
    model: str, train: str | os.PathLike[str], answer: Responder, *, note: str, engine: str = ""
) -> Leg:
    """A model fine-tuned on ``train``, asked with the training data's own short system prompt."""
    report = validate_file(existing(train))
    if not report.ok or report.n_examples == 0:
        raise ChallengeError(
            str(train),
            f"not a usable training file ({len(report.errors)} errors, {report.n_examples} examples): "
            "run ftlab validate on it",
        )
    examples: list[dict[str, Any]] = [
        line.record for line in read_jsonl(train) if line.problem is None and isinstance(line.record, dict)
    ]
    system = next((m["content"] for m in examples[0]["messages"] if m.get("role") == "system"), None)
    cost = estimate_training_cost(examples, model).cost_usd
    return Leg(
        "fine-tune",
        model,
        True,
        cost,
        lambda email: ([_system(system)] if system else []) + [_user(email)],
        answer,
        note,
        engine or note,
    )


@contextlib.contextmanager
def mock_fine_tune(
    train: str | os.PathLike[str], model: str, *, timeout: float = 60.0
) -> Iterator[Responder]:
    """Fine-tune ``model`` on ``train`` with the mock API on loopback; yields its chat responder."""
    from ftlab.mock import running_mock

    with running_mock(seed="challenge") as mock:
        client = mock.client()
        _, job = submit(client, existing(train), resolve_model(model).name)
        try:
            done = follow(client, job.id, poll_seconds=MOCK_POLL_SECONDS, timeout_seconds=timeout)
        except (JobFailed, JobTimedOut) as error:
            raise ChallengeError("the fine-tune leg", f"on the mock API, {error}") from None
        name = done.fine_tuned_model

        def answer(messages: Messages) -> str:
            try:
                reply = client.chat.completions.create(model=name, messages=messages)  # type: ignore[arg-type]
            except OpenAIError as error:
                raise ChallengeError(
                    "the fine-tune leg", f"the mock API refused a chat request: {error}"
                ) from None
            return reply.choices[0].message.content or ""

        yield answer


def run_leg(leg: Leg, cases: Sequence[Case]) -> LegResult:
    """Ask the leg every held-out email; score its labels, price its requests and time its answers."""
    category_right = priority_right = both_right = 0
    tokens_in = tokens_out = cost = waited = 0.0
    for case in cases:
        messages = leg.build(case.email)
        started = time.perf_counter()
        reply = leg.respond(messages)
        waited += time.perf_counter() - started
        category, priority = parse_reply(reply)
        category_right += category == case.category
        priority_right += priority == case.priority
        both_right += category == case.category and priority == case.priority
        n_in, n_out = count_tokens(messages, leg.model), content_tokens({"content": reply}, leg.model)
        tokens_in, tokens_out = tokens_in + n_in, tokens_out + n_out
        cost += request_cost_usd(leg.model, input_tokens=n_in, output_tokens=n_out, fine_tuned=leg.fine_tuned)
    n = len(cases)
    return LegResult(
        leg.name, n, category_right, priority_right, both_right,
        tokens_in / n, tokens_out / n, cost / n, leg.one_off_usd, leg.note,
        leg.engine, waited / n, leg.training_seconds,
    )  # fmt: skip


def _system(text: str) -> dict[str, str]:
    return {"role": "system", "content": text}


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}
