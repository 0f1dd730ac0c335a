"""Handles: an OpenAI client, a sleep, a repeated value and an unencodable one.

Each crosses as plain data and is rebuilt where learner code runs.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys

import openai
import pytest

from ftlab.grading.isolation import handles
from ftlab.grading.isolation.handles import (
    MockSleep,
    SleepLimitExceeded,
    Unserializable,
    mock_sleep,
    openai_client,
    repeated,
    unserializable,
)
from ftlab.grading.isolation.plain_data import from_plain, to_plain
from ftlab.mock import ManualClock, MockServer, running_mock
from tests.paths import ROOT


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def rebuilt(handle):
    """What the learner's side gets: the handle through JSON and back."""
    return from_plain(json.loads(json.dumps(to_plain(handle))))


def test_an_openai_client_handle_becomes_a_client_that_reaches_the_mock_with_its_key(mock) -> None:
    client = rebuilt(openai_client(mock.base_url, "sk-learner"))
    assert isinstance(client, openai.OpenAI)
    assert client.files.list().data == []
    assert [str(r) for r in mock.requests("sk-learner")] == ["GET /v1/files -> 200"]
    assert mock.requests() == []


def test_an_openai_client_handle_can_go_over_a_unix_socket(tmp_path) -> None:
    with MockServer(host=f"unix://{tmp_path / 'api.sock'}", clock=ManualClock()) as mock:
        client = rebuilt(openai_client(mock.base_url, "sk-learner", socket=mock.socket_path))
        assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
        assert [str(r) for r in mock.requests("sk-learner")] == ["GET /v1/models/gpt-4o-mini -> 200"]


def test_the_client_retries_as_the_sdk_does_unless_told_otherwise(mock) -> None:
    mock.inject_fault(429, 2, api_key="sk-learner")
    assert rebuilt(openai_client(mock.base_url, "sk-learner")).models.list().data
    mock.inject_fault(429, 1, api_key="sk-learner")
    with pytest.raises(openai.RateLimitError):
        rebuilt(openai_client(mock.base_url, "sk-learner", max_retries=0)).models.list()


def test_a_sleep_handle_moves_the_mock_clock_by_exactly_what_it_is_asked(mock) -> None:
    sleep = rebuilt(mock_sleep(mock.url, "sk-learner"))
    start = mock.clock.now()
    sleep(30)
    sleep(0.5)
    assert mock.clock.now() == start + 30.5
    assert sleep.calls == [30.0, 0.5]
    assert [a.seconds for a in mock.clock_advances("sk-learner")] == [30.0, 0.5]


@pytest.mark.parametrize(
    ("seconds", "error"), [(-1, ValueError), (float("nan"), ValueError), ("30", TypeError), (True, TypeError)]
)
def test_a_sleep_handle_refuses_what_time_sleep_refuses_and_leaves_the_clock(mock, seconds, error) -> None:
    sleep = MockSleep(mock.url, "sk-learner")
    start = mock.clock.now()
    with pytest.raises(error):
        sleep(seconds)
    assert mock.clock.now() == start and mock.clock_advances("sk-learner") == []


def test_a_sleep_past_the_limit_is_refused_and_no_except_exception_can_swallow_it(mock) -> None:
    sleep = MockSleep(mock.url, "sk-learner", limit_seconds=60)
    sleep(30)
    sleep(30)
    start = mock.clock.now()
    with pytest.raises(SleepLimitExceeded, match=r"asked for 90 s in all over 3 calls, more than the 60 s"):
        try:
            sleep(30)
        except Exception:  # noqa: BLE001 - what a learner's retry-everything loop does
            pytest.fail("SleepLimitExceeded was caught by 'except Exception'")
    assert mock.clock.now() == start


def test_a_sleep_handle_says_so_when_the_mock_clock_runs_by_itself() -> None:
    with running_mock() as mock, pytest.raises(RuntimeError, match=r"would not advance its clock \(400\)"):
        MockSleep(mock.url, "sk-learner")(1)


def test_handles_rebuilt_in_another_process_reach_the_mock(mock) -> None:
    plain = json.dumps(
        [to_plain(openai_client(mock.base_url, "sk-child")), to_plain(mock_sleep(mock.url, "sk-child"))]
    )
    script = (
        "import json, sys\n"
        "import ftlab.grading.isolation.handles\n"
        "from ftlab.grading.isolation.plain_data import from_plain\n"
        "client, sleep = from_plain(json.loads(sys.argv[1]))\n"
        "client.files.list()\n"
        "sleep(45)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = mock.clock.now()
    subprocess.run([sys.executable, "-c", script, plain], check=True, env=env, timeout=60)
    assert mock.clock.now() == start + 45
    assert [str(r) for r in mock.requests("sk-child")] == ["GET /v1/files -> 200"]


def test_repeated_sends_one_value_and_builds_the_list():
    example = {"messages": [{"role": "user", "content": "hi"}]}
    plain = to_plain([repeated(example, 30_000)])
    assert len(repr(plain)) < 200
    (built,) = from_plain(plain)
    assert len(built) == 30_000 and built[0] == example and built[-1] == example


@pytest.mark.parametrize("count", [-1, 2.0, True, "3"])
def test_repeated_refuses_a_count_that_is_not_a_whole_number(count):
    with pytest.raises(ValueError, match="count must be an integer"):
        repeated("x", count)


def test_unserializable_is_built_as_a_value_json_cannot_encode():
    (value,) = from_plain(to_plain([unserializable()]))
    assert isinstance(value, Unserializable)


def _tls_of(client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # httpx's transport, then httpcore's pool


@pytest.mark.parametrize(
    "url, socket", [("http://127.0.0.1:9/v1", None), ("http://api.test/v1", "/tmp/x.sock")]
)
@pytest.mark.parametrize("sdk", [True, False])
def test_a_client_of_plain_http_loads_no_certificates_it_could_never_use(url, socket, sdk) -> None:
    tls = _tls_of(handles._pool(url, socket, sdk=sdk))
    assert tls.cert_store_stats()["x509_ca"] == 0


@pytest.mark.parametrize("sdk", [True, False])
def test_a_client_of_an_https_endpoint_still_verifies_certificates(sdk) -> None:
    tls = _tls_of(handles._pool("https://api.example.com/v1", None, sdk=sdk))
    assert tls.verify_mode == ssl.CERT_REQUIRED and tls.check_hostname
    assert tls.cert_store_stats()["x509_ca"] > 0


def test_closing_the_pools_closes_each_pooled_client_and_forgets_it():
    clients = [handles._pool(f"http://127.0.0.1:{port}/v1", None, sdk=False) for port in (9, 10)]
    assert not any(client.is_closed for client in clients)
    handles.close_pools()
    assert all(client.is_closed for client in clients)
    assert handles._pool("http://127.0.0.1:9/v1", None, sdk=False) is not clients[0], "a fresh one after"
    handles.close_pools()
