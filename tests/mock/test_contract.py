"""Every endpoint, driven by the real openai SDK, answers in JSON that OpenAI's own OpenAPI schema accepts."""

from __future__ import annotations

import json

import openai
import pytest

from ftlab.mock import ManualClock, running_mock
from tests.mock_helpers import assert_matches, finish, good_file, jsonl, with_paused_status

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _json(raw) -> object:
    assert raw.headers["content-type"].startswith("application/json")
    return json.loads(raw.text)


def test_every_endpoint_answers_in_the_shape_of_openais_schema() -> None:
    with running_mock(clock=ManualClock(), seed=7) as mock:
        client = mock.client()
        files = client.files.with_raw_response
        jobs = client.fine_tuning.jobs.with_raw_response

        created = files.create(file=("train.jsonl", good_file(12)), purpose="fine-tune")
        assert_matches("OpenAIFile", _json(created))
        file_id = created.parse().id
        files.create(file=("notes.txt", b"hello"), purpose="user_data")
        assert_matches("OpenAIFile", _json(files.retrieve(file_id)))
        assert_matches("ListFilesResponse", _json(files.list()))
        assert files.content(file_id).content == good_file(12)

        job = jobs.create(training_file=file_id, model="gpt-4o-mini", suffix="marv", metadata={"lab": "4"})
        assert_matches("FineTuningJob", _json(job))
        job_id = job.parse().id
        mock.clock.advance(45)  # validated and queued
        assert_matches("FineTuningJob", _json(jobs.retrieve(job_id)))
        assert_matches("ListPaginatedFineTuningJobsResponse", _json(jobs.list(limit=5)))
        mock.clock.advance(20)  # running
        paused = jobs.pause(job_id)
        assert_matches("FineTuningJob", _json(paused), replace=with_paused_status())
        assert paused.parse().status == "paused"
        resumed = jobs.resume(job_id)
        assert_matches("FineTuningJob", _json(resumed))
        assert resumed.parse().status == "queued"

        done = finish(mock, client, job_id)
        assert done.status == "succeeded"
        assert_matches("FineTuningJob", _json(jobs.retrieve(job_id)))
        assert_matches("ListFineTuningJobEventsResponse", _json(jobs.list_events(job_id, limit=100)))
        assert_matches(
            "ListFineTuningJobCheckpointsResponse",
            _json(client.fine_tuning.jobs.checkpoints.with_raw_response.list(job_id)),
        )
        result = done.result_files[0]
        assert_matches("OpenAIFile", _json(files.retrieve(result)))

        models = client.models.with_raw_response
        assert_matches("ListModelsResponse", _json(models.list()))
        assert_matches("Model", _json(models.retrieve("gpt-4o-mini")))
        assert_matches("Model", _json(models.retrieve(done.fine_tuned_model)))

        chats = client.chat.completions.with_raw_response
        for model in ("gpt-4o-mini", done.fine_tuned_model):
            answer = chats.create(
                model=model, messages=[{"role": "user", "content": "What is fact number 3 about the Moon?"}]
            )
            assert_matches("CreateChatCompletionResponse", _json(answer))

        other = jobs.create(training_file=file_id, model="gpt-4o-mini")
        assert_matches("FineTuningJob", _json(jobs.cancel(other.parse().id)))

        assert_matches("DeleteModelResponse", _json(models.delete(done.fine_tuned_model)))
        assert_matches("DeleteFileResponse", _json(files.delete(file_id)))


def test_streamed_chat_chunks_match_the_stream_schema() -> None:
    with running_mock(clock=ManualClock()) as mock:
        raw = mock.client().chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hello there"}], stream=True
        )
        assert raw.headers["content-type"].startswith("text/event-stream")
        text = raw.http_response.read().decode()
        events = [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        chunks = [json.loads(e) for e in events[:-1]]
        for chunk in chunks:
            assert_matches("CreateChatCompletionStreamResponse", chunk)
        assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks).startswith(
            "This is gpt-4o-mini"
        )


def test_error_bodies_match_the_error_schema() -> None:
    with running_mock(clock=ManualClock()) as mock:
        client = mock.client(max_retries=0)
        failures = [
            lambda: client.files.retrieve("file-nope"),
            lambda: client.fine_tuning.jobs.retrieve("ftjob-nope"),
            lambda: client.models.retrieve("gpt-9"),
            lambda: client.fine_tuning.jobs.create(training_file="file-nope", model="gpt-4o-mini"),
            lambda: client.chat.completions.create(
                model="gpt-9", messages=[{"role": "user", "content": "hi"}]
            ),
            lambda: mock.client(api_key="not a key").models.list(),
        ]
        statuses = []
        for call in failures:
            with pytest.raises(openai.APIStatusError) as caught:
                call()
            assert_matches("ErrorResponse", caught.value.response.json())
            statuses.append(caught.value.status_code)
        assert statuses == [404, 404, 404, 400, 404, 401]


def test_an_empty_file_list_still_names_its_ends() -> None:
    with running_mock(clock=ManualClock()) as mock:
        page = mock.client().files.with_raw_response.list()
        body = _json(page)
        assert body == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_jobs_on_a_bad_file_fail_with_an_error_object_the_schema_accepts() -> None:
    with running_mock(clock=ManualClock()) as mock:
        client = mock.client()
        bad = client.files.create(
            file=("bad.jsonl", jsonl([{"messages": [{"role": "user", "content": "hi"}]}] * 12)),
            purpose="fine-tune",
        )
        job = finish(
            mock, client, client.fine_tuning.jobs.create(training_file=bad.id, model="gpt-4o-mini").id
        )
        assert job.status == "failed"
        assert_matches(
            "FineTuningJob", json.loads(client.fine_tuning.jobs.with_raw_response.retrieve(job.id).text)
        )


def test_the_contract_check_rejects_a_job_without_its_status() -> None:
    with running_mock(clock=ManualClock()) as mock:
        client = mock.client()
        file_id = client.files.create(file=("train.jsonl", good_file(12)), purpose="fine-tune").id
        body = json.loads(
            client.fine_tuning.jobs.with_raw_response.create(training_file=file_id, model="gpt-4o-mini").text
        )
    del body["status"]
    with pytest.raises(AssertionError, match="'status' is a required property"):
        assert_matches("FineTuningJob", body)
