"""``running_mock``: a fresh server on a free loopback port per ``with`` block."""

from __future__ import annotations

import openai

from ftlab.mock import DEFAULT_KEY, ManualClock, MockServer, running_mock
from tests.mock_helpers import good_file, upload


def test_the_mock_listens_on_loopback_at_a_v1_base_url() -> None:
    with running_mock() as mock:
        assert mock.base_url == f"http://127.0.0.1:{mock.port}/v1" and mock.port > 0


def test_two_mocks_at_once_get_their_own_ports_and_state() -> None:
    with running_mock(clock=ManualClock()) as one, running_mock(clock=ManualClock()) as two:
        assert one.port != two.port
        upload(one.client(), good_file())
        assert len(one.uploads()) == 1 and two.uploads() == []


def test_the_clock_given_is_the_clock_used() -> None:
    clock = ManualClock(start=1_700_000_000)
    with running_mock(clock=clock) as mock:
        assert mock.clock is clock
        assert upload(mock.client(), good_file()).created_at == 1_700_000_000


def test_an_sdk_client_configured_only_by_environment_reaches_the_mock(monkeypatch) -> None:
    with running_mock(clock=ManualClock()) as mock:
        monkeypatch.setenv("OPENAI_BASE_URL", mock.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "any-key")
        assert openai.OpenAI().files.list().data == []
        assert [str(r) for r in mock.requests("any-key")] == ["GET /v1/files -> 200"]


def test_the_default_client_key_is_the_default_state_key() -> None:
    with running_mock(clock=ManualClock()) as mock:
        upload(mock.client(), good_file())
        assert mock.key_state(DEFAULT_KEY).files and mock.requests(DEFAULT_KEY)


def test_a_seed_makes_ids_reproducible() -> None:
    ids = []
    for _ in range(2):
        with running_mock(clock=ManualClock(), seed=99) as mock:
            ids.append(upload(mock.client(), good_file()).id)
    assert ids[0] == ids[1] and ids[0].startswith("file-") and len(ids[0]) == len("file-") + 22


def test_the_mock_can_serve_on_a_unix_socket(tmp_path) -> None:
    path = tmp_path / "mock.sock"
    with MockServer(host=f"unix://{path}", clock=ManualClock()) as mock:
        assert mock.socket_path == str(path) and path.exists()
        upload(mock.client(), good_file())
        assert [f.filename for f in mock.client().files.list()] == ["train.jsonl"]
    assert not path.exists()
