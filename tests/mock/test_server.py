"""The HTTP server: its route table, headers, isolation per key, many threads at once, stopping, its clock."""

from __future__ import annotations

import threading

import httpx2
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from ftlab.mock.api import ROUTES
from tests.mock_helpers import good_file, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def test_a_server_answers_from_the_mocks_route_table() -> None:
    assert MockServer().router.routes == ROUTES


def test_responses_carry_a_request_id_the_sdk_reads(mock: MockServer) -> None:
    raw = mock.client().models.with_raw_response.list()
    assert raw.request_id and raw.request_id.startswith("req_")
    assert raw.headers["openai-processing-ms"].isdigit()


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


@pytest.mark.parametrize("warm", [True, False])
def test_a_server_loads_every_encoding_in_the_background_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, warm: bool
) -> None:
    from ftlab.mock import server as server_module

    started: list[bool] = []
    monkeypatch.setattr(server_module, "warm_in_background", lambda: started.append(True))
    with MockServer(clock=ManualClock(), warm_encodings=warm) as mock:
        mock.client().models.list()
        mock.client().models.list()
    assert started == ([True] if warm else [])


def test_the_servers_own_client_builds_no_tls_context_for_plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    built: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def spy(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        built.append(args)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", spy)
    with MockServer(clock=ManualClock()) as mock:
        assert mock.client().models.list().data
    assert built == []
