"""The optional challenge: one task done three ways (a prompt, RAG, a fine-tune), scored side by side.

The task and its held-out cases are in ``ftlab.course.triage``, the three legs in
``ftlab.course.legs``, the table in ``ftlab.course.run_table``; ``ftlab challenge``
(``ftlab.cli.challenge``) prints it. Quality is exact match of the Category and Priority lines
on the held-out set; cost is counted with exercise 3's token counter and published prices.

:func:`run_challenge` is the offline simulation; :func:`run_with_engine` asks a real model (a local
one, :mod:`ftlab.course.local_engine`, or one behind an API, :mod:`ftlab.course.api_engine`) and
keeps every leg's result in a :class:`~ftlab.course.leg_cache.LegCache`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from ftlab.course.leg_cache import LegCache, file_digest, folder_digest, key_of
from ftlab.course.legs import (
    Leg,
    LegResult,
    Messages,
    Responder,
    fine_tune_leg,
    mock_fine_tune,
    prompt_leg,
    rag_leg,
    run_leg,
)
from ftlab.course.retrieval import read_pages
from ftlab.course.triage import PROMPT, Case, ChallengeError, EngineFailed, existing, read_cases
from ftlab.lora.errors import LoraError
from ftlab.tokens.models import resolve_model

MOCK_NOTE = "a model fine-tuned on the mock API, which answers with its closest training example's reply"
MOCK_ENGINE = "the mock API's fine-tuned model (offline simulation)"
GIVEN_NOTE = "the given fine-tuned responder"
PROGRESS_EVERY = 5
FT_NOTE = "asked with the training data's own short system prompt, no handbook pages"

FilePath = str | os.PathLike[str]


def run_challenge(
    *,
    train: FilePath,
    heldout: FilePath,
    docs: FilePath,
    model: str,
    fine_tuned: Responder | None = None,
    prompt: str = PROMPT,
) -> tuple[list[LegResult], dict[str, str]]:
    """Every leg's result on the held-out set, and why a leg was skipped (the fine-tune, if the mock fails).

    Without ``fine_tuned`` the fine-tune leg trains on the mock API. Raises :class:`ChallengeError`,
    ``ValueError`` (an unknown model) or ``OSError`` when an input is unusable.
    """
    resolve_model(model)
    cases = read_cases(heldout)
    results = [run_leg(leg, cases) for leg in (prompt_leg(model, prompt), rag_leg(model, docs, prompt))]
    skipped: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        answer, note, engine = fine_tuned, GIVEN_NOTE, GIVEN_NOTE
        if answer is None:
            try:
                answer, note, engine = (
                    stack.enter_context(mock_fine_tune(train, model)),
                    MOCK_NOTE,
                    MOCK_ENGINE,
                )
            except ChallengeError as error:
                skipped["fine-tune"] = error.reason
        if answer is not None:
            results.append(run_leg(fine_tune_leg(model, train, answer, note=note, engine=engine), cases))
    return results, skipped


class Engine(Protocol):
    """A real model to ask: the base model for the prompt and RAG legs, a fine-tuned one for the third."""

    def identity(self) -> dict[str, Any]: ...
    def label(self) -> str: ...
    def answer(self) -> Responder: ...
    def fine_tune_identity(self, train: FilePath) -> dict[str, Any]: ...
    def fine_tuned(self, train: FilePath, adapter: Path) -> tuple[Responder, str, float | None]: ...


@dataclass(frozen=True)
class Inputs:
    """What the legs are asked with: the files, the prompt's text and where it came from, the price model."""

    train: FilePath
    heldout: FilePath
    docs: FilePath
    model: str
    prompt: str = PROMPT
    prompt_source: str = "the default prompt (ftlab challenge --show-prompt prints it)"


def run_with_engine(
    engine: Engine, inputs: Inputs, cache: LegCache, *, log: Callable[[str], None] = print
) -> tuple[list[LegResult], dict[str, str]]:
    """As :func:`run_challenge`, every leg asked of ``engine``; an unchanged leg comes from ``cache``.

    A fine-tune leg that cannot run (no model id, a training refused) is skipped with its reason.
    """
    resolve_model(inputs.model)
    cases = read_cases(inputs.heldout)
    read_pages(inputs.docs)  # a missing page folder or training file is refused before any model is asked
    existing(inputs.train)
    base = {"engine": engine.identity(), "heldout": file_digest(inputs.heldout), "prices": inputs.model}
    results = [
        _cached(
            cache,
            key_of(leg="prompt", prompt=inputs.prompt, **base),
            cases,
            log,
            lambda: _prompt(engine, inputs),
        ),
        _cached(
            cache,
            key_of(leg="rag", prompt=inputs.prompt, docs=folder_digest(inputs.docs), **base),
            cases,
            log,
            lambda: _rag(engine, inputs),
        ),
    ]
    skipped: dict[str, str] = {}
    try:
        adapter_key = key_of(**engine.fine_tune_identity(inputs.train))
        key = key_of(leg="fine-tune", adapter=adapter_key, **base)
        results.append(
            _cached(cache, key, cases, log, lambda: _fine_tune(engine, inputs, cache.adapter(adapter_key)))
        )
    except EngineFailed as error:
        skipped["fine-tune"] = error.reason
    except LoraError as error:
        skipped["fine-tune"] = str(error)
    return results, skipped


def _cached(
    cache: LegCache, key: str, cases: list[Case], log: Callable[[str], None], make: Callable[[], Leg]
) -> LegResult:
    found = cache.result(key)
    if found is not None:
        log(f"{found.name}: from the cache ({cache.folder}), nothing asked again")
        return found
    leg = make()
    log(f"{leg.name}: sending the {len(cases)} held-out emails to {leg.engine}")
    result = run_leg(replace(leg, respond=_counted(leg, len(cases), log)), cases)
    cache.save(key, result)
    return result


def _counted(leg: Leg, total: int, log: Callable[[str], None]) -> Responder:
    """``leg``'s responder, saying how far it has got every :data:`PROGRESS_EVERY` emails."""
    done = [0]
    started = time.monotonic()

    def respond(messages: Messages) -> str:
        reply = leg.respond(messages)
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0 or done[0] == total:
            log(f"{leg.name}: {done[0]}/{total} answered ({time.monotonic() - started:.0f}s)")
        return reply

    return respond


def _prompt(engine: Engine, inputs: Inputs) -> Leg:
    note = f"{inputs.prompt_source}, then the email"
    return prompt_leg(inputs.model, inputs.prompt, answer=engine.answer(), engine=engine.label(), note=note)


def _rag(engine: Engine, inputs: Inputs) -> Leg:
    note = f"the same prompt plus the 2 pages of {inputs.docs} most like each email (TF-IDF), then the email"
    return rag_leg(
        inputs.model, inputs.docs, inputs.prompt, answer=engine.answer(), engine=engine.label(), note=note
    )


def _fine_tune(engine: Engine, inputs: Inputs, adapter: Path) -> Leg:
    answer, label, seconds = engine.fine_tuned(inputs.train, adapter)
    leg = fine_tune_leg(inputs.model, inputs.train, answer, note=FT_NOTE, engine=label)
    return replace(leg, training_seconds=seconds)
