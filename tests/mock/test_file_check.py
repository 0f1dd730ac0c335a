"""A job's files are checked in the background: the answer and the key's other requests never wait."""

from __future__ import annotations

import threading

import pytest

from ftlab.mock import ManualClock, running_mock
from ftlab.mock.file_check import CHECK_FAILED, FileCheck
from ftlab.mock.training import JobError
from tests.mock_helpers import good_file, upload


class _StepClock:
    """A clock that runs by itself, one second per reading."""

    def __init__(self) -> None:
        self.t = 100.0

    def now(self) -> float:
        self.t += 1
        return self.t


def test_a_check_that_raises_fails_the_job_instead_of_hanging_it() -> None:
    def broken():
        raise RuntimeError("bug")

    check = FileCheck(broken, ManualClock(), 5.0)
    assert check.wait(10)
    assert check.outcomes == (CHECK_FAILED, None)


def test_on_a_manual_clock_a_check_counts_as_instant() -> None:
    clock = ManualClock(start=50.0)
    error = JobError("invalid_training_file", "bad", "training_file")
    check = FileCheck(lambda: (error, None), clock, 50.0)
    assert check.wait(10)
    assert check.finished_at == 50.0 and check.outcomes == (error, None)


def test_on_a_running_clock_a_check_ends_when_it_really_ended() -> None:
    check = FileCheck(lambda: (JobError("x", "y"), None), _StepClock(), 100.0)
    assert check.wait(10)
    assert check.finished_at > 100.0


def test_creating_a_job_answers_while_its_file_is_still_being_checked(monkeypatch) -> None:
    from ftlab.mock import tuning

    release, started = threading.Event(), threading.Event()
    real = tuning.inspect_file

    def slow(data, model, **kwargs):
        started.set()
        assert release.wait(30)
        return real(data, model, **kwargs)

    monkeypatch.setattr(tuning, "inspect_file", slow)
    with running_mock(clock=ManualClock()) as mock:
        client = mock.client(max_retries=0, timeout=20)
        file_id = upload(client, good_file(12)).id
        job = client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini")
        assert job.status == "validating_files"
        assert started.wait(10)
        # the check is blocked: the same key's list is answered (the key's lock is free)
        listed = client.fine_tuning.jobs.list()
        assert [(j.id, j.status) for j in listed.data] == [(job.id, "validating_files")]
        release.set()
        mock.clock.advance(45)
        assert client.fine_tuning.jobs.retrieve(job.id).status == "queued"


@pytest.mark.parametrize("advance", [0, 19])
def test_a_job_stays_validating_until_its_validation_time(advance: float) -> None:
    with running_mock(clock=ManualClock()) as mock:
        client = mock.client()
        job = client.fine_tuning.jobs.create(
            training_file=upload(client, good_file(12)).id, model="gpt-4o-mini"
        )
        mock.clock.advance(advance)
        assert client.fine_tuning.jobs.retrieve(job.id).status == "validating_files"
