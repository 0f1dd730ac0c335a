"""The mock API as graders use it: the ``mock_api`` fixture and the :class:`MockApi` it gives.

One mock server per grader module, on a manual clock; a fresh API key per check, so each check
sees only its own files, jobs, requests and sleeps. A grader hands the learner's code plain
handles (``mock_api.client_handle()``, ``mock_api.sleep_handle()``) and then looks at what
actually reached the server (``mock_api.uploads()``, ``requests()``, ``jobs()``, ``sleeps()``).

Where the server listens is up to the backend that runs the learner's code: it puts a
:data:`MockAddress` in ``config.stash[MOCK_ADDRESS]`` (default :func:`loopback`, TCP on
127.0.0.1). A sandbox without network uses :func:`unix_socket`: the server listens on a Unix
socket inside pytest's temporary folder, and every handle carries that socket's path.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from ftlab.grading.isolation.handles import SDK_RETRIES, SLEEP_LIMIT, mock_sleep, openai_client
from ftlab.grading.isolation.plain_data import Handle

if TYPE_CHECKING:
    from openai import OpenAI

    from ftlab.mock import ManualClock, MockServer
    from ftlab.mock.faults import Fault, JobFault
    from ftlab.mock.files import StoredFile
    from ftlab.mock.jobs import Job
    from ftlab.mock.state import ClockAdvance, RequestRecord

#: ``(config, an empty folder of its own) -> host`` for :class:`~ftlab.mock.MockServer`.
MockAddress = Callable[[pytest.Config, Path], str]
MOCK_ADDRESS = pytest.StashKey[MockAddress]()
#: True once the run has loaded the encodings its checks need (the plugin's warm-up, for learner code
#: run in this process): the mock then does not load every other one in the background.
ENCODINGS_WARMED = pytest.StashKey[bool]()
_MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to 107 bytes on Linux, 103 on macOS


def loopback(config: pytest.Config, folder: Path) -> str:
    """Serve on TCP at 127.0.0.1, a free port: for learner code that runs in this process."""
    return "127.0.0.1"


def unix_socket(config: pytest.Config, folder: Path) -> str:
    """Serve on a Unix socket in ``folder`` (under pytest's basetemp, which a sandbox can share)."""
    path = folder / "api.sock"
    if len(str(path).encode()) > _MAX_SOCKET_PATH:
        raise pytest.UsageError(
            f"the mock API's socket path is too long for a Unix socket ({len(str(path))} bytes): {path}"
        )
    return f"unix://{path}"


class MockApi:
    """One check's view of the mock: its own key, handles for the learner's side, what arrived."""

    def __init__(self, server: MockServer, key: str) -> None:
        self.server, self.key = server, key

    @property
    def clock(self) -> ManualClock:
        return cast("ManualClock", self.server.clock)  # the mock_api fixture serves on a ManualClock

    # --- for the learner's side ---------------------------------------------------------

    def client_handle(self, *, max_retries: int = SDK_RETRIES) -> Handle:
        """An ``openai.OpenAI`` for the learner's code, with this check's key."""
        return openai_client(
            self.server.base_url, self.key, socket=self.server.socket_path, max_retries=max_retries
        )

    def sleep_handle(self, *, limit_seconds: float = SLEEP_LIMIT) -> Handle:
        """A ``sleep(seconds)`` for the learner's code that advances the clock, up to ``limit_seconds``."""
        return mock_sleep(
            self.server.url, self.key, socket=self.server.socket_path, limit_seconds=limit_seconds
        )

    # --- for the grader -----------------------------------------------------------------

    def client(self, **kwargs: Any) -> OpenAI:
        """The grader's own SDK client with this check's key (its calls are logged too)."""
        return self.server.client(self.key, **kwargs)

    def requests(self, method: str | None = None, path: str | None = None) -> list[RequestRecord]:
        """Requests that reached the server with this key, oldest first; optionally one method and path."""
        return [
            r for r in self.server.requests(self.key) if method in (None, r.method) and path in (None, r.path)
        ]

    def uploads(self) -> list[StoredFile]:
        return self.server.uploads(self.key)

    def jobs(self) -> list[Job]:
        return self.server.jobs(self.key)

    def job(self, job_id: str) -> Job:
        """This key's job ``job_id``, brought up to the clock's time."""
        found = [j for j in self.jobs() if j.id == job_id]
        if not found:
            raise LookupError(f"no job {job_id!r} for this check's key")
        return found[0]

    def clock_advances(self) -> list[ClockAdvance]:
        return self.server.clock_advances(self.key)

    def sleeps(self) -> list[float]:
        """The seconds the learner's code asked the sleep handle for, in order."""
        return [a.seconds for a in self.clock_advances()]

    def inject_fault(self, status: int, count: int = 1, **kwargs: Any) -> Fault:
        """The next ``count`` matching calls with this key answer ``status`` (``MockServer.inject_fault``)."""
        return self.server.inject_fault(status, count, api_key=self.key, **kwargs)

    def fail_next_job(self, **kwargs: Any) -> JobFault:
        return self.server.fail_next_job(api_key=self.key, **kwargs)

    def advance(self, seconds: float) -> float:
        """Move the clock without recording a sleep (the grader's own waiting)."""
        return self.clock.advance(seconds)

    def start_job(self, path: str | Path, model: str = "gpt-4o-mini", **create: Any) -> str:
        """Upload ``path`` and create a job with the grader's client; the job's id."""
        client = self.client()
        uploaded = client.files.create(file=Path(path), purpose="fine-tune")
        return client.fine_tuning.jobs.create(training_file=uploaded.id, model=model, **create).id

    def run_to_end(self, job_id: str, *, step: float = 30.0, limit: int = 100_000) -> Job:
        """Advance the clock until the job has finished (no request is logged); the job."""
        for _ in range(limit):
            job = self.job(job_id)
            if job.finished:
                return job
            self.advance(step)
        raise AssertionError(f"job {job_id} did not finish")

    def train(self, path: str | Path, model: str = "gpt-4o-mini", **create: Any) -> str:
        """Fine-tune on ``path`` to the end with the grader's client; the new model's name."""
        job = self.run_to_end(self.start_job(path, model, **create))
        if job.status != "succeeded":
            raise AssertionError(f"the grader's own job {job.id} ended {job.status}: {job.error}")
        assert job.fine_tuned_model is not None
        return job.fine_tuned_model

    def __repr__(self) -> str:
        return f"<MockApi {self.server.base_url} key={self.key}>"


@pytest.fixture(scope="module")
def ftlab_mock_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MockServer]:
    """The mock API on a manual clock, for one grader module, where the backend says to listen.

    Its ids come from a seed named after the grader module, so the job ids and model names a
    learner's feedback quotes are the same every time the same submission is graded. Where the
    run has warmed the encodings its exercises name (:data:`ENCODINGS_WARMED`), the server does not
    load the others in the background.
    """
    from ftlab.mock import ManualClock, MockServer

    config = request.config
    address = config.stash.get(MOCK_ADDRESS, loopback)
    host = address(config, tmp_path_factory.mktemp("mock", numbered=True))
    warmed = config.stash.get(ENCODINGS_WARMED, False)
    seed = request.module.__name__
    with MockServer(clock=ManualClock(), host=host, seed=seed, warm_encodings=not warmed) as server:
        yield server


@pytest.fixture
def mock_api(ftlab_mock_server: MockServer) -> MockApi:
    """The mock API for one check: a fresh key, so nothing from another check is seen."""
    return MockApi(ftlab_mock_server, f"sk-ftlab-{secrets.token_hex(8)}")
