"""A fine-tuning job and its simulated life: validating, queued, running step by step, done.

A job never runs in the background (only its file check may, :mod:`ftlab.mock.file_check`). Its
timeline is fixed once its files are checked (phase lengths from :class:`Timing`, step count from
the dataset), and :meth:`Job.advance` replays every transition due by the clock's current time,
each at the simulated moment it happened. So the same job looks the same whether it is polled
every second or once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ftlab.mock.events import Checkpoint, Event
from ftlab.mock.file_check import FileCheck
from ftlab.mock.ids import IdMaker
from ftlab.mock.losses import accuracy, loss_curve
from ftlab.mock.training import (
    Dataset,
    JobError,
    batch_size_for,
    epochs_for,
    total_steps,
)

ACTIVE = ("validating_files", "queued", "running", "paused")
FINISHED = ("succeeded", "failed", "cancelled")

#: Checkpoints are kept for the last this many epochs, as OpenAI does.
KEPT_CHECKPOINTS = 3

MID_RUN_FAILURE = JobError(
    "server_error",
    "The job experienced an error while training and failed, it has not been charged. You can retry the job.",
    None,
)

#: ``Job.fail_at_step`` value meaning "half way through training" (the step count is known later).
HALF_WAY = -1

#: Learning rate multiplier reported for "auto".
AUTO_LEARNING_RATE = 1.8


@dataclass(frozen=True)
class Timing:
    """How long each phase lasts in simulated seconds."""

    validating: float = 20.0
    queued: float = 30.0
    running: float = 60.0
    tokens_per_second: float = 10_000.0
    finalizing: float = 10.0
    requeued: float = 10.0


@dataclass
class Hyperparameters:
    """As asked for ("auto" or a value); resolved to numbers once the file is validated."""

    n_epochs: int | str = "auto"
    batch_size: int | str = "auto"
    learning_rate_multiplier: float | str = "auto"

    def to_json(self) -> dict[str, Any]:
        return {
            "n_epochs": self.n_epochs,
            "batch_size": self.batch_size,
            "learning_rate_multiplier": self.learning_rate_multiplier,
        }


@dataclass
class Job:
    """One fine-tuning job owned by one API key."""

    id: str
    model: str
    training_file: str
    created_at: float
    organization_id: str
    model_name: str
    outcome: Dataset | JobError | None  # None while ``check`` runs
    ids: IdMaker
    timing: Timing
    validation_file: str | None = None
    validation: Dataset | JobError | None = None
    hyperparameters: Hyperparameters = field(default_factory=Hyperparameters)
    suffix: str | None = None
    seed: int = 0
    metadata: dict[str, str] | None = None
    check: FileCheck | None = None  # the files' check, until the job has taken its outcomes
    fail_at_step: int | None = None
    failure: JobError = MID_RUN_FAILURE
    status: str = "validating_files"
    error: JobError | None = None
    fine_tuned_model: str | None = None
    finished_at: int | None = None
    trained_tokens: int | None = None
    result_files: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    step: int = 0
    steps: int = 0
    _phase_at: float = 0.0
    _run_from_step: int = 0
    _losses: list[float] = field(default_factory=list)
    _planned_tokens: int = 0
    _checked_at: float = 0.0

    def __post_init__(self) -> None:
        self._phase_at = self.created_at
        self._say(self.created_at, f"Created fine-tuning job: {self.id}")
        self._say(self.created_at, f"Validating training file: {self.training_file}")
        if self.validation_file:
            self._say(self.created_at, f"Validating validation file: {self.validation_file}")

    # --- what the API shows -------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def step_seconds(self) -> float:
        tokens = self.trained_tokens_planned
        return (self.timing.running + tokens / self.timing.tokens_per_second) / max(1, self.steps)

    @property
    def trained_tokens_planned(self) -> int:
        """Billed tokens once validated (0 before): the engine's count, the engine's epochs."""
        return self._planned_tokens

    def estimated_finish(self) -> int | None:
        if self.status not in ("queued", "running"):
            return None
        if self.status == "queued":
            start = self._phase_at + (self.timing.queued if self.step == 0 else self.timing.requeued)
            remaining = self.steps - self.step
        else:
            start, remaining = self._phase_at, self.steps - self._run_from_step
        return int(start + remaining * self.step_seconds + self.timing.finalizing)

    def to_json(self) -> dict[str, Any]:
        hyper = self.hyperparameters.to_json()
        return {
            "object": "fine_tuning.job",
            "id": self.id,
            "model": self.model,
            "created_at": int(self.created_at),
            "error": self.error.to_json() if self.error else None,
            "fine_tuned_model": self.fine_tuned_model,
            "finished_at": self.finished_at,
            "hyperparameters": hyper,
            "organization_id": self.organization_id,
            "result_files": list(self.result_files),
            "seed": self.seed,
            "status": self.status,
            "trained_tokens": self.trained_tokens,
            "training_file": self.training_file,
            "validation_file": self.validation_file,
            "integrations": [],
            "estimated_finish": self.estimated_finish(),
            "method": {"type": "supervised", "supervised": {"hyperparameters": hyper}},
            "metadata": self.metadata,
            "user_provided_suffix": self.suffix,
        }

    # --- the simulation -----------------------------------------------------------------

    def advance(self, now: float) -> bool:
        """Replay every transition due by ``now``; True if the job succeeded during this call."""
        was_finished = self.finished
        if self.check is not None and self.check.done:
            (self.outcome, self.validation), self._checked_at = self.check.outcomes, self.check.finished_at
            self.check = None
        while (due := self._next_due()) is not None and due <= now:
            self._fire(due)
        return not was_finished and self.status == "succeeded"

    def _next_due(self) -> float | None:
        if self.status == "validating_files":  # not before the check is done
            ends = max(self._phase_at + self.timing.validating, self._checked_at)
            return ends if self.check is None else None
        if self.status == "queued":
            return self._phase_at + (self.timing.queued if self.step == 0 else self.timing.requeued)
        if self.status == "running":
            if self.step < self.steps:
                return self._phase_at + (self.step + 1 - self._run_from_step) * self.step_seconds
            return (
                self._phase_at
                + (self.steps - self._run_from_step) * self.step_seconds
                + self.timing.finalizing
            )
        return None

    def _fire(self, at: float) -> None:
        if self.status == "validating_files":
            self._validated(at)
        elif self.status == "queued":
            self.status, self._phase_at, self._run_from_step = "running", at, self.step
            self._say(at, "Fine-tuning job started" if self.step == 0 else "Fine-tuning job resumed")
        elif self.step < self.steps:
            self._train_step(at)
        else:
            self._succeed(at)

    def _validated(self, at: float) -> None:
        for problem in (self.outcome, self.validation):
            if isinstance(problem, JobError):
                self.fail(at, problem)
                return
        assert isinstance(self.outcome, Dataset)
        n = self.outcome.n_examples
        hyper = self.hyperparameters
        hyper.n_epochs = epochs_for(n, hyper.n_epochs)
        hyper.batch_size = batch_size_for(n, hyper.batch_size)
        if hyper.learning_rate_multiplier == "auto":
            hyper.learning_rate_multiplier = AUTO_LEARNING_RATE
        self.steps = total_steps(n, hyper.batch_size, hyper.n_epochs)
        self._planned_tokens = self.outcome.trained_tokens(hyper.n_epochs)
        if self.fail_at_step == HALF_WAY:
            self.fail_at_step = max(1, self.steps // 2)
        self._losses = loss_curve(self.id, self.steps)
        self.status, self._phase_at = "queued", at
        self._say(at, "Files validated, moving job to queued state")

    def _train_step(self, at: float) -> None:
        self.step += 1
        if self.fail_at_step is not None and self.fail_at_step != HALF_WAY and self.step >= self.fail_at_step:
            self.fail(at, self.failure)
            return
        metrics = self.metrics(self.step)
        text = f"Step {self.step}/{self.steps}: training loss={metrics['train_loss']:.2f}"
        if "valid_loss" in metrics:
            text += f", validation loss={metrics['valid_loss']:.2f}"
        self._say(at, text, type="metrics", data={"step": self.step, "total_steps": self.steps, **metrics})
        per_epoch = self.steps // int(self.hyperparameters.n_epochs)
        epoch, rest = divmod(self.step, per_epoch)
        if rest == 0 and epoch > int(self.hyperparameters.n_epochs) - KEPT_CHECKPOINTS:
            name = f"{self.model_name}:ckpt-step-{self.step}"
            checkpoint = Checkpoint(
                self.ids.checkpoint(), int(at), self.id, name, self.step, {"step": self.step, **metrics}
            )
            self.checkpoints.append(checkpoint)
            self._say(at, f"Checkpoint created at step {self.step} with Snapshot ID: {name}")

    def _succeed(self, at: float) -> None:
        self.fine_tuned_model = self.model_name
        self.trained_tokens = self.trained_tokens_planned
        self._say(at, f"New fine-tuned model created: {self.model_name}")
        self._say(at, "Evaluating model against our usage policies")
        self._say(at, "Usage policy evaluations completed, model is now enabled for sampling")
        self.status, self.finished_at = "succeeded", int(at)
        self._say(at, "The job has successfully completed")

    def fail(self, at: float, error: JobError) -> None:
        self.status, self.error, self.finished_at = "failed", error, int(at)
        self._say(at, error.message, level="error")
        self._say(at, "The job has failed", level="error")

    def cancel(self, at: float) -> None:
        self.status, self.finished_at = "cancelled", int(at)
        self._say(at, "The job has been cancelled")

    def pause(self, at: float) -> None:
        self.status = "paused"
        self._say(at, f"Fine-tuning job paused at step {self.step}/{self.steps}")

    def resume(self, at: float) -> None:
        self.status, self._phase_at = "queued", at
        self._say(at, "Fine-tuning job resume requested, moving job to queued state")

    def metrics(self, step: int) -> dict[str, float]:
        """The training metrics reported at ``step`` (1-based); validation ones with a validation file."""
        loss = self._losses[step - 1]
        out = {"train_loss": loss, "train_mean_token_accuracy": accuracy(loss)}
        if isinstance(self.validation, Dataset):
            valid = round(loss * 1.08 + 0.03, 4)
            out |= {"valid_loss": valid, "valid_mean_token_accuracy": accuracy(valid)}
        return out

    def results_csv(self) -> bytes:
        """The result file: one row of metrics per step, as OpenAI's ``step_metrics.csv``."""
        rows = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
        for step in range(1, self.steps + 1):
            m = self.metrics(step)
            valid = (
                f"{m['valid_loss']:.5f},{m['valid_mean_token_accuracy']:.5f}" if "valid_loss" in m else ","
            )
            rows.append(f"{step},{m['train_loss']:.5f},{m['train_mean_token_accuracy']:.5f},{valid}")
        return ("\n".join(rows) + "\n").encode()

    def _say(
        self, at: float, message: str, *, level: str = "info", type: str = "message", data: Any = None
    ) -> None:  # noqa: A002
        self.events.append(Event(self.ids.event(), int(at), message, level, type, data or {}))
