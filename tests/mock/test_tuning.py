"""The fine-tuning jobs endpoints through the real openai SDK: create, list, act, events, checkpoints."""

from __future__ import annotations

import openai
import pytest

from ftlab.mock import ManualClock, MockServer, running_mock
from tests.mock_helpers import example, finish, good_file, jsonl, upload


@pytest.fixture
def mock():
    with running_mock(clock=ManualClock(), seed=11) as server:
        yield server


def _job(mock: MockServer, *, n: int = 12, key: str = "sk-ftlab-test", **params):
    client = mock.client(key)
    file_id = upload(client, good_file(n)).id
    return client, client.fine_tuning.jobs.create(
        training_file=file_id, model=params.pop("model", "gpt-4o-mini"), **params
    )


def test_a_job_runs_to_a_usable_model_named_like_openais(mock: MockServer) -> None:
    client, job = _job(mock, suffix="marv")
    assert job.status == "validating_files" and job.model == "gpt-4o-mini-2024-07-18"
    done = finish(mock, client, job.id)
    assert done.status == "succeeded"
    assert done.fine_tuned_model.startswith("ft:gpt-4o-mini-2024-07-18:personal:marv:")
    assert len(done.fine_tuned_model.rsplit(":", 1)[1]) == 8
    assert done.trained_tokens > 0 and done.hyperparameters.n_epochs == 8  # auto epochs for 12 examples
    assert done.fine_tuned_model in [m.id for m in client.models.list()]


def test_without_a_suffix_the_name_has_an_empty_field(mock: MockServer) -> None:
    client, job = _job(mock)
    name = finish(mock, client, job.id).fine_tuned_model
    assert name.startswith("ft:gpt-4o-mini-2024-07-18:personal::")


def test_the_org_name_goes_into_model_names() -> None:
    with running_mock(clock=ManualClock(), org="my-org") as mock:
        client, job = _job(mock, suffix="custom-suffix")
        assert ":my-org:custom-suffix:" in finish(mock, client, job.id).fine_tuned_model


def test_the_create_parameters_reach_the_server_as_sent(mock: MockServer) -> None:
    _job(mock, suffix="s", hyperparameters={"n_epochs": 3}, seed=42)
    create = [r for r in mock.requests() if r.path == "/v1/fine_tuning/jobs" and r.method == "POST"][0]
    assert (
        create.body["suffix"] == "s"
        and create.body["hyperparameters"] == {"n_epochs": 3}
        and create.body["seed"] == 42
    )


def test_epochs_given_in_method_are_used(mock: MockServer) -> None:
    client, job = _job(
        mock,
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2, "batch_size": 4}}},
    )
    done = finish(mock, client, job.id)
    assert (done.hyperparameters.n_epochs, done.hyperparameters.batch_size) == (2, 4)
    assert done.method.supervised.hyperparameters.n_epochs == 2


def test_the_result_file_is_a_csv_of_step_metrics(mock: MockServer) -> None:
    client, job = _job(mock, hyperparameters={"n_epochs": 1})
    done = finish(mock, client, job.id)
    result = client.files.retrieve(done.result_files[0])
    assert (result.purpose, result.filename) == ("fine-tune-results", "step_metrics.csv")
    rows = client.files.content(result.id).text.splitlines()
    assert rows[0].startswith("step,train_loss") and len(rows) == 1 + 12


def test_events_come_newest_first_and_page_with_after(mock: MockServer) -> None:
    client, job = _job(mock, hyperparameters={"n_epochs": 1})
    finish(mock, client, job.id)
    everything = list(client.fine_tuning.jobs.list_events(job.id, limit=100))
    assert everything[0].message == "The job has successfully completed"
    assert everything[-1].message == f"Created fine-tuning job: {job.id}"
    first = client.fine_tuning.jobs.list_events(job.id, limit=3)
    assert first.has_more and [e.id for e in first.data] == [e.id for e in everything[:3]]
    after = client.fine_tuning.jobs.list_events(job.id, limit=3, after=first.data[-1].id)
    assert [e.id for e in after.data] == [e.id for e in everything[3:6]]
    assert [e.id for e in client.fine_tuning.jobs.list_events(job.id, limit=4)] == [e.id for e in everything]


def test_checkpoints_list_newest_first_with_their_model_names(mock: MockServer) -> None:
    client, job = _job(mock, hyperparameters={"n_epochs": 4})
    finish(mock, client, job.id)
    checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id)
    assert [c.step_number for c in checkpoints.data] == [48, 36, 24]
    assert all(
        c.id.startswith("ftckpt_") and c.fine_tuned_model_checkpoint.endswith(f":ckpt-step-{c.step_number}")
        for c in checkpoints.data
    )
    page = client.fine_tuning.jobs.checkpoints.list(job.id, limit=1, after=checkpoints.data[0].id)
    assert [c.step_number for c in page.data] == [36] and page.has_more


def test_jobs_list_newest_first_and_page_with_after(mock: MockServer) -> None:
    client = mock.client()
    file_id = upload(client, good_file()).id
    ids = [client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini").id for _ in range(5)]
    first = client.fine_tuning.jobs.list(limit=2)
    assert [j.id for j in first.data] == ids[::-1][:2] and first.has_more
    assert [j.id for j in client.fine_tuning.jobs.list(limit=2, after=ids[2]).data] == [ids[1], ids[0]]
    assert [j.id for j in client.fine_tuning.jobs.list(limit=2)] == ids[::-1]


def test_jobs_list_filters_by_metadata(mock: MockServer) -> None:
    client = mock.client()
    file_id = upload(client, good_file()).id
    tagged = client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini", metadata={"lab": "4"})
    client.fine_tuning.jobs.create(training_file=file_id, model="gpt-4o-mini")
    assert [j.id for j in client.fine_tuning.jobs.list(metadata={"lab": "4"})] == [tagged.id]


def test_cancel_stops_a_job_for_good(mock: MockServer) -> None:
    client, job = _job(mock)
    cancelled = client.fine_tuning.jobs.cancel(job.id)
    assert cancelled.status == "cancelled"
    mock.clock.advance(100_000)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "cancelled"
    with pytest.raises(openai.BadRequestError, match="cannot be cancelled"):
        client.fine_tuning.jobs.cancel(job.id)


def test_pause_and_resume_move_a_running_job_through_paused_and_queued(mock: MockServer) -> None:
    client, job = _job(mock)
    with pytest.raises(openai.BadRequestError, match="only a running job can be paused"):
        client.fine_tuning.jobs.pause(job.id)
    mock.clock.advance(60)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "running"
    assert client.fine_tuning.jobs.pause(job.id).status == "paused"
    mock.clock.advance(10_000)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "paused"
    with pytest.raises(openai.BadRequestError, match="it is 'paused'"):
        client.fine_tuning.jobs.pause(job.id)
    assert client.fine_tuning.jobs.resume(job.id).status == "queued"
    assert finish(mock, client, job.id).status == "succeeded"


def test_resuming_a_job_that_is_not_paused_is_refused(mock: MockServer) -> None:
    client, job = _job(mock)
    with pytest.raises(openai.BadRequestError, match="only a paused job can be resumed"):
        client.fine_tuning.jobs.resume(job.id)


def test_a_job_on_too_few_examples_fails_with_invalid_n_examples(mock: MockServer) -> None:
    client, job = _job(mock, n=7)
    failed = finish(mock, client, job.id)
    assert failed.status == "failed" and failed.fine_tuned_model is None
    assert (failed.error.code, failed.error.param) == ("invalid_n_examples", "training_file")
    assert failed.error.message == "Training file has 7 example(s), but must have at least 10 examples"


def test_a_job_on_a_broken_file_fails_naming_the_example(mock: MockServer) -> None:
    client = mock.client()
    records = [example(i) for i in range(12)]
    del records[9]["messages"][2]  # no assistant reply
    job = client.fine_tuning.jobs.create(training_file=upload(client, jsonl(records)).id, model="gpt-4o-mini")
    failed = finish(mock, client, job.id)
    assert failed.error.code == "invalid_training_file"
    assert failed.error.message.startswith(
        "The job failed due to an invalid training file. Invalid file format. Example 10"
    )
    events = [e.message for e in client.fine_tuning.jobs.list_events(job.id)]
    assert failed.error.message in events


@pytest.mark.parametrize(
    ("params", "code", "param", "words"),
    [
        (
            {"model": "gpt-9"},
            "model_not_available",
            "model",
            "Model gpt-9 is not available for fine-tuning or does not exist.",
        ),
        (
            {"hyperparameters": {"n_epochs": 51}},
            "integer_above_max_value",
            "hyperparameters.n_epochs",
            "Expected a value <= 50",
        ),
        (
            {"hyperparameters": {"n_epochs": 0}},
            "integer_below_min_value",
            "hyperparameters.n_epochs",
            "Expected a value >= 1",
        ),
        (
            {"hyperparameters": {"batch_size": 300}},
            "integer_above_max_value",
            "hyperparameters.batch_size",
            "<= 256",
        ),
        (
            {"hyperparameters": {"learning_rate_multiplier": 0}},
            "decimal_below_min_value",
            "hyperparameters.learning_rate_multiplier",
            "> 0",
        ),
        (
            {"hyperparameters": {"n_epochs": "3"}},
            "invalid_type",
            "hyperparameters.n_epochs",
            "expected an integer or 'auto'",
        ),
        (
            {"method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 99}}}},
            "integer_above_max_value",
            "method.supervised.hyperparameters.n_epochs",
            "<= 50",
        ),
        (
            {"suffix": "x" * 65},
            "string_above_max_length",
            "suffix",
            "maximum length 64, but got a string with length 65",
        ),
        ({"suffix": ""}, "string_below_min_length", "suffix", "minimum length 1"),
        ({"seed": -1}, "integer_below_min_value", "seed", ">= 0"),
        ({"metadata": {"k": 1}}, "invalid_type", "metadata", "expected an object of strings"),
    ],
)
def test_bad_parameters_are_refused_with_400_naming_the_parameter(
    mock: MockServer, params: dict, code: str, param: str, words: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        _job(mock, **params)
    assert (caught.value.code, caught.value.param) == (code, param)
    assert words in caught.value.message
    assert mock.jobs() == []


def test_a_suffix_of_64_characters_is_fine(mock: MockServer) -> None:
    _, job = _job(mock, suffix="x" * 64)
    assert job.user_provided_suffix == "x" * 64


def test_an_unknown_training_file_is_refused(mock: MockServer) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        mock.client().fine_tuning.jobs.create(training_file="file-nope", model="gpt-4o-mini")
    assert (caught.value.param, caught.value.code) == ("training_file", "invalid_training_file")


def test_a_file_uploaded_for_another_purpose_is_refused(mock: MockServer) -> None:
    client = mock.client()
    other = upload(client, good_file(), purpose="user_data")
    with pytest.raises(openai.BadRequestError, match="purpose 'fine-tune'") as caught:
        client.fine_tuning.jobs.create(training_file=other.id, model="gpt-4o-mini")
    assert caught.value.param == "training_file"


def test_a_validation_file_adds_validation_loss(mock: MockServer) -> None:
    client = mock.client()
    train, valid = upload(client, good_file(12)).id, upload(client, good_file(10), "valid.jsonl").id
    job = client.fine_tuning.jobs.create(
        training_file=train, validation_file=valid, model="gpt-4o-mini", hyperparameters={"n_epochs": 1}
    )
    finish(mock, client, job.id)
    step = next(e for e in client.fine_tuning.jobs.list_events(job.id) if e.type == "metrics")
    assert ", validation loss=" in step.message and "valid_loss" in step.data


def test_a_fine_tuned_model_can_be_tuned_again(mock: MockServer) -> None:
    client, job = _job(mock, suffix="one")
    first = finish(mock, client, job.id).fine_tuned_model
    again = client.fine_tuning.jobs.create(
        training_file=upload(client, good_file()).id, model=first, suffix="two"
    )
    assert again.model == first
    assert finish(mock, client, again.id).fine_tuned_model.startswith(
        "ft:gpt-4o-mini-2024-07-18:personal:two:"
    )


@pytest.mark.parametrize("call", ["retrieve", "cancel", "pause", "resume", "list_events"])
def test_unknown_job_ids_are_404(mock: MockServer, call: str) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        getattr(mock.client().fine_tuning.jobs, call)("ftjob-nope")
    assert caught.value.param == "fine_tuning_job_id"


def test_one_key_never_sees_another_keys_jobs(mock: MockServer) -> None:
    _, job = _job(mock, key="key-a")
    other = mock.client("key-b")
    assert list(other.fine_tuning.jobs.list()) == []
    with pytest.raises(openai.NotFoundError):
        other.fine_tuning.jobs.retrieve(job.id)


def test_someone_elses_fine_tuned_model_cannot_be_tuned(mock: MockServer) -> None:
    client, job = _job(mock, key="owner")
    name = finish(mock, client, job.id).fine_tuned_model
    with pytest.raises(openai.BadRequestError) as caught:
        _job(mock, key="stranger", model=name)
    assert caught.value.code == "model_not_available"
