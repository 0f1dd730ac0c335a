"""Everything the mock remembers, kept apart per API key: the registry, one key's state, the request log."""

from __future__ import annotations

import hashlib

import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.mock.errors import ApiError
from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import Job, Timing
from ftlab.mock.state import ClockAdvance, KeyState, Registry, RequestRecord
from ftlab.mock.training import inspect_file
from tests.mock_helpers import good_file


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def _job(ids: IdMaker) -> Job:
    outcome = inspect_file(good_file(), "gpt-4o-mini-2024-07-18")
    return Job(
        id=ids.job(),
        model="gpt-4o-mini-2024-07-18",
        training_file="file-x",
        created_at=0.0,
        organization_id="org-x",
        model_name="ft:gpt-4o-mini-2024-07-18:personal::abc",
        outcome=outcome,
        ids=ids,
        timing=Timing(),
    )


def test_one_key_gets_one_state_and_an_organisation_named_from_its_hash() -> None:
    registry = Registry()
    first = registry.get("sk-a")
    assert registry.get("sk-a") is first and registry.get("sk-b") is not first
    assert first.organization_id == "org-" + hashlib.sha256(b"sk-a").hexdigest()[:24]
    assert registry.keys() == ["sk-a", "sk-b"]


def test_unknown_files_and_jobs_are_openais_404s() -> None:
    state = KeyState("sk-a", "org-a")
    with pytest.raises(ApiError) as missing_file:
        state.file("file-nope")
    with pytest.raises(ApiError) as missing_job:
        state.job("ftjob-nope")
    assert (missing_file.value.status, missing_file.value.param) == (404, "id")
    assert (missing_job.value.status, missing_job.value.code) == (404, "job_not_found")


def test_a_succeeded_job_publishes_its_model_and_result_file_once_synced() -> None:
    ids = IdMaker(seed=1)
    state = KeyState("sk-a", "org-a")
    job = _job(ids)
    state.jobs[job.id] = job
    state.sync(10.0, ids)
    assert state.models == {} and state.files == {}
    state.sync(100_000.0, ids)
    assert job.status == "succeeded"
    (result,) = state.files.values()
    assert job.result_files == [result.id] and result.purpose == "fine-tune-results"
    model = state.fine_tuned(job.model_name)
    assert model is not None and (model.job_id, model.owned_by) == (job.id, "org-a")


def test_a_checkpoint_name_finds_its_model_and_other_names_do_not() -> None:
    ids = IdMaker(seed=2)
    state = KeyState("sk-a", "org-a")
    job = _job(ids)
    state.jobs[job.id] = job
    state.sync(100_000.0, ids)
    checkpoint = job.checkpoints[-1].model
    assert state.fine_tuned(checkpoint) is state.models[job.model_name]
    assert state.fine_tuned(f"{job.model_name}:ckpt-step-999999") is None
    assert state.fine_tuned("gpt-4o-mini") is None


def test_a_request_record_reads_as_method_path_and_status() -> None:
    record = RequestRecord("POST", "/v1/files", {}, {"purpose": "fine-tune"}, 200, 1.0)
    assert str(record) == "POST /v1/files -> 200"
    assert ClockAdvance(30.0, 5.0, 2).after_requests == 2


def test_the_request_log_is_kept_per_key(mock: MockServer) -> None:
    mock.client("a").models.list()
    mock.client("b").files.list(limit=3)
    assert [str(r) for r in mock.requests("a")] == ["GET /v1/models -> 200"]
    (entry,) = mock.requests("b")
    assert (entry.path, entry.query, entry.at) == ("/v1/files", {"limit": "3"}, mock.clock.now())
