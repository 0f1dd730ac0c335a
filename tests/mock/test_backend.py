"""The training backend seam: the simulated default, and what the server does with any other backend."""

from __future__ import annotations

import threading
import time
from typing import Any

from ftlab.mock import ManualClock, MockServer, ScaledClock
from ftlab.mock.backend import Answer, ChatRequest, SimulatedTraining, TrainingBackend
from ftlab.mock.clock import Clock
from ftlab.mock.jobs import Job
from tests.mock_helpers import finish, good_file, upload


class SlowEcho:
    """A real-time backend whose jobs are simulated ones and whose replies wait until released."""

    name = "slow-echo"
    real_time = True

    def __init__(self) -> None:
        self.release = threading.Event()
        self.asked: list[ChatRequest] = []
        self.closed = 0

    def new_job(self, data: bytes, clock: Clock, **fields: Any) -> Job:
        return Job(**fields)

    def answer(self, request: ChatRequest) -> Answer:
        self.asked.append(request)
        assert self.release.wait(10)
        return Answer(
            f"echo from {request.model}",
            "stop",
            {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        )

    def close(self) -> None:
        self.closed += 1


def test_the_default_backend_is_the_simulated_one_on_a_fast_clock() -> None:
    server = MockServer()

    assert isinstance(server.backend, SimulatedTraining) and isinstance(server.backend, TrainingBackend)
    assert isinstance(server.clock, ScaledClock) and server.clock.speed == 1000


def test_a_real_time_backend_gets_the_wall_clock_unless_a_clock_is_given() -> None:
    assert isinstance(SlowEcho(), TrainingBackend)
    clock = MockServer(backend=SlowEcho()).clock
    assert isinstance(clock, ScaledClock) and clock.speed == 1
    manual = ManualClock()
    assert MockServer(backend=SlowEcho(), clock=manual).clock is manual


def test_a_slow_reply_does_not_hold_up_the_keys_other_requests_and_stopping_closes_the_backend() -> None:
    backend = SlowEcho()
    with MockServer(backend=backend, clock=ManualClock()) as mock:
        client = mock.client()
        job = client.fine_tuning.jobs.create(
            training_file=upload(client, good_file()).id, model="gpt-4o-mini"
        )
        model = finish(mock, client, job.id).fine_tuned_model
        replies: list[Any] = []
        asking = threading.Thread(
            target=lambda: replies.append(
                client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
            )
        )
        asking.start()
        for _ in range(200):
            if backend.asked:
                break
            time.sleep(0.01)

        impatient = mock.client(timeout=2.0, max_retries=0)  # times out if the reply held the key's lock
        assert [j.id for j in impatient.fine_tuning.jobs.list()] == [job.id]
        backend.release.set()
        asking.join(10)
        assert (
            replies[0].choices[0].message.content == f"echo from {model}"
            and replies[0].usage.total_tokens == 3
        )
        assert (
            backend.asked[0].job is not None
            and backend.asked[0].job.id == job.id
            and backend.asked[0].snapshot == "gpt-4o-mini-2024-07-18"
        )
    assert backend.closed == 1
