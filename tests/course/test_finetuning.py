"""The engine's own fine-tuning client: submit, follow a job event by event, ask; errors that say why."""

from __future__ import annotations

import pytest

from ftlab.course.finetuning import JobFailed, JobTimedOut, ask, follow, new_events, submit
from ftlab.mock import ManualClock, MockServer, running_mock
from tests.paths import DATA

TICKETS = DATA / "support_tickets.jsonl"


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock()) as server:
        yield server


def test_submit_uploads_the_file_for_fine_tuning_and_creates_the_job(mock: MockServer) -> None:
    uploaded, job = submit(mock.client(), TICKETS, "gpt-4o-mini", suffix="triage", n_epochs=2)
    stored = mock.uploads()
    assert [(f.id, f.purpose, f.data) for f in stored] == [(uploaded.id, "fine-tune", TICKETS.read_bytes())]
    body = mock.requests()[-1].body
    assert body["training_file"] == uploaded.id and body["suffix"] == "triage"
    assert body["method"] == {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}}
    assert "hyperparameters" not in body and job.status == "validating_files"


def test_follow_hands_over_every_event_once_oldest_first(mock: MockServer) -> None:
    client = mock.client()
    _, job = submit(client, TICKETS, "gpt-4o-mini")
    seen: list[str] = []
    done = follow(
        client, job.id, poll_seconds=7, sleep=mock.clock.sleep, on_event=lambda e: seen.append(e.id)
    )
    everything = [e.id for e in client.fine_tuning.jobs.list_events(job.id, limit=100)][::-1]
    assert done.status == "succeeded" and done.fine_tuned_model
    assert seen == everything and len(everything) > 100  # more than one page of events


def test_new_events_are_only_those_not_seen_yet(mock: MockServer) -> None:
    client = mock.client()
    _, job = submit(client, TICKETS, "gpt-4o-mini")
    seen: set[str] = set()
    first = new_events(client, job.id, seen)
    assert [e.message for e in first][:2] == [
        f"Created fine-tuning job: {job.id}",
        f"Validating training file: {job.training_file}",
    ]
    assert new_events(client, job.id, seen) == []
    mock.clock.advance(25)
    assert [e.message for e in new_events(client, job.id, seen)] == [
        "Files validated, moving job to queued state"
    ]


def test_a_failed_job_raises_with_the_apis_reason(mock: MockServer) -> None:
    client = mock.client()
    mock.fail_next_job(at_step=3, message="Loss went NaN.", code="server_error")
    _, job = submit(client, TICKETS, "gpt-4o-mini")
    with pytest.raises(JobFailed) as caught:
        follow(client, job.id, sleep=mock.clock.sleep)
    assert str(caught.value) == f"fine-tuning job {job.id} failed: server_error: Loss went NaN."
    assert isinstance(caught.value, RuntimeError)


def test_a_cancelled_job_raises_saying_so(mock: MockServer) -> None:
    client = mock.client()
    _, job = submit(client, TICKETS, "gpt-4o-mini")
    client.fine_tuning.jobs.cancel(job.id)
    with pytest.raises(JobFailed, match="was cancelled before it made a model"):
        follow(client, job.id, sleep=mock.clock.sleep)


def test_waiting_stops_at_the_timeout_counting_the_time_slept(mock: MockServer) -> None:
    client = mock.client()
    _, job = submit(client, TICKETS, "gpt-4o-mini")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        mock.clock.advance(seconds)

    with pytest.raises(JobTimedOut, match=rf"{job.id} is still \w+ after 50 s") as caught:
        follow(client, job.id, poll_seconds=20, timeout_seconds=50, sleep=sleep)
    assert slept == [20, 20, 10] and isinstance(caught.value, TimeoutError)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_api_is_waited_out(mock: MockServer, status: int) -> None:
    client = mock.client(max_retries=0)
    _, job = submit(client, TICKETS, "gpt-4o-mini")
    mock.inject_fault(status, 2, method="GET", path=f"/v1/fine_tuning/jobs/{job.id}")
    assert follow(client, job.id, sleep=mock.clock.sleep).status == "succeeded"
    assert [r.status for r in mock.requests() if r.method == "GET"][:2] == [status, status]


def test_ask_sends_the_system_prompt_first_and_returns_the_reply(mock: MockServer) -> None:
    client = mock.client()
    answer = ask(client, "gpt-4o-mini", "Is the API up?", system="You triage emails.")
    assert mock.requests()[-1].body["messages"] == [
        {"role": "system", "content": "You triage emails."},
        {"role": "user", "content": "Is the API up?"},
    ]
    assert "Is the API up?" in answer and "base model" in answer
