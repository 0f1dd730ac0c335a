"""A fine-tuning job whose life follows a real training run instead of the simulated timeline.

The run (in a worker thread) posts what really happened, each stamped with the clock's time when it
happened: validated, started, a step and its loss, resumed, succeeded with an adapter, failed. The
job applies them in order when the API next looks (:meth:`LiveJob.advance`, under the key's lock),
so the job object is only ever changed by the thread that holds that lock. Going the other way,
cancel and pause reach the run through :class:`Control`, which the run checks after every step.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

from ftlab.errors import FtlabError
from ftlab.mock.clock import Clock
from ftlab.mock.events import Checkpoint
from ftlab.mock.jobs import HALF_WAY, KEPT_CHECKPOINTS, Job
from ftlab.mock.training import Dataset, JobError


@dataclass(frozen=True)
class Plan:
    """What the real run trains with, fixed when the job is created."""

    n_epochs: int
    batch_size: int
    learning_rate_multiplier: float
    seed: int

    def steps(self, n_examples: int) -> int:
        return math.ceil(n_examples / self.batch_size) * self.n_epochs

    def keeps_checkpoint(self, step: int, total: int) -> bool:
        """True at the end of each of the last few epochs, as OpenAI keeps them."""
        per_epoch = max(1, total // self.n_epochs)
        epoch, rest = divmod(step, per_epoch)
        return rest == 0 and epoch > self.n_epochs - KEPT_CHECKPOINTS


# --- what the run reports ---------------------------------------------------------------


@dataclass(frozen=True)
class Validated:
    at: float


@dataclass(frozen=True)
class Started:
    at: float


@dataclass(frozen=True)
class Resumed:
    at: float


@dataclass(frozen=True)
class Stepped:
    at: float
    step: int
    total: int
    loss: float
    checkpoint: str | None = None  # the folder holding the adapter as of this step


@dataclass(frozen=True)
class Succeeded:
    at: float
    adapter: str


@dataclass(frozen=True)
class Failed:
    at: float
    error: JobError


RunEvent = Validated | Started | Resumed | Stepped | Succeeded | Failed


class Stopped(FtlabError):
    """Raised in the run (from its step callback) when the job was cancelled or failed.

    Training ends there and nothing is saved.
    """


class Control:
    """The API's hand on a running training: stop it, or hold it after its current step. Thread-safe."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._go = threading.Event()
        self._go.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._go.is_set()

    def stop(self) -> None:
        self._stop.set()
        self._go.set()

    def pause(self) -> None:
        if not self.stopped:
            self._go.clear()

    def resume(self) -> None:
        self._go.set()

    def wait(self) -> bool:
        """Block while paused; True if the run held here (so it is now resuming). Raises :class:`Stopped`."""
        held = self.paused
        self._go.wait()
        if self.stopped:
            raise Stopped
        return held


class _Inbox:
    """Run events waiting for the API to look, oldest first. Thread-safe."""

    def __init__(self) -> None:
        self._events: deque[RunEvent] = deque()
        self._lock = threading.Lock()

    def post(self, event: RunEvent) -> None:
        with self._lock:
            self._events.append(event)

    def due(self, now: float) -> list[RunEvent]:
        with self._lock:
            out = []
            while self._events and self._events[0].at <= now:
                out.append(self._events.popleft())
            return out


@dataclass
class LiveJob(Job):
    """A job driven by a real run: statuses, losses, checkpoints and the model all come from it."""

    clock: Clock | None = None
    plan: Plan | None = None
    work_dir: str | None = None  # the run's folder: its training file, adapter and checkpoints
    adapter_dir: str | None = None
    control: Control = field(default_factory=Control, repr=False)
    _inbox: _Inbox = field(default_factory=_Inbox, repr=False)
    _checkpoint_dirs: dict[str, str] = field(default_factory=dict)
    _started_at: float = 0.0
    _last_step_at: float | None = None

    # --- the run's side (any thread) ----------------------------------------------------

    def post(self, event: RunEvent) -> None:
        self._inbox.post(event)

    def now(self) -> float:
        assert self.clock is not None
        return self.clock.now()

    def failing_step(self, total: int) -> int | None:
        """The step at which an injected fault fails this job, once the run's length is known."""
        if self.fail_at_step is None:
            return None
        return max(1, total // 2) if self.fail_at_step == HALF_WAY else self.fail_at_step

    def adapter_for(self, model: str) -> str | None:
        """The adapter folder behind ``model``: one of this job's checkpoints, or its final adapter."""
        return self._checkpoint_dirs.get(model, self.adapter_dir)

    # --- the API's side (under the key's lock) ------------------------------------------

    def advance(self, now: float) -> bool:
        was_finished = self.finished
        for event in self._inbox.due(now):
            if self.finished:
                break
            self._apply(event)
        return not was_finished and self.status == "succeeded"

    def _apply(self, event: RunEvent) -> None:
        match event:
            case Validated(at):
                self._validated(at)
            case Started(at):
                self.status, self._phase_at, self._started_at = "running", at, at
                self._say(at, "Fine-tuning job started")
            case Resumed(at):
                if self.status == "queued":
                    self.status = "running"
                self._say(at, "Fine-tuning job resumed")
            case Stepped():
                self._stepped(event)
            case Succeeded(at, adapter):
                self.adapter_dir = adapter
                self._succeed(at)
            case Failed(at, error):
                self.fail(at, error)

    def _validated(self, at: float) -> None:
        for problem in (self.outcome, self.validation):
            if isinstance(problem, JobError):
                self.fail(at, problem)
                return
        assert isinstance(self.outcome, Dataset) and self.plan is not None
        hyper, plan = self.hyperparameters, self.plan
        hyper.n_epochs, hyper.batch_size, hyper.learning_rate_multiplier = (
            plan.n_epochs,
            plan.batch_size,
            plan.learning_rate_multiplier,
        )
        self.steps = plan.steps(self.outcome.n_examples)
        self._planned_tokens = self.outcome.trained_tokens(plan.n_epochs)
        self.status, self._phase_at = "queued", at
        self._say(at, "Files validated, moving job to queued state")

    def _stepped(self, event: Stepped) -> None:
        self.step, self.steps = event.step, event.total
        failing = self.failing_step(event.total)
        if failing is not None and event.step >= failing:
            self.fail(event.at, self.failure)
            return
        self._last_step_at = event.at
        self._losses.append(event.loss)
        text = f"Step {event.step}/{event.total}: training loss={event.loss:.4f}"
        data = {"step": event.step, "total_steps": event.total, **self.metrics(event.step)}
        self._say(event.at, text, type="metrics", data=data)
        if event.checkpoint is not None:
            name = f"{self.model_name}:ckpt-step-{event.step}"
            self.checkpoints.append(
                Checkpoint(
                    self.ids.checkpoint(),
                    int(event.at),
                    self.id,
                    name,
                    event.step,
                    {"step": event.step, **self.metrics(event.step)},
                )
            )
            self._checkpoint_dirs[name] = event.checkpoint
            self._say(event.at, f"Checkpoint created at step {event.step} with Snapshot ID: {name}")

    def fail(self, at: float, error: JobError) -> None:
        super().fail(at, error)
        self.control.stop()

    def cancel(self, at: float) -> None:
        super().cancel(at)
        self.control.stop()

    def pause(self, at: float) -> None:
        super().pause(at)
        self.control.pause()

    def resume(self, at: float) -> None:
        super().resume(at)
        self.control.resume()

    # --- what the API shows -------------------------------------------------------------

    def estimated_finish(self) -> int | None:
        """From the pace of the steps so far (nothing before the first step)."""
        if self.status != "running" or self._last_step_at is None or self.step == 0:
            return None
        per_step = (self._last_step_at - self._started_at) / self.step
        return int(self._last_step_at + (self.steps - self.step) * per_step)

    def metrics(self, step: int) -> dict[str, float]:
        """The real training loss at ``step`` (the run measures no accuracy and no validation loss)."""
        return {"train_loss": self._losses[step - 1]}

    def results_csv(self) -> bytes:
        """OpenAI's ``step_metrics.csv`` columns, with the run's real loss per step."""
        rows = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
        rows += [f"{step},{loss:.5f},,," for step, loss in enumerate(self._losses, start=1)]
        return ("\n".join(rows) + "\n").encode()
