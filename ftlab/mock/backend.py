"""The mock's one seam between the API and training: what runs a job, and what answers its model.

:class:`SimulatedTraining` (the default) makes jobs whose whole life follows the simulated clock and
answers a fine-tuned model with its closest training example; :class:`ftlab.mock.lora.LoraTraining`
runs a real LoRA training per job and answers through the trained adapter. The endpoints only
call :meth:`TrainingBackend.new_job` and :meth:`TrainingBackend.answer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ftlab.mock import chat
from ftlab.mock.clock import Clock
from ftlab.mock.jobs import Job


@dataclass(frozen=True)
class ChatRequest:
    """A chat completion to answer: the model as asked, the job that made it (None: a base model)."""

    model: str
    snapshot: str  # the model whose tokenizer counts the usage (the job's model, or the base snapshot)
    job: Job | None
    messages: Sequence[Any]
    limit: int  # max_completion_tokens (or max_tokens); 0 when not given


@dataclass(frozen=True)
class Answer:
    """The reply's text, why it ended ("stop" or "length"), and the token usage to report."""

    text: str
    finish_reason: str
    usage: dict[str, int]


@runtime_checkable
class TrainingBackend(Protocol):
    """What a fine-tuning job runs on and what answers chat completions to the models jobs make."""

    name: str
    real_time: bool  # True: jobs take real time, so the server's clock should be the wall clock

    def new_job(self, data: bytes, clock: Clock, **fields: Any) -> Job:
        """A job with ``fields`` (those of :class:`Job`) training on ``data``, the uploaded file's bytes."""
        ...

    def answer(self, request: ChatRequest) -> Answer:
        """The reply to a chat completion; called outside the key's lock, so it may take its time."""
        ...

    def close(self) -> None:
        """Stop whatever runs in the background (the server is stopping)."""
        ...


class SimulatedTraining:
    """Instant, simulated fine-tuning: a job's life replays on the clock, its model echoes its data."""

    name = "simulated"
    real_time = False

    def new_job(self, data: bytes, clock: Clock, **fields: Any) -> Job:
        return Job(**fields)

    def answer(self, request: ChatRequest) -> Answer:
        question = chat.last_user_text(request.messages)
        if request.job is not None:
            reply = chat.closest_reply(chat.training_pairs(request.job.outcome), question)  # type: ignore[arg-type]
        else:
            reply = chat.base_reply(request.model, question)
        finish = "stop"
        if request.limit:
            short = chat.truncate(reply, request.limit, request.snapshot)
            if short != reply:
                reply, finish = short, "length"
        return Answer(reply, finish, chat.usage(request.messages, reply, request.snapshot))

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return "SimulatedTraining()"
