"""The mock's own endpoints under /_mock/: health, faults, failing a job, the clock, the request log."""

from __future__ import annotations

import httpx2
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from tests.mock_helpers import finish, good_file, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def _admin(mock: MockServer, method: str, path: str, key: str = "sk-ftlab-test", **kwargs) -> httpx2.Response:
    return httpx2.request(
        method, f"{mock.url}/_mock/{path}", headers={"Authorization": f"Bearer {key}"}, **kwargs
    )


def test_health_needs_no_key(mock: MockServer) -> None:
    response = httpx2.get(f"{mock.url}/_mock/health")
    assert response.json() == {"status": "ok", "base_url": mock.base_url}


def test_faults_can_be_injected_over_http_with_your_own_key(mock: MockServer) -> None:
    added = _admin(mock, "POST", "faults", json={"status": 429, "count": 2})
    assert added.status_code == 200 and added.json()["count"] == 2
    assert [f["status"] for f in _admin(mock, "GET", "faults").json()["data"]] == [429]
    assert mock.client().models.with_raw_response.list().retries_taken == 2
    assert _admin(mock, "GET", "faults").json()["data"] == []


def test_faults_over_http_can_be_cleared_and_are_checked(mock: MockServer) -> None:
    _admin(mock, "POST", "faults", json={"status": 500, "count": 5})
    assert _admin(mock, "DELETE", "faults").json() == {"deleted": True}
    assert mock.client(max_retries=0).models.list().data
    refused = _admin(mock, "POST", "faults", json={"status": 200})
    assert refused.status_code == 400 and "400-599" in refused.json()["error"]["message"]


def test_the_admin_endpoints_need_a_key(mock: MockServer) -> None:
    assert httpx2.post(f"{mock.url}/_mock/faults", json={"status": 429}).status_code == 401


def test_the_next_job_fault_over_http_takes_a_step_and_message(mock: MockServer) -> None:
    _admin(mock, "POST", "job_faults", json={"at_step": 3, "message": "GPU on fire", "code": "server_error"})
    client = mock.client()
    job = client.fine_tuning.jobs.create(training_file=upload(client, good_file()).id, model="gpt-4o-mini")
    failed = finish(mock, client, job.id)
    assert (failed.error.message, failed.error.code) == ("GPU on fire", "server_error")


def test_a_job_can_be_failed_over_http(mock: MockServer) -> None:
    client = mock.client()
    job = client.fine_tuning.jobs.create(training_file=upload(client, good_file()).id, model="gpt-4o-mini")
    assert _admin(mock, "POST", f"jobs/{job.id}/fail", json={"at_step": 2}).status_code == 200
    assert finish(mock, client, job.id).status == "failed"
    assert _admin(mock, "POST", "jobs/ftjob-nope/fail", json={}).status_code == 404


def test_a_manual_clock_can_be_advanced_over_http(mock: MockServer) -> None:
    before = mock.clock.now()
    moved = _admin(mock, "POST", "clock", json={"advance": 90})
    assert moved.json() == {"now": before + 90, "manual": True}
    assert _admin(mock, "POST", "clock", json={"advance": -5}).status_code == 400


def test_each_keys_clock_advances_are_kept_in_order_with_its_requests(mock: MockServer) -> None:
    start = mock.clock.now()
    _admin(mock, "POST", "clock", json={"advance": 30})
    mock.client().files.list()
    _admin(mock, "POST", "clock", json={"advance": 15.5})
    _admin(mock, "POST", "clock", key="someone-else", json={"advance": 1})
    kept = [(a.seconds, a.at, a.after_requests) for a in mock.clock_advances()]
    assert kept == [(30.0, start, 0), (15.5, start + 30, 1)]
    assert [a.seconds for a in mock.clock_advances("someone-else")] == [1.0]


def test_a_running_clock_cannot_be_advanced_over_http() -> None:
    with running_mock() as mock:
        assert _admin(mock, "POST", "clock", json={"advance": 90}).status_code == 400
        assert _admin(mock, "GET", "clock").json()["manual"] is False


def test_the_request_log_can_be_read_over_http(mock: MockServer) -> None:
    mock.client().files.list()
    entries = _admin(mock, "GET", "requests").json()["data"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [("GET", "/v1/files", 200)]


def test_the_mocks_own_calls_stay_out_of_the_request_log(mock: MockServer) -> None:
    _admin(mock, "POST", "faults", json={"status": 429})
    _admin(mock, "DELETE", "faults")
    assert mock.requests() == []


@pytest.mark.parametrize("status", [True, 429.0, "429", None])
def test_a_fault_status_must_be_a_json_integer(mock: MockServer, status: object) -> None:
    refused = _admin(mock, "POST", "faults", json={"status": status})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_type"
    assert _admin(mock, "GET", "faults").json()["data"] == []


@pytest.mark.parametrize("at_step", [True, 0, 1.5, "3"])
def test_a_job_fault_step_must_be_an_integer_of_at_least_one(mock: MockServer, at_step: object) -> None:
    refused = _admin(mock, "POST", "job_faults", json={"at_step": at_step})
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "at_step"


@pytest.mark.parametrize("advance", [True, "60", None])
def test_the_clock_advances_only_by_a_number(mock: MockServer, advance: object) -> None:
    before = mock.clock.now()
    assert _admin(mock, "POST", "clock", json={"advance": advance}).status_code == 400
    assert mock.clock.now() == before


def test_the_clock_reads_as_manual_with_its_time(mock: MockServer) -> None:
    assert _admin(mock, "GET", "clock").json() == {"now": mock.clock.now(), "manual": True}
