"""Every endpoint, driven by the real openai SDK, answers in JSON that OpenAI's own OpenAPI schema accepts."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import openai
import pytest

from ftlab.mock import ManualClock, running_mock
from tests.mock.make_openapi_subset import OPERATIONS
from tests.mock_helpers import assert_matches, finish, good_file, jsonl, spec_path, with_paused_status
from tests.paths import ROOT

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


# --- property-based requests from the spec (schemathesis) -------------------------------

SUBSET = Path(__file__).resolve().parent / "openapi_subset.yml"

#: Where the mock deliberately differs from OpenAI's spec, or the spec is wrong (docs/mock.md lists
#: the same). Each is applied to the spec below before schemathesis generates from it.
SPEC_QUIRKS: dict[str, str] = {
    "paused-status": "FineTuningJob.status lacks 'paused', though pause/resume exist and OpenAI answers it",
    "empty-list-ends": "ListFilesResponse.first_id/last_id are strings in the spec; OpenAI sends null on an "
    "empty page, as the mock does",
    "evals-purpose": "OpenAIFile.purpose lacks 'evals', which the upload's FilePurpose accepts",
    "only-200-documented": "operations document only 200; OpenAI (and the mock) answer 400/401/403/404 in "
    "the ErrorResponse shape, which the suite checks instead",
    "raw-file-content": "GET /files/{file_id}/content is declared application/json but is the raw file",
    "nullable": "OpenAPI 3.0's 'nullable: true' appears in this 3.1 file; rewritten as a null type when "
    "vendored (tests/mock/make_openapi_subset.py)",
    "chat-request-schema": "CreateChatCompletionRequest is a recursive allOf schemathesis cannot generate "
    "from; the suite sends a reduced request (model, the spec's messages, n, max_completion_tokens, "
    "stream, stream_options), models the mock serves, at most 1,000,000 completion tokens and n <= 4 "
    "(schemathesis reads only the first events of a stream; the SDK-driven tests above read whole streams)",
    "stored-completions": "stored chat completions (GET /chat/completions and below) are not served",
    "event-stream-envelope": "schemathesis checks a text/event-stream event's envelope against the chunk "
    "schema; the suite checks each event's data (a chunk) against CreateChatCompletionStreamResponse itself",
}

#: Requests per operation and generation mode (positive and negative); derandomized.
EXAMPLES = 12


@functools.cache
def _patched_spec() -> dict:
    """The vendored subset with :data:`SPEC_QUIRKS` applied."""
    yaml = pytest.importorskip("yaml")
    spec = yaml.load(SUBSET.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    schemas = spec["components"]["schemas"]
    schemas["FineTuningJob"]["properties"]["status"]["enum"].append("paused")  # paused-status
    for end in ("first_id", "last_id"):  # empty-list-ends
        schemas["ListFilesResponse"]["properties"][end]["type"] = ["string", "null"]
    schemas["OpenAIFile"]["properties"]["purpose"]["enum"].append("evals")  # evals-purpose
    content = spec["paths"]["/files/{file_id}/content"]["get"]["responses"]["200"][
        "content"
    ]  # raw-file-content
    content["application/octet-stream"] = {"schema": {"type": "string"}}
    del content["application/json"]
    chat = spec["paths"]["/chat/completions"]["post"]["requestBody"]["content"]["application/json"]
    chat["schema"] = {  # chat-request-schema
        "type": "object",
        "required": ["model", "messages"],
        "properties": {
            "model": {"enum": ["gpt-4o-mini", "gpt-4.1-nano"]},
            "messages": {
                "type": "array",
                "minItems": 1,
                "maxItems": 3,
                "items": {"$ref": "#/components/schemas/ChatCompletionRequestMessage"},
            },
            "n": {"type": ["integer", "null"], "minimum": 1, "maximum": 4},
            "max_completion_tokens": {"type": ["integer", "null"], "minimum": 1, "maximum": 1_000_000},
            "stream": {"type": ["boolean", "null"]},
            "stream_options": {"$ref": "#/components/schemas/ChatCompletionStreamOptions"},
        },
    }
    return spec


def test_the_vendored_subset_is_what_the_script_makes_from_openais_spec() -> None:
    from tests.mock import make_openapi_subset

    path = spec_path()
    if path is None:
        pytest.skip("OpenAI's full spec is not here; the vendored subset is used as it is")
    yaml = pytest.importorskip("yaml")
    full = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    vendored = yaml.load(
        SUBSET.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    assert make_openapi_subset.subset(full) == vendored


def test_every_spec_quirk_is_applied_and_documented() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    doc = (ROOT / "docs" / "mock.md").read_text(encoding="utf-8")
    for name in SPEC_QUIRKS:
        assert f"# {name}" in source or name in ("only-200-documented", "nullable", "stored-completions")
        assert f"`{name}`" in doc, f"docs/mock.md does not list the quirk {name}"


@functools.cache
def _schema() -> Any:
    schemathesis = pytest.importorskip("schemathesis")
    return schemathesis.openapi.from_dict(_patched_spec())


def _check(operation: Any, case: Any, response: Any) -> None:
    """No 5xx; an error in OpenAI's shape; a success in the spec's shape."""
    from schemathesis.specs.openapi.checks import response_schema_conformance

    assert response.status_code < 500, f"{operation.label}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
        assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
        assert isinstance(body["error"]["type"], str), body
        return
    if "text/event-stream" in str(response.headers.get("content-type")):  # event-stream-envelope
        # schemathesis reads only a stream's first events: each complete one must be a chunk
        complete = response.text.split("\n\n")[:-1]
        events = [event[len("data: ") :] for event in complete if event.startswith("data: ")]
        assert events, response.text[:300]
        for event in events:
            if event != "[DONE]":
                _assert_spec("CreateChatCompletionStreamResponse", json.loads(event))
        return
    case.validate_response(response, checks=[response_schema_conformance])


def _assert_spec(name: str, payload: Any) -> None:
    from jsonschema import Draft202012Validator

    root = {"$ref": f"#/components/schemas/{name}", "components": _patched_spec()["components"]}
    problems = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in Draft202012Validator(root).iter_errors(payload)
    ]
    assert not problems, f"{name}: {problems[:3]}"


@pytest.fixture(scope="module")
def fuzzed_mock():
    with running_mock(clock=ManualClock(), seed=11) as mock:
        mock.client().files.create(file=("train.jsonl", good_file(12)), purpose="fine-tune")
        yield mock


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_generated_requests_never_get_a_5xx_and_every_answer_has_openais_shape(
    fuzzed_mock, path: str, method: str, mode: str
) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    from schemathesis import GenerationMode

    operation = _schema()[path][method.upper()]
    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(base_url=fuzzed_mock.base_url, headers={"Authorization": "Bearer sk-contract"})
        _check(operation, case, response)

    run()
