"""Injected failures: 429/5xx for the next N calls (as the SDK's retries see them), jobs failing mid-run."""

from __future__ import annotations

import openai
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.mock.faults import Fault, JobFault, arm_failure
from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import HALF_WAY, MID_RUN_FAILURE, Job, Timing
from ftlab.mock.training import inspect_file
from tests.mock_helpers import finish, good_file, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def test_two_429s_are_absorbed_by_the_sdks_two_retries(mock: MockServer) -> None:
    mock.inject_fault(429, 2)
    raw = mock.client().models.with_raw_response.list()
    assert raw.retries_taken == 2 and raw.status_code == 200
    assert [r.status for r in mock.requests()] == [429, 429, 200]


def test_three_429s_reach_code_that_uses_the_sdk_defaults(mock: MockServer) -> None:
    mock.inject_fault(429, 3)
    with pytest.raises(openai.RateLimitError) as caught:
        mock.client().models.list()
    assert caught.value.code == "rate_limit_exceeded"
    assert mock.client().models.list().data  # the fault is used up


def test_a_500_without_retries_is_an_internal_server_error(mock: MockServer) -> None:
    mock.inject_fault(500)
    with pytest.raises(openai.InternalServerError) as caught:
        mock.client(max_retries=0).files.list()
    assert caught.value.body["type"] == "server_error"


def test_a_fault_hits_only_the_calls_it_names(mock: MockServer) -> None:
    mock.inject_fault(503, 1, method="POST", path="/v1/fine_tuning/jobs")
    client = mock.client(max_retries=0)
    file_id = upload(client, good_file()).id
    client.fine_tuning.jobs.list()
    with pytest.raises(openai.InternalServerError):
        client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini")
    assert (
        client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini").status
        == "validating_files"
    )


def test_a_fault_for_one_key_leaves_other_keys_alone(mock: MockServer) -> None:
    mock.inject_fault(500, 1, api_key="a")
    assert mock.client("b", max_retries=0).models.list().data
    with pytest.raises(openai.InternalServerError):
        mock.client("a", max_retries=0).models.list()


def test_a_fault_without_a_key_hits_whoever_calls_next(mock: MockServer) -> None:
    mock.inject_fault(429)
    with pytest.raises(openai.RateLimitError):
        mock.client("anyone", max_retries=0).models.list()


def test_the_retry_delay_header_is_what_the_sdk_waits(mock: MockServer) -> None:
    mock.inject_fault(429, retry_after_ms=1)
    with pytest.raises(openai.RateLimitError) as caught:
        mock.client(max_retries=0).models.list()
    assert caught.value.response.headers["retry-after-ms"] == "1"


@pytest.mark.parametrize(("status", "count"), [(200, 1), (429, 0), (600, 1)])
def test_a_fault_must_be_an_error_status_for_at_least_one_call(status: int, count: int) -> None:
    with pytest.raises(ValueError):
        Fault(status, count)


def test_the_next_job_can_be_made_to_fail_half_way(mock: MockServer) -> None:
    mock.fail_next_job()
    client = mock.client()
    job = client.fine_tuning.jobs.create(
        training_file=upload(client, good_file()).id, model="gpt-4o-mini", hyperparameters={"n_epochs": 2}
    )
    failed = finish(mock, client, job.id)
    assert failed.status == "failed" and failed.fine_tuned_model is None
    assert failed.error.code == "server_error" and "error while training" in failed.error.message
    steps = [
        e.data["step"] for e in client.fine_tuning.jobs.list_events(job.id, limit=100) if e.type == "metrics"
    ]
    assert max(steps) == 11  # failed at step 12 of 24
    assert failed.fine_tuned_model not in [m.id for m in client.models.list()]


def test_a_job_fault_is_used_once(mock: MockServer) -> None:
    mock.fail_next_job(at_step=1)
    client = mock.client()
    file_id = upload(client, good_file()).id
    first = client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini")
    second = client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini")
    assert finish(mock, client, first.id).status == "failed"
    assert finish(mock, client, second.id).status == "succeeded"


def test_a_running_job_can_be_failed_at_its_next_step(mock: MockServer) -> None:
    client = mock.client()
    job = client.fine_tuning.jobs.create(training_file=upload(client, good_file()).id, model="gpt-4o-mini")
    mock.clock.advance(60)
    running = client.fine_tuning.jobs.retrieve(job.id)
    assert running.status == "running"
    mock.fail_job(job.id)
    assert finish(mock, client, job.id).status == "failed"


def _job() -> Job:
    model = "gpt-4o-mini-2024-07-18"
    return Job(
        id="ftjob-armed",
        model=model,
        training_file="file-x",
        created_at=0.0,
        organization_id="org-x",
        model_name=f"ft:{model}:personal::abcd1234",
        outcome=inspect_file(good_file(), model),
        ids=IdMaker(1),
        timing=Timing(),
    )


def test_a_job_fault_without_a_step_fails_a_job_half_way_once_its_steps_are_known() -> None:
    job = _job()
    arm_failure(job, JobFault())
    assert job.fail_at_step == HALF_WAY and job.failure == MID_RUN_FAILURE
    job.advance(100_000.0)
    assert job.status == "failed" and job.step == job.steps // 2


def test_a_job_fault_step_is_at_least_one_and_next_step_means_the_coming_one() -> None:
    job = _job()
    arm_failure(job, JobFault(at_step=0))
    assert job.fail_at_step == 1
    job.step = 4
    arm_failure(job, JobFault(), next_step=True)
    assert job.fail_at_step == 5


def test_a_job_fault_message_and_code_replace_the_default_failure_one_by_one() -> None:
    job = _job()
    arm_failure(job, JobFault(message="GPU on fire"))
    assert (job.failure.code, job.failure.message) == (MID_RUN_FAILURE.code, "GPU on fire")
    arm_failure(job, JobFault(code="oom"))
    assert (job.failure.code, job.failure.message) == ("oom", "GPU on fire")
