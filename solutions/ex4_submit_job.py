"""Exercise 4, reference solution: submit a fine-tuning job, wait for it, ask the new model."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import openai

#: Errors that say "not now" rather than "no": the job is fine, the poll can be tried again.
TRANSIENT = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError)


class JobFailed(RuntimeError):
    """The fine-tuning job ended without a model (failed or cancelled)."""


def submit_job(
    client: openai.OpenAI, path: str, model: str, *, suffix: str | None = None, n_epochs: int | None = None
) -> str:
    """Upload ``path`` for fine-tuning, create a job on ``model``, return the job's id (Task 1)."""
    training_file = client.files.create(file=Path(path), purpose="fine-tune")
    options: dict = {}
    if suffix is not None:
        options["suffix"] = suffix
    if n_epochs is not None:
        options["method"] = {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": n_epochs}}}
    job = client.fine_tuning.jobs.create(training_file=training_file.id, model=model, **options)
    return job.id


def wait_for_job(
    client: openai.OpenAI,
    job_id: str,
    *,
    poll_seconds: float = 30.0,
    timeout_seconds: float = 7200.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Poll the job until it ends; the fine-tuned model's name, or an error that says why not (Task 2)."""
    waited = 0.0
    status = "unknown"
    while True:
        try:
            job = client.fine_tuning.jobs.retrieve(job_id)
        except TRANSIENT:
            pass  # the API is busy, not the job broken: try again after the next sleep
        else:
            status = job.status
            if status == "succeeded":
                return job.fine_tuned_model
            if status == "failed":
                reason = f"{job.error.code}: {job.error.message}" if job.error else "no reason given"
                raise JobFailed(f"fine-tuning job {job_id} failed: {reason}")
            if status == "cancelled":
                raise JobFailed(f"fine-tuning job {job_id} was cancelled before it made a model")
        if waited >= timeout_seconds:
            raise TimeoutError(f"fine-tuning job {job_id} is still {status} after {waited:g} s of waiting")
        pause = min(poll_seconds, timeout_seconds - waited)
        sleep(pause)
        waited += pause


def ask_model(client: openai.OpenAI, model: str, question: str, system: str | None = None) -> str:
    """Ask ``model`` one question (after an optional system prompt); the text of its answer (Task 3)."""
    messages = [{"role": "system", "content": system}] if system is not None else []
    messages.append({"role": "user", "content": question})
    completion = client.chat.completions.create(model=model, messages=messages)
    return completion.choices[0].message.content or ""
