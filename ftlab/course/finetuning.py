"""Fine-tuning through the API, the engine's own way: upload, create a job, follow it, ask the model.

``ftlab finetune`` (Part B of the lab) runs on these; exercise 4 has learners write the same
three steps themselves. Works with any ``openai.OpenAI`` client: the mock's or the real API's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai

from ftlab.dataset.jsonl import read_jsonl
from ftlab.dataset.quality.normalize import normalize
from ftlab.errors import FtlabError

#: Where ``ftlab finetune`` takes its default question: an e-mail the sample training set has not seen.
HELDOUT = Path("data/support_tickets_heldout.jsonl")
#: What ``ftlab finetune`` says before the offline mock's answer, so a memorised answer is not read as learnt.
NEAREST_NOTE = (
    "(The offline mock's model does not learn: it answers with the reply of its nearest training example.)"
)

#: Errors that mean "not now" rather than "no": the job is fine, the next poll may work.
TRANSIENT = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError)


class JobFailed(FtlabError, RuntimeError):
    """A job that ended without a model: failed (with the API's reason) or cancelled."""

    def __init__(self, job_id: str, status: str, code: str | None = None, reason: str | None = None) -> None:
        super().__init__(job_id, status, code, reason)
        self.job_id, self.status, self.code, self.reason = job_id, status, code, reason

    def __str__(self) -> str:
        if self.status == "cancelled":
            return f"fine-tuning job {self.job_id} was cancelled before it made a model"
        why = f"{self.code}: {self.reason}" if self.code else (self.reason or "no reason given")
        return f"fine-tuning job {self.job_id} failed: {why}"


class JobTimedOut(FtlabError, TimeoutError):
    """Waiting for a job took longer than allowed (the job itself goes on)."""

    def __init__(self, job_id: str, status: str, waited: float) -> None:
        super().__init__(job_id, status, waited)
        self.job_id, self.status, self.waited = job_id, status, waited

    def __str__(self) -> str:
        return (
            f"fine-tuning job {self.job_id} is still {self.status} after {self.waited:g} s of waiting; "
            "it goes on without us"
        )


def submit(
    client: openai.OpenAI,
    path: str | Path,
    model: str,
    *,
    suffix: str | None = None,
    n_epochs: int | None = None,
) -> tuple[Any, Any]:
    """Upload ``path`` with purpose "fine-tune" and create a job on ``model``: (file, job)."""
    uploaded = client.files.create(file=Path(path), purpose="fine-tune")
    options: dict[str, Any] = {}
    if suffix is not None:
        options["suffix"] = suffix
    if n_epochs is not None:
        options["method"] = {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": n_epochs}}}
    return uploaded, client.fine_tuning.jobs.create(training_file=uploaded.id, model=model, **options)


def new_events(client: openai.OpenAI, job_id: str, seen: set[str]) -> list[Any]:
    """The job's events not in ``seen``, oldest first; adds them to ``seen``."""
    fresh = []
    for event in client.fine_tuning.jobs.list_events(job_id, limit=100):  # newest first, pages on by itself
        if event.id in seen:
            break
        fresh.append(event)
    seen.update(e.id for e in fresh)
    return fresh[::-1]


def follow(
    client: openai.OpenAI,
    job_id: str,
    *,
    poll_seconds: float = 30.0,
    timeout_seconds: float = 7200.0,
    sleep: Callable[[float], None] = time.sleep,
    on_event: Callable[[Any], None] | None = None,
) -> Any:
    """Poll until the job ends, passing each new event to ``on_event``; the succeeded job.

    Raises :class:`JobFailed` for a failed or cancelled job and :class:`JobTimedOut` once
    ``timeout_seconds`` of sleeping have passed. A 429, 5xx or lost connection on one poll is
    waited out like a poll that said "still running".
    """
    seen: set[str] = set()
    waited, status = 0.0, "unknown"
    while True:
        try:
            job = client.fine_tuning.jobs.retrieve(job_id)
            events = new_events(client, job_id, seen) if on_event else []
        except TRANSIENT:
            job, events = None, []
        for event in events:
            on_event(event)  # type: ignore[misc]
        if job is not None:
            status = job.status
            if status == "succeeded":
                return job
            if status in ("failed", "cancelled"):
                error = job.error
                raise JobFailed(job_id, status, getattr(error, "code", None), getattr(error, "message", None))
        if waited >= timeout_seconds:
            raise JobTimedOut(job_id, status, waited)
        pause = min(poll_seconds, timeout_seconds - waited)
        sleep(pause)
        waited += pause


def ask(client: openai.OpenAI, model: str, question: str, system: str | None = None) -> str:
    """One chat completion: the optional system prompt, then ``question``; the reply's text."""
    messages = [{"role": "system", "content": system}] if system is not None else []
    messages.append({"role": "user", "content": question})
    completion = client.chat.completions.create(model=model, messages=messages)  # type: ignore[arg-type]
    return completion.choices[0].message.content or ""


def heldout_question(training: str | Path, heldout: str | Path = HELDOUT) -> str | None:
    """The question of the first example in ``heldout`` that no example of ``training`` asks.

    A question is an example's last user message; case and whitespace are ignored in comparing.
    None when the held-out file is missing or unreadable or has no such question.
    """
    try:
        seen = {normalize(q) for q in _questions(training)}
        return next((q for q in _questions(heldout) if normalize(q) not in seen), None)
    except OSError:
        return None


def _questions(path: str | Path) -> Iterator[str]:
    for line in read_jsonl(path):
        messages = line.record.get("messages") if isinstance(line.record, dict) else None
        if not isinstance(messages, list):
            continue
        asked = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        if asked and isinstance(asked[-1], str) and asked[-1].strip():
            yield asked[-1]
