"""A job's simulated life, replayed from its fixed timeline whatever the polling."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import KEPT_CHECKPOINTS, Hyperparameters, Job, Timing
from ftlab.mock.training import Dataset, JobError, inspect_file
from tests.mock_helpers import good_file

START = 1_000_000.0
MODEL = "gpt-4o-mini-2024-07-18"


@cache
def _dataset(n: int) -> Dataset:
    outcome = inspect_file(good_file(n), MODEL)
    assert isinstance(outcome, Dataset)
    return outcome


def make_job(
    *, n: int = 12, outcome: Dataset | JobError | None = None, epochs: int | str = "auto", seed: int = 1
) -> Job:
    return Job(
        id="ftjob-test",
        model=MODEL,
        training_file="file-abc",
        created_at=START,
        organization_id="org-x",
        model_name=f"ft:{MODEL}:personal::abcd1234",
        outcome=outcome or _dataset(n),
        ids=IdMaker(seed),
        timing=Timing(),
        hyperparameters=Hyperparameters(n_epochs=epochs),
    )


def run(job: Job, *, every: float, until: float = 100_000) -> list[str]:
    statuses = [job.status]
    now = START
    while now < START + until and not job.finished:
        now += every
        job.advance(now)
        if statuses[-1] != job.status:
            statuses.append(job.status)
    return statuses


def test_a_good_job_walks_validating_queued_running_succeeded() -> None:
    job = make_job()
    assert run(job, every=1) == ["validating_files", "queued", "running", "succeeded"]
    assert job.fine_tuned_model == job.model_name and job.finished_at is not None
    messages = [e.message for e in job.events]
    assert messages[:4] == [
        "Created fine-tuning job: ftjob-test",
        "Validating training file: file-abc",
        "Files validated, moving job to queued state",
        "Fine-tuning job started",
    ]
    assert messages[-4:] == [
        f"New fine-tuned model created: {job.model_name}",
        "Evaluating model against our usage policies",
        "Usage policy evaluations completed, model is now enabled for sampling",
        "The job has successfully completed",
    ]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=0.5, max_value=400), min_size=1, max_size=30))
def test_polling_often_or_rarely_sees_the_same_history(gaps: list[float]) -> None:
    steady, bursty = make_job(), make_job()
    run(steady, every=1)
    now = START
    for gap in gaps:
        now += gap
        bursty.advance(now)
    bursty.advance(START + 100_000)
    assert [(e.created_at, e.message) for e in bursty.events] == [
        (e.created_at, e.message) for e in steady.events
    ]


def test_events_never_go_back_in_time() -> None:
    job = make_job()
    run(job, every=7)
    times = [e.created_at for e in job.events]
    assert times == sorted(times)


def test_one_metrics_event_per_step_named_like_openais() -> None:
    job = make_job(n=12, epochs=2)
    run(job, every=5)
    metrics = [e for e in job.events if e.type == "metrics"]
    assert len(metrics) == job.steps == 24
    assert metrics[2].message == f"Step 3/24: training loss={job.metrics(3)['train_loss']:.2f}"
    assert metrics[2].data["step"] == 3 and metrics[2].data["total_steps"] == 24


def test_checkpoints_are_kept_for_the_last_epochs_only() -> None:
    job = make_job(n=12, epochs=5)
    run(job, every=5)
    per_epoch = job.steps // 5
    assert [c.step for c in job.checkpoints] == [per_epoch * e for e in range(5 - KEPT_CHECKPOINTS + 1, 6)]
    assert job.checkpoints[-1].model == f"{job.model_name}:ckpt-step-{job.steps}"


def test_auto_epochs_and_trained_tokens_come_from_the_engine() -> None:
    job = make_job(n=10)
    run(job, every=10)
    assert job.hyperparameters.n_epochs == 10  # as a real 10-example job got
    assert job.trained_tokens == _dataset(10).trained_tokens(10)


def test_a_bad_file_fails_the_job_at_the_end_of_validation() -> None:
    error = JobError(
        "invalid_n_examples",
        "Training file has 7 example(s), but must have at least 10 examples",
        "training_file",
    )
    job = make_job(outcome=error)
    assert run(job, every=1) == ["validating_files", "failed"]
    assert job.error == error and job.fine_tuned_model is None and job.trained_tokens is None
    assert job.finished_at == int(START + Timing().validating)
    assert any(e.level == "error" and e.message == error.message for e in job.events)


def test_pausing_freezes_progress_and_resuming_continues_from_the_same_step() -> None:
    job = make_job(n=12, epochs=3)
    now = START
    while job.status != "running" or job.step < 5:
        now += 1
        job.advance(now)
    job.pause(now)
    frozen = job.step
    job.advance(now + 10_000)
    assert (job.status, job.step) == ("paused", frozen)
    job.resume(now + 10_000)
    assert job.status == "queued"
    job.advance(now + 10_000 + Timing().requeued + 0.001)
    assert job.status == "running" and "Fine-tuning job resumed" in [e.message for e in job.events]
    job.advance(now + 50_000)
    assert job.status == "succeeded"
    steps = [e.data["step"] for e in job.events if e.type == "metrics"]
    assert steps == list(range(1, job.steps + 1))


def test_a_job_armed_to_fail_stops_at_that_step() -> None:
    job = make_job(n=12, epochs=3)
    job.fail_at_step = 7
    run(job, every=1)
    assert job.status == "failed" and job.step == 7
    assert job.error is not None and job.error.code == "server_error"
    assert job.fine_tuned_model is None


def test_a_cancelled_job_stays_cancelled() -> None:
    job = make_job()
    job.advance(START + 25)
    job.cancel(START + 25)
    job.advance(START + 100_000)
    assert job.status == "cancelled" and job.fine_tuned_model is None


def test_the_result_file_has_a_row_of_metrics_per_step() -> None:
    job = make_job(n=12, epochs=2)
    run(job, every=5)
    lines = job.results_csv().decode().splitlines()
    assert lines[0] == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
    assert len(lines) == job.steps + 1
    assert lines[1].startswith(f"1,{job.metrics(1)['train_loss']:.5f},")
