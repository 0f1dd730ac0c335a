"""The ``mock_api`` fixture: one server per module, a fresh key per check, and where it listens."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from ftlab.grading.isolation.plain_data import from_plain, to_plain
from ftlab.grading.mock_api import MockApi, unix_socket
from ftlab.mock import ManualClock, running_mock
from tests.paths import DATA

CHECKS = """
import json
from pathlib import Path
from ftlab.grading.isolation.plain_data import from_plain, to_plain

SEEN = []

def learner_side(handle):
    return from_plain(json.loads(json.dumps(to_plain(handle))))

def test_one(mock_api):
    SEEN.append((id(mock_api.server), mock_api.key))
    learner_side(mock_api.client_handle()).files.list()
    assert [str(r) for r in mock_api.requests()] == ["GET /v1/files -> 200"]

def test_two(mock_api):
    SEEN.append((id(mock_api.server), mock_api.key))
    assert mock_api.requests() == []
    learner_side(mock_api.sleep_handle())(12)
    assert mock_api.sleeps() == [12.0]

def test_the_server_is_shared_and_the_keys_are_not():
    (server_one, key_one), (server_two, key_two) = SEEN
    assert server_one == server_two and key_one != key_two

def test_where_it_listens(mock_api):
    Path("where.txt").write_text(repr(mock_api.server.socket_path) + " " + mock_api.server.base_url)
"""


def test_each_check_gets_its_own_key_on_the_modules_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_checks=CHECKS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)
    socket, base_url = (pytester.path / "where.txt").read_text().split(" ")
    assert socket == "None" and base_url.startswith("http://127.0.0.1:")


def test_a_backend_can_make_the_mock_listen_on_a_unix_socket_in_basetemp(pytester: pytest.Pytester) -> None:
    basetemp = Path(tempfile.mkdtemp(prefix="ftlab-bt-")) / "pytest"  # short: Unix socket paths are limited
    pytester.makeconftest(
        "from ftlab.grading.mock_api import MOCK_ADDRESS, unix_socket\n"
        "def pytest_configure(config):\n"
        "    config.stash[MOCK_ADDRESS] = unix_socket\n"
    )
    pytester.makepyfile(test_checks=CHECKS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--basetemp={basetemp}").assert_outcomes(
        passed=4
    )
    socket, base_url = (pytester.path / "where.txt").read_text().split(" ")
    try:
        assert Path(eval(socket)).parent.parent == basetemp and base_url == "http://localhost/v1"
    finally:
        shutil.rmtree(basetemp.parent)


def test_a_socket_path_too_long_for_unix_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(pytest.UsageError, match="too long for a Unix socket"):
        unix_socket(None, tmp_path / ("x" * 120))  # type: ignore[arg-type]


@pytest.fixture
def api():
    with running_mock(clock=ManualClock()) as server:
        yield MockApi(server, "sk-check")


def test_the_handles_carry_the_checks_key(api: MockApi) -> None:
    client = from_plain(to_plain(api.client_handle(max_retries=0)))
    assert (client.api_key, client.max_retries) == ("sk-check", 0)
    assert from_plain(to_plain(api.sleep_handle(limit_seconds=5))).limit == 5


def test_train_runs_a_job_to_the_end_and_names_the_model(api: MockApi) -> None:
    model = api.train(DATA / "support_tickets.jsonl", suffix="triage")
    assert model.startswith("ft:gpt-4o-mini-2024-07-18:personal:triage:")
    assert [str(r) for r in api.requests()] == ["POST /v1/files -> 200", "POST /v1/fine_tuning/jobs -> 200"]
    assert api.sleeps() == [], "the grader's own waiting is not a sleep of the learner's"


def test_train_says_why_when_the_graders_own_job_fails(api: MockApi) -> None:
    with pytest.raises(AssertionError, match="invalid_training_file"):
        api.train(DATA / "broken.jsonl")


def test_faults_and_failures_stay_with_the_checks_key(api: MockApi) -> None:
    api.inject_fault(500, 1)
    api.fail_next_job(at_step=1)
    other = api.server.client("sk-other", max_retries=0)
    assert other.models.list().data
    job_id = MockApi(api.server, "sk-other").start_job(DATA / "support_tickets.jsonl")
    assert MockApi(api.server, "sk-other").run_to_end(job_id).status == "succeeded"
    assert api.run_to_end(api.start_job(DATA / "support_tickets.jsonl")).status == "failed"
    assert [r.status for r in api.requests()][0] == 500


def test_job_finds_only_the_checks_own_jobs(api: MockApi) -> None:
    job_id = MockApi(api.server, "sk-other").start_job(DATA / "support_tickets.jsonl")
    with pytest.raises(LookupError, match="no job"):
        api.job(job_id)
