"""The mock's real backend: every fine-tuning job is a LoRA training of a local open model.

``MockServer(backend=LoraTraining("HuggingFaceTB/SmolLM2-135M-Instruct"))`` (or ``ftlab mock-server
--backend lora --base-model ...``). Jobs train one at a time in a worker thread, in the order they
were created; each job's folder under ``work_dir`` holds its training file, its adapter and its
checkpoints. Chat completions to a job's ``ft:`` model (or one of its checkpoints) are answered by
the base model plus that adapter, and to an OpenAI base model name by the local base model alone.
Needs the optional ``train`` extra: constructing one without it raises
:class:`ftlab.lora.errors.MissingExtra`.
"""

from __future__ import annotations

import os
import queue
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ftlab.lora.errors import (
    DatasetRefused,
    DatasetUnreadable,
    ExampleTooLong,
    LoraError,
    NothingToTrain,
    PromptTooLong,
    TemplateMismatch,
)
from ftlab.lora.settings import TrainSettings
from ftlab.mock import errors
from ftlab.mock.backend import Answer, ChatRequest
from ftlab.mock.clock import Clock
from ftlab.mock.jobs import Hyperparameters
from ftlab.mock.live_job import (
    Failed,
    LiveJob,
    Plan,
    Resumed,
    Started,
    Stepped,
    Stopped,
    Succeeded,
    Validated,
)
from ftlab.mock.training import Dataset, JobError, epochs_for

#: Reply length when a request sets no max_tokens: a CPU model writes a few dozen tokens a second.
DEFAULT_MAX_TOKENS = 256
ROLES = ("system", "developer", "user", "assistant", "tool")
_DATA_ERRORS = (DatasetRefused, DatasetUnreadable, ExampleTooLong, TemplateMismatch, NothingToTrain)


class LoraTraining:
    """Real LoRA fine-tuning behind the mock's jobs (see the module docstring)."""

    name = "lora"
    real_time = True

    def __init__(
        self,
        base_model: str,
        *,
        work_dir: str | os.PathLike[str] | None = None,
        settings: TrainSettings | None = None,
        offline: bool | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        from ftlab.lora.backend import LoraBackend

        self.lora = LoraBackend(base_model, settings=settings, offline=offline, log=log)
        self.base_model = base_model
        self._own_dir = work_dir is None
        self.work_dir = (
            Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(prefix="ftlab-mock-lora-"))
        )
        self._queue: queue.Queue[LiveJob | None] = queue.Queue()
        self._jobs: list[LiveJob] = []
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def check_model(self) -> None:
        """Find the base model and its tokenizer now (downloading it if allowed).

        So a bad name fails at start, not in every job.
        """
        from ftlab.lora.model import load_tokenizer, model_folder

        load_tokenizer(
            model_folder(self.base_model, offline=self.lora.offline, log=self.lora.log), self.base_model
        )

    # --- jobs ---------------------------------------------------------------------------

    def new_job(self, data: bytes, clock: Clock, **fields: Any) -> LiveJob:
        outcome = fields["outcome"]
        plan = (
            self._plan(outcome, fields["hyperparameters"], fields["seed"])
            if isinstance(outcome, Dataset)
            else None
        )
        job = LiveJob(**fields, clock=clock, plan=plan)
        if job.model.startswith("ft:"):
            message = (
                "The ftlab mock's LoRA backend trains adapters on its base model only, so it cannot "
                f"continue training {job.model}; fine-tune the base model instead."
            )
            job.post(Failed(job.created_at, JobError("model_not_available", message, "model")))
            return job
        job.post(Validated(job.created_at))  # the engine's rules ran as the job was created
        if plan is not None and not isinstance(job.validation, JobError):
            folder = self._folder(job.id)
            (folder / "train.jsonl").write_bytes(data)
            job.work_dir = str(folder)
            self._enqueue(job)
        return job

    def _plan(self, outcome: Dataset, hyper: Hyperparameters, seed: int) -> Plan:
        """The run for a job: epochs by the engine's rule (as the cost estimate).

        For "auto", the batch size and learning rate are the local defaults.
        """
        lr = hyper.learning_rate_multiplier
        return Plan(
            n_epochs=epochs_for(outcome.n_examples, hyper.n_epochs),
            batch_size=hyper.batch_size
            if isinstance(hyper.batch_size, int)
            else self.lora.settings.batch_size,
            learning_rate_multiplier=1.0 if lr == "auto" else float(lr),
            seed=seed,
        )

    def _folder(self, job_id: str) -> Path:
        folder, n = self.work_dir / job_id, 1
        while folder.exists():  # a reused work_dir with reproducible ids: never mix two runs
            n += 1
            folder = self.work_dir / f"{job_id}-{n}"
        folder.mkdir(parents=True)
        return folder

    def _enqueue(self, job: LiveJob) -> None:
        with self._lock:
            self._jobs.append(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="ftlab-mock-lora", daemon=True)
                self._worker.start()
            self._queue.put(job)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                self._run(job)
            except Exception as error:  # noqa: BLE001 - one job's bug must not stop the jobs queued after it
                print(
                    f"ftlab mock: LoRA training of {job.id} stopped by an internal error: {error!r}",
                    file=sys.stderr,
                )
                job.post(
                    Failed(
                        job.now(),
                        JobError(
                            "server_error",
                            f"The job experienced an error while training and failed: {error}",
                            None,
                        ),
                    )
                )

    def _run(self, job: LiveJob) -> None:
        if job.control.stopped:  # cancelled (or failed) while it waited in the queue
            return
        assert job.plan is not None and job.work_dir is not None
        plan, folder = job.plan, Path(job.work_dir)
        base = self.lora.settings
        settings = replace(
            base,
            batch_size=plan.batch_size,
            learning_rate=base.learning_rate * plan.learning_rate_multiplier,
            seed=plan.seed,
        )

        def checkpoint(step: int, total: int) -> Path | None:
            return folder / "checkpoints" / f"step-{step}" if plan.keeps_checkpoint(step, total) else None

        def on_step(step: int, total: int, loss: float) -> None:
            saved = checkpoint(step, total)
            job.post(Stepped(job.now(), step, total, loss, str(saved) if saved else None))
            failing = job.failing_step(total)
            if (
                failing is not None and step >= failing
            ):  # an injected fault: the job fails here, the run stops
                raise Stopped
            if job.control.wait():  # held while paused; raises Stopped once cancelled
                job.post(Resumed(job.now()))

        job.post(Started(job.now()))
        try:
            adapter = self.lora.train(
                folder / "train.jsonl",
                folder / "adapter",
                n_epochs=plan.n_epochs,
                settings=settings,
                on_step=on_step,
                checkpoint=checkpoint,
            )
        except Stopped:
            return
        except LoraError as error:
            job.post(Failed(job.now(), _job_error(error, str(folder / "train.jsonl"), job.training_file)))
        else:
            job.post(Succeeded(job.now(), adapter))

    # --- chat ---------------------------------------------------------------------------

    def answer(self, request: ChatRequest) -> Answer:
        from jinja2 import TemplateError

        adapter = None
        if request.job is not None:
            assert isinstance(request.job, LiveJob)
            adapter = request.job.adapter_for(request.model)
        messages = _checked(request.messages)
        try:
            reply = self.lora.reply(adapter, messages, max_tokens=request.limit or DEFAULT_MAX_TOKENS)
        except TemplateError as error:
            raise errors.ApiError(
                400, f"The base model's chat template refuses these messages: {error}", param="messages"
            ) from None
        except PromptTooLong as error:
            raise errors.ApiError(
                400,
                f"This model's maximum context length is {error.limit} tokens. "
                f"However, your messages resulted in {error.tokens} tokens. "
                "Please reduce the length of the messages.",
                param="messages",
                code="context_length_exceeded",
            ) from None
        usage = {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        }
        return Answer(reply.text, reply.finish_reason, usage)

    # --- lifecycle ----------------------------------------------------------------------

    def close(self, timeout: float = 30.0) -> None:
        """Stop every queued and running training (at its next step) and the worker.

        A temporary work_dir is removed.
        """
        with self._lock:
            jobs, worker, self._jobs, self._worker = self._jobs, self._worker, [], None
            for job in jobs:
                job.control.stop()
            if worker is not None:
                self._queue.put(None)
        if worker is not None:
            worker.join(timeout)
        if self._own_dir and (worker is None or not worker.is_alive()):
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __repr__(self) -> str:
        return f"LoraTraining({self.base_model!r}, work_dir={str(self.work_dir)!r})"


def _checked(messages: Sequence[Any]) -> list[Mapping[str, Any]]:
    """The messages, if each is an object with a known role and text (or text parts).

    OpenAI refuses the rest too.
    """
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, Mapping):
            raise errors.invalid_type(where, "an object", message)
        if message.get("role") not in ROLES:
            raise errors.invalid_value(f"{where}.role", message.get("role"), list(ROLES))
        content = message.get("content")
        if not (isinstance(content, str | list) or (content is None and message["role"] == "assistant")):
            raise errors.invalid_type(f"{where}.content", "a string or an array of content parts", content)
    return list(messages)


def _job_error(error: LoraError, path: str, file_id: str) -> JobError:
    """A LoRA error as the job's error: the learner's file named by its id, not by the server's copy."""
    text = str(error).replace(path, file_id)
    if isinstance(error, _DATA_ERRORS):
        return JobError(
            "invalid_training_file",
            f"The job failed due to an invalid training file. {text}",
            "training_file",
        )
    return JobError("server_error", f"The job failed while training: {text}", None)
