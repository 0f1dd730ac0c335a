"""The HTTP server: keys, routing, models, headers, isolation per key, and many threads at once."""

from __future__ import annotations

import threading

import httpx2
import openai
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.tokens.models import supported_models
from tests.mock_helpers import finish, good_file, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def test_a_request_without_a_key_gets_openais_401(mock: MockServer) -> None:
    response = httpx2.get(f"{mock.base_url}/models")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["message"].startswith(
        "You didn't provide an API key. You need to provide your API key in an Authorization header"
    )
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", None, None)


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "", "sk-no-scheme"])
def test_a_malformed_authorization_header_counts_as_no_key(mock: MockServer, header: str) -> None:
    response = httpx2.get(f"{mock.base_url}/models", headers={"Authorization": header})
    assert response.status_code == 401 and response.json()["error"]["code"] is None


def test_a_key_with_spaces_is_an_incorrect_key(mock: MockServer) -> None:
    with pytest.raises(openai.AuthenticationError) as caught:
        mock.client("two words").models.list()
    assert caught.value.code == "invalid_api_key"


def test_a_server_limited_to_some_keys_refuses_others() -> None:
    with running_mock(clock=ManualClock(), api_keys=["sk-class-1"]) as mock:
        assert mock.client("sk-class-1").models.list().data
        with pytest.raises(openai.AuthenticationError, match="Incorrect API key provided"):
            mock.client("sk-other").models.list()


def test_an_unknown_path_is_openais_invalid_url(mock: MockServer) -> None:
    response = httpx2.post(f"{mock.base_url}/fine_tunes", headers={"Authorization": "Bearer k"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (POST /v1/fine_tunes)"


def test_a_wrong_method_is_an_invalid_url_too(mock: MockServer) -> None:
    response = httpx2.delete(f"{mock.base_url}/fine_tuning/jobs", headers={"Authorization": "Bearer k"})
    assert response.status_code == 404 and "Invalid URL (DELETE /v1/fine_tuning/jobs)" in response.text


def test_a_body_that_is_not_json_is_refused(mock: MockServer) -> None:
    response = httpx2.post(
        f"{mock.base_url}/fine_tuning/jobs",
        headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
        content=b"{nope",
    )
    assert (
        response.status_code == 400 and "could not parse the JSON body" in response.json()["error"]["message"]
    )


def test_responses_carry_a_request_id_the_sdk_reads(mock: MockServer) -> None:
    raw = mock.client().models.with_raw_response.list()
    assert raw.request_id and raw.request_id.startswith("req_")
    assert raw.headers["openai-processing-ms"].isdigit()


def test_health_needs_no_key(mock: MockServer) -> None:
    response = httpx2.get(f"{mock.url}/_mock/health")
    assert response.json() == {"status": "ok", "base_url": mock.base_url}


def test_the_models_list_is_the_engines_fine_tunable_models(mock: MockServer) -> None:
    assert [m.id for m in mock.client().models.list()] == supported_models()


def test_a_fine_tuned_model_can_be_retrieved_and_deleted_once(mock: MockServer) -> None:
    client = mock.client()
    job = client.fine_tuning.jobs.create(training_file=upload(client, good_file()).id, model="gpt-4o-mini")
    assert job.fine_tuned_model is None
    name = finish(mock, client, job.id).fine_tuned_model
    model = client.models.retrieve(name)
    assert (model.id, model.owned_by) == (name, mock.key_state().organization_id)
    assert client.models.delete(name).deleted is True
    assert name not in [m.id for m in client.models.list()]
    with pytest.raises(openai.NotFoundError):
        client.models.delete(name)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model=name, messages=[{"role": "user", "content": "hi"}])


def test_a_base_model_cannot_be_deleted(mock: MockServer) -> None:
    with pytest.raises(openai.PermissionDeniedError):
        mock.client().models.delete("gpt-4o-mini")


def test_an_unknown_model_cannot_be_retrieved(mock: MockServer) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        mock.client().models.retrieve("gpt-9")
    assert caught.value.code == "model_not_found"


def test_the_request_log_is_kept_per_key(mock: MockServer) -> None:
    mock.client("a").models.list()
    mock.client("b").files.list(limit=3)
    assert [str(r) for r in mock.requests("a")] == ["GET /v1/models -> 200"]
    (entry,) = mock.requests("b")
    assert (entry.path, entry.query, entry.at) == ("/v1/files", {"limit": "3"}, mock.clock.now())


def test_failed_requests_are_logged_with_their_status(mock: MockServer) -> None:
    with pytest.raises(openai.NotFoundError):
        mock.client().files.retrieve("file-x")
    assert [str(r) for r in mock.requests()] == ["GET /v1/files/file-x -> 404"]


def test_many_threads_with_many_keys_each_see_only_their_own_work(mock: MockServer) -> None:
    problems: list[str] = []
    data = good_file(10)

    def work(key: str) -> None:
        client = mock.client(key)
        try:
            made = [upload(client, data, f"{key}-{i}.jsonl").id for i in range(5)]
            job = client.fine_tuning.jobs.create(training_file=made[0], model="gpt-4o-mini")
            listed = [f.id for f in client.files.list()]
            if sorted(listed) != sorted(made):
                problems.append(f"{key} saw {listed}")
            if [j.id for j in client.fine_tuning.jobs.list()] != [job.id]:
                problems.append(f"{key} saw other jobs")
        except Exception as error:  # noqa: BLE001 - reported below
            problems.append(f"{key}: {error!r}")

    threads = [threading.Thread(target=work, args=(f"key-{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert sorted(mock.state.keys()) == sorted(f"key-{i}" for i in range(8))


def test_many_threads_on_one_key_lose_no_upload(mock: MockServer) -> None:
    client = mock.client()
    threads = [
        threading.Thread(target=lambda i=i: upload(client, good_file(1), f"{i}.jsonl")) for i in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(client.files.list().data) == 16
    assert len({f.id for f in mock.uploads()}) == 16


def test_a_stopped_server_no_longer_answers() -> None:
    with running_mock() as mock:
        url = f"{mock.url}/_mock/health"
        assert httpx2.get(url).status_code == 200
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(url)


def test_the_default_clock_finishes_a_job_in_wall_seconds() -> None:
    with running_mock() as mock:
        client = mock.client()
        job = client.fine_tuning.jobs.create(
            training_file=upload(client, good_file()).id, model="gpt-4o-mini"
        )
        import time

        for _ in range(500):
            if client.fine_tuning.jobs.retrieve(job.id).status == "succeeded":
                break
            time.sleep(0.01)
        assert client.fine_tuning.jobs.retrieve(job.id).status == "succeeded"
