"""A job driven by a real run: what it reports shows up in order, when due; cancel and pause reach the run."""

from __future__ import annotations

import threading
from functools import cache

import pytest

from ftlab.mock.clock import ManualClock
from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import HALF_WAY, Hyperparameters, Timing
from ftlab.mock.live_job import (
    Control,
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
from ftlab.mock.training import Dataset, JobError, inspect_file
from tests.mock_helpers import good_file

START = 1_000_000.0
MODEL = "gpt-4o-mini-2024-07-18"
PLAN = Plan(
    n_epochs=2, batch_size=6, learning_rate_multiplier=1.0, seed=0
)  # 12 examples: 2 steps an epoch, 4 in all


@cache
def _dataset() -> Dataset:
    outcome = inspect_file(good_file(12), MODEL)
    assert isinstance(outcome, Dataset)
    return outcome


def make_job(outcome: Dataset | JobError | None = None) -> LiveJob:
    return LiveJob(
        id="ftjob-live", model=MODEL, training_file="file-abc", created_at=START, organization_id="org-x",
        model_name=f"ft:{MODEL}:personal::abcd1234", outcome=outcome or _dataset(), ids=IdMaker(1),
        timing=Timing(), hyperparameters=Hyperparameters(), clock=ManualClock(START), plan=PLAN,
    )  # fmt: skip


def run_through(job: LiveJob, losses: list[float], *, at: float = START) -> None:
    """Post what a run of ``len(losses)`` steps that succeeds would post, a second apart."""
    job.post(Validated(at))
    job.post(Started(at + 1))
    for step, loss in enumerate(losses, start=1):
        job.post(
            Stepped(
                at + 1 + step,
                step,
                len(losses),
                loss,
                f"/runs/step-{step}" if PLAN.keeps_checkpoint(step, len(losses)) else None,
            )
        )
    job.post(Succeeded(at + 2 + len(losses), "/runs/adapter"))


def test_what_the_run_reports_shows_up_in_order_at_its_own_time_once_due() -> None:
    job = make_job()
    run_through(job, [2.5, 1.5, 0.75, 0.5])

    assert job.advance(START + 2) is False
    assert (job.status, job.hyperparameters.to_json()) == (
        "running",
        {"n_epochs": 2, "batch_size": 6, "learning_rate_multiplier": 1.0},
    )
    assert job.advance(START + 100) is True and job.advance(START + 200) is False  # succeeded once
    assert (job.status, job.fine_tuned_model, job.adapter_dir, job.finished_at) == (
        "succeeded",
        job.model_name,
        "/runs/adapter",
        START + 6,
    )
    steps = [(e.created_at, e.message, e.data) for e in job.events if e.type == "metrics"]
    assert steps[1] == (
        START + 3,
        "Step 2/4: training loss=1.5000",
        {"step": 2, "total_steps": 4, "train_loss": 1.5},
    )
    assert [c.step for c in job.checkpoints] == [2, 4] and [
        c.metrics["train_loss"] for c in job.checkpoints
    ] == [1.5, 0.5]
    assert (
        job.adapter_for(f"{job.model_name}:ckpt-step-2") == "/runs/step-2"
        and job.adapter_for(job.model_name) == "/runs/adapter"
    )


def test_the_result_file_and_metrics_carry_only_what_the_run_measured() -> None:
    job = make_job()
    run_through(job, [2.5, 1.5, 0.75, 0.5])
    job.advance(START + 100)

    assert job.metrics(3) == {"train_loss": 0.75}
    assert job.results_csv().decode().splitlines() == [
        "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy",
        "1,2.50000,,,", "2,1.50000,,,", "3,0.75000,,,", "4,0.50000,,,",
    ]  # fmt: skip


def test_a_cancelled_job_tells_the_run_to_stop_and_ignores_what_it_reports_afterwards() -> None:
    job = make_job()
    job.post(Validated(START))
    job.post(Started(START + 1))
    job.advance(START + 1)

    job.cancel(START + 2)
    run_through(job, [1.0, 0.5], at=START + 3)
    assert job.advance(START + 100) is False
    assert job.control.stopped and job.status == "cancelled" and job.fine_tuned_model is None
    assert job.events[-1].message == "The job has been cancelled" and not any(
        e.type == "metrics" for e in job.events
    )


@pytest.mark.parametrize(("fail_at", "failing"), [(3, 3), (HALF_WAY, 2)])
def test_an_injected_fault_fails_the_job_at_its_step_and_stops_the_run(fail_at: int, failing: int) -> None:
    job = make_job()
    job.fail_at_step = fail_at
    run_through(job, [2.5, 1.5, 0.75, 0.5])

    assert job.failing_step(4) == failing
    job.advance(START + 100)
    assert (job.status, job.step, job.error) == ("failed", failing, job.failure) and job.control.stopped
    assert [e.data["step"] for e in job.events if e.type == "metrics"] == list(range(1, failing))


def test_a_file_the_engine_refused_fails_the_job_when_validated() -> None:
    refused = JobError("invalid_training_file", "Example 3: bad", "training_file")
    job = make_job(refused)
    job.post(Validated(START))

    job.advance(START)
    assert (job.status, job.error) == ("failed", refused)


def test_a_failed_run_fails_the_job_with_its_reason() -> None:
    job = make_job()
    job.post(Validated(START))
    job.post(Started(START + 1))
    job.post(Failed(START + 2, JobError("server_error", "out of memory", None)))

    job.advance(START + 2)
    assert job.status == "failed" and job.error is not None and job.error.message == "out of memory"


def test_pause_holds_the_run_after_its_step_resume_releases_it_and_the_job_runs_again() -> None:
    job = make_job()
    job.post(Validated(START))
    job.post(Started(START + 1))
    job.advance(START + 1)
    job.pause(START + 2)
    released = threading.Event()

    def run_step() -> None:
        if job.control.wait():
            job.post(Resumed(START + 4))
        released.set()

    worker = threading.Thread(target=run_step)
    worker.start()
    assert not released.wait(0.2) and job.status == "paused"
    job.resume(START + 3)
    worker.join(5)
    assert released.is_set()
    job.advance(START + 4)
    assert job.status == "running" and [e.message for e in job.events[-2:]] == [
        "Fine-tuning job resume requested, moving job to queued state", "Fine-tuning job resumed"
    ]  # fmt: skip


def test_cancel_releases_a_paused_run_with_stopped() -> None:
    control = Control()
    control.pause()
    outcome: list[BaseException] = []

    def run_step() -> None:
        try:
            control.wait()
        except Stopped as stop:
            outcome.append(stop)

    worker = threading.Thread(target=run_step)
    worker.start()
    control.stop()
    worker.join(5)
    assert len(outcome) == 1 and not worker.is_alive()


def test_checkpoints_are_kept_for_the_last_three_epochs() -> None:
    plan = Plan(n_epochs=5, batch_size=2, learning_rate_multiplier=1.0, seed=0)

    assert [step for step in range(1, 16) if plan.keeps_checkpoint(step, 15)] == [9, 12, 15]
    assert plan.steps(5) == 15


def test_the_estimated_finish_follows_the_pace_of_the_real_steps() -> None:
    job = make_job()
    job.post(Validated(START))
    job.post(Started(START + 10))
    job.advance(START + 10)
    assert job.estimated_finish() is None  # no step yet: no pace to go by

    job.post(Stepped(START + 14, 1, 4, 2.0))
    job.post(Stepped(START + 18, 2, 4, 1.0))
    job.advance(START + 18)
    assert job.estimated_finish() == START + 26  # 4 s a step, 2 steps to go
