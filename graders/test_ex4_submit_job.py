"""Grader for exercise 4: submit a fine-tuning job, wait for it, ask the new model.

The learner's code gets a real ``openai.OpenAI`` client and a ``sleep`` as handles, both
pointed at ftlab's mock API on a manual clock (the ``mock_api`` fixture, a fresh API key per
check). The checks then look at what actually reached the server (the bytes uploaded and their
purpose, the job's parameters, every poll and every sleep) rather than trusting return values.

PYTEST_DONT_REWRITE: a failed check says what its message says, nothing more, so two gradings of
one submission give the same feedback (pytest's explanations show reprs: addresses, temp paths).
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from ftlab.grading.outcomes import StudentCodeError, raised_as

DATA = Path(__file__).resolve().parents[1] / "data" / "support_tickets.jsonl"
MODEL = "gpt-4o-mini-2024-07-18"
POLL = 30.0
TIMEOUT = 3600.0
JOB_FAILURE = "Training diverged at step 5: the loss became NaN. (ftlab grader)"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """The sample training file, copied where the learner's code can read it."""
    path = tmp_path / "support_tickets.jsonl"
    shutil.copyfile(DATA, path)
    return path


@pytest.fixture
def examples(dataset: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines()]


def error_from(call: Callable[..., Any], *args: Any, **kwargs: Any) -> BaseException | None:
    """What the learner's function raised, or None if it returned; unfinished stubs and hangs propagate."""
    try:
        call(*args, **kwargs)
    except (NotImplementedError, StudentCodeError):
        raise
    except Exception as error:  # noqa: BLE001 - the check inspects whatever was raised
        if getattr(error, "type_name", "") == "SleepLimitExceeded":
            raise
        return error
    return None


def wait(
    exercise: Any,
    mock_api: Any,
    job_id: str,
    *,
    poll: float = POLL,
    timeout: float = TIMEOUT,
    retries: int = 2,
) -> Any:
    """Call the learner's wait_for_job with the mock's client and sleep (limited to twice the timeout)."""
    return exercise.wait_for_job(
        mock_api.client_handle(max_retries=retries),
        job_id,
        poll_seconds=poll,
        timeout_seconds=timeout,
        sleep=mock_api.sleep_handle(limit_seconds=2 * timeout),
    )


def polls(mock_api: Any, job_id: str) -> list[Any]:
    return mock_api.requests("GET", f"/v1/fine_tuning/jobs/{job_id}")


def said(error: BaseException | None) -> str:
    return (
        "it returned instead"
        if error is None
        else f"it raised {getattr(error, 'type_name', type(error).__name__)}: {message(error)}"
    )


def message(error: BaseException) -> str:
    """The learner's own message (an error rebuilt from a child keeps it apart from its class)."""
    return str(getattr(error, "ftlab_message", None) or error)


# Task 1: submit_job ---------------------------------------------------------------------------


def submit(exercise: Any, mock_api: Any, path: Path, **options: Any) -> tuple[Any, BaseException | None]:
    returned: list[Any] = []
    error = error_from(
        lambda: returned.append(exercise.submit_job(mock_api.client_handle(), str(path), MODEL, **options))
    )
    return (returned[0] if returned else None), error


def created_job(mock_api: Any, error: BaseException | None) -> Any:
    jobs = mock_api.jobs()
    assert jobs, f"no fine-tuning job was created ({said(error)})"
    assert len(jobs) == 1, f"one call to submit_job created {len(jobs)} jobs; create exactly one"
    return jobs[0]


def create_body(mock_api: Any) -> dict[str, Any]:
    calls = mock_api.requests("POST", "/v1/fine_tuning/jobs")
    assert calls, "no request to create a job reached the server"
    return calls[-1].body


@pytest.mark.points(
    2,
    task=1,
    hint="upload the file at path exactly as it is: client.files.create(file=Path(path), purpose=...)",
)
def test_the_file_is_uploaded_byte_for_byte(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset)
    uploads = mock_api.uploads()
    assert uploads, f"no file reached the server ({said(error)})"
    assert len(uploads) == 1, f"{len(uploads)} files were uploaded for one job; upload the training file once"
    assert uploads[0].data == dataset.read_bytes(), (
        "the bytes that arrived are not the file's bytes: send the file unchanged"
    )
    assert uploads[0].filename.endswith(".jsonl"), (
        f"the upload is named {uploads[0].filename!r}; the API wants a .jsonl name"
    )


@pytest.mark.points(
    2,
    task=1,
    hint=(
        "a training file must be uploaded with purpose='fine-tune'"
        " (files for other purposes can't be trained on)"
    ),
)
def test_the_upload_has_purpose_fine_tune(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset)
    uploads = mock_api.uploads()
    assert uploads, f"no file reached the server ({said(error)})"
    assert uploads[0].purpose == "fine-tune", (
        f"the file was uploaded with purpose {uploads[0].purpose!r}, not 'fine-tune'"
    )


@pytest.mark.points(
    2,
    task=1,
    hint=(
        "create the job with client.fine_tuning.jobs.create(training_file=<the uploaded file's id>,"
        " model=model)"
    ),
)
def test_the_job_trains_the_model_on_the_uploaded_file(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset)
    job = created_job(mock_api, error)
    uploaded = [f.id for f in mock_api.uploads()]
    assert job.training_file in uploaded, (
        f"the job trains on {job.training_file}, not on the file you uploaded ({uploaded})"
    )
    assert create_body(mock_api).get("model") == MODEL, (
        f"the job was created for model {create_body(mock_api).get('model')!r}, not {MODEL!r}"
    )


@pytest.mark.points(
    1,
    task=1,
    hint="return the new job's id (job.id, a string like 'ftjob-...'), not the job object or the file's id",
)
def test_the_id_returned_is_the_new_jobs_id(exercise, mock_api, dataset):
    returned, error = submit(exercise, mock_api, dataset)
    job = created_job(mock_api, error)
    assert error is None, f"submit_job raised {said(error)}"
    assert returned == job.id, f"submit_job returned {returned!r}; the job it created is {job.id!r}"


@pytest.mark.points(
    1, task=1, hint="pass suffix on to jobs.create: it becomes part of the fine-tuned model's name"
)
def test_a_suffix_is_passed_on(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset, suffix="triage")
    job = created_job(mock_api, error)
    assert job.suffix == "triage", f"the job's suffix is {job.suffix!r}, not 'triage'"


@pytest.mark.points(
    1, task=1, hint="without suffix or n_epochs, send neither: the API then picks the epochs ('auto')"
)
def test_without_options_the_api_chooses(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset)
    job = created_job(mock_api, error)
    assert job.suffix is None, f"no suffix was given, but the job has suffix {job.suffix!r}"
    assert job.hyperparameters.n_epochs == "auto", (
        f"no n_epochs was given, but the job asks for {job.hyperparameters.n_epochs!r} epochs"
    )


@pytest.mark.points(1, task=1, hint="pass n_epochs on as a hyperparameter of the job")
def test_n_epochs_is_passed_on(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset, n_epochs=2)
    job = created_job(mock_api, error)
    assert job.hyperparameters.n_epochs == 2, (
        f"the job asks for {job.hyperparameters.n_epochs!r} epochs, not 2"
    )


@pytest.mark.points(
    1,
    task=1,
    hint=(
        'put n_epochs in method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": n}}}:'
        " top-level hyperparameters is deprecated"
    ),
)
def test_n_epochs_goes_in_method_not_the_deprecated_hyperparameters(exercise, mock_api, dataset):
    _, error = submit(exercise, mock_api, dataset, n_epochs=2)
    created_job(mock_api, error)
    body = create_body(mock_api)
    assert "hyperparameters" not in body, (
        "the job was created with the deprecated top-level 'hyperparameters' argument"
    )
    method = body.get("method") or {}
    assert method.get("type") == "supervised", f"method is {method!r}; its type must be 'supervised'"
    assert (method.get("supervised") or {}).get("hyperparameters", {}).get("n_epochs") == 2, (
        f"method is {method!r}: n_epochs belongs in method['supervised']['hyperparameters']"
    )


@pytest.mark.points(
    1,
    task=1,
    visibility="hidden",
    hint="revisit what submit_job does with a path that has no file behind it",
)
def test_a_missing_file_is_an_error_and_nothing_is_sent(exercise, mock_api, tmp_path):
    with pytest.raises(FileNotFoundError):
        exercise.submit_job(mock_api.client_handle(), str(tmp_path / "no-such-file.jsonl"), MODEL)
    assert mock_api.requests() == [], (
        f"requests reached the server for a file that does not exist: {[str(r) for r in mock_api.requests()]}"
    )


# Task 2: wait_for_job -------------------------------------------------------------------------


@pytest.mark.points(
    2,
    task=2,
    hint=(
        "poll with client.fine_tuning.jobs.retrieve(job_id) until the status is 'succeeded', then return"
        " job.fine_tuned_model"
    ),
)
def test_returns_the_fine_tuned_model_of_a_job_that_succeeds(exercise, mock_api, dataset):
    job_id = mock_api.start_job(dataset)
    name = wait(exercise, mock_api, job_id)
    job = mock_api.job(job_id)
    assert job.status == "succeeded", f"wait_for_job returned {name!r} while the job was still {job.status}"
    assert name == job.fine_tuned_model, (
        f"wait_for_job returned {name!r}; the job made {job.fine_tuned_model!r}"
    )


@pytest.mark.points(
    2, task=2, hint="stop polling as soon as a poll shows the job has ended (succeeded, failed or cancelled)"
)
def test_polling_stops_as_soon_as_the_job_has_ended(exercise, mock_api, dataset):
    job_id = mock_api.start_job(dataset)
    error = error_from(wait, exercise, mock_api, job_id)
    job = mock_api.job(job_id)
    seen = polls(mock_api, job_id)
    assert seen, (
        f"the job was never retrieved: poll it with client.fine_tuning.jobs.retrieve(job_id) ({said(error)})"
    )
    assert job.finished, f"the job is still {job.status} after {len(seen)} polls ({said(error)})"
    late = [p for p in seen if p.at >= job.finished_at]
    assert late, f"no poll saw the job end ({said(error)})"
    assert len(late) == 1, f"the job had ended, but you polled it {len(late) - 1} more times"


@pytest.mark.points(
    2, task=2, hint="between two polls call sleep(poll_seconds), the sleep you were given (not time.sleep)"
)
def test_sleeps_of_poll_seconds_come_between_polls(exercise, mock_api, dataset):
    job_id = mock_api.start_job(dataset)
    error = error_from(wait, exercise, mock_api, job_id, poll=20.0)
    sleeps = mock_api.clock_advances()
    assert sleeps, f"the sleep you were given was never called ({said(error)})"
    wrong = sorted({s.seconds for s in sleeps if s.seconds != 20.0})
    assert not wrong, f"with poll_seconds=20 you slept {wrong} s: sleep exactly poll_seconds"
    log = mock_api.requests()
    where = [i for i, r in enumerate(log) if r.method == "GET" and r.path == f"/v1/fine_tuning/jobs/{job_id}"]
    count = len(where)
    assert count >= 2, (
        f"the job was retrieved {count} times while it ran: retrieve it again after each sleep"
        f" ({said(error)})"
    )
    for before, after in itertools.pairwise(where):
        assert any(before < s.after_requests <= after for s in sleeps), (
            "two polls came with no sleep between them"
        )


@pytest.mark.points(
    2,
    task=2,
    hint=(
        "a job whose status is 'failed' has no model: raise RuntimeError"
        " (don't return None, don't keep waiting)"
    ),
)
def test_a_failed_job_raises_runtime_error(exercise, mock_api, dataset):
    mock_api.fail_next_job(at_step=5, message=JOB_FAILURE, code="server_error")
    job_id = mock_api.start_job(dataset)
    error = error_from(wait, exercise, mock_api, job_id)
    assert mock_api.job(job_id).status == "failed", "the grader's job did not fail as planned"
    assert raised_as(error, RuntimeError), f"the job failed, but {said(error)}; raise RuntimeError"


@pytest.mark.points(
    2,
    task=2,
    hint="the RuntimeError's message must name the job and include job.error.message, the reason it failed",
)
def test_the_error_names_the_jobs_own_error(exercise, mock_api, dataset):
    mock_api.fail_next_job(at_step=5, message=JOB_FAILURE, code="server_error")
    job_id = mock_api.start_job(dataset)
    error = error_from(wait, exercise, mock_api, job_id)
    assert raised_as(error, RuntimeError), f"the job failed, but {said(error)}; raise RuntimeError"
    raised = message(error)
    assert JOB_FAILURE in raised, f"the job failed with {JOB_FAILURE!r}, but your error says only: {raised}"
    assert job_id in raised, f"name the job ({job_id}) in the error; yours says: {raised}"


@pytest.mark.points(
    1,
    task=2,
    hint=(
        "a file with a bad example fails the job at validation:"
        " the error message you raise must pass on what the API said"
    ),
)
def test_a_job_failed_by_its_dataset_passes_on_what_was_wrong(exercise, mock_api, dataset):
    lines = dataset.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = '["a list", "is not an example"]\n'
    dataset.write_text("".join(lines), encoding="utf-8")
    job_id = mock_api.start_job(dataset)
    error = error_from(wait, exercise, mock_api, job_id)
    job = mock_api.job(job_id)
    assert job.status == "failed" and job.error is not None, "the grader's job did not fail as planned"
    reason, raised = job.error.message, message(error)
    assert raised_as(error, RuntimeError), f"the API said {reason!r}, but {said(error)}; raise RuntimeError"
    assert reason in raised, f"the API said {reason!r}, but your error says only: {raised}"


@pytest.mark.points(
    1, task=2, hint="a cancelled job has no model either: raise RuntimeError saying the job was cancelled"
)
def test_a_cancelled_job_raises_runtime_error(exercise, mock_api, dataset):
    job_id = mock_api.start_job(dataset)
    mock_api.client().fine_tuning.jobs.cancel(job_id)
    error = error_from(wait, exercise, mock_api, job_id)
    assert raised_as(error, RuntimeError), f"the job was cancelled, but {said(error)}; raise RuntimeError"
    assert "cancel" in message(error).lower() and job_id in message(error), (
        f"say that job {job_id} was cancelled; your error says: {message(error)}"
    )


@pytest.mark.points(
    2,
    task=2,
    hint=(
        "count the seconds you sleep; once they reach timeout_seconds and the job hasn't ended,"
        " raise TimeoutError"
    ),
)
def test_a_job_past_the_timeout_raises_timeout_error(exercise, mock_api, dataset):
    job_id = mock_api.start_job(dataset)
    error = error_from(wait, exercise, mock_api, job_id, timeout=60.0)
    assert raised_as(error, TimeoutError), (
        f"the job takes longer than timeout_seconds=60, but {said(error)}; raise TimeoutError"
    )
    slept = sum(mock_api.sleeps())
    assert slept <= 60.0, f"you slept {slept:g} s in all with timeout_seconds=60"
    assert job_id in message(error), (
        f"name the job ({job_id}) in the TimeoutError; yours says: {message(error)}"
    )


@pytest.mark.points(
    1,
    task=2,
    visibility="hidden",
    hint="revisit what wait_for_job does when the API is busy (429 or 5xx) while it polls",
)
@pytest.mark.parametrize("status", [429, 500])
def test_a_busy_api_while_polling_is_not_the_job_failing(exercise, mock_api, dataset, status):
    job_id = mock_api.start_job(dataset)
    mock_api.inject_fault(status, 1, method="GET", path=f"/v1/fine_tuning/jobs/{job_id}")
    name = wait(exercise, mock_api, job_id, retries=0)
    job = mock_api.job(job_id)
    assert job.status == "succeeded", f"wait_for_job returned {name!r} while the job was still {job.status}"
    assert name == job.fine_tuned_model, f"wait_for_job returned {name!r}, not the model the job made"


@pytest.mark.points(
    1,
    task=2,
    visibility="hidden",
    hint="revisit what wait_for_job does with a job id the API doesn't know",
)
def test_an_unknown_job_is_an_error_at_once(exercise, mock_api):
    error = error_from(wait, exercise, mock_api, "ftjob-thisjobdoesnotexist0", timeout=300.0)
    assert raised_as(error, openai.NotFoundError), (
        f"the API does not know this job, but {said(error)}; let openai.NotFoundError through"
    )
    assert mock_api.sleeps() == [], (
        f"you slept {mock_api.sleeps()} before giving up on a job that does not exist"
    )


@pytest.mark.points(
    1, task=2, visibility="hidden", hint="revisit what wait_for_job does with a job that has already ended"
)
def test_a_job_that_has_already_ended_returns_without_sleeping(exercise, mock_api, dataset):
    job = mock_api.run_to_end(mock_api.start_job(dataset))
    name = wait(exercise, mock_api, job.id)
    assert name == job.fine_tuned_model, f"wait_for_job returned {name!r}, not the model the job made"
    assert mock_api.sleeps() == [], f"the job had already succeeded, yet you slept {mock_api.sleeps()}"
    assert len(polls(mock_api, job.id)) == 1, "a job that has already ended needs one poll, no more"


# Task 3: ask_model ----------------------------------------------------------------------------


def chat_bodies(mock_api: Any) -> list[dict[str, Any]]:
    return [r.body for r in mock_api.requests("POST", "/v1/chat/completions")]


@pytest.mark.points(
    2, task=3, hint="return completion.choices[0].message.content, the text the model answered"
)
def test_the_answer_is_the_models_reply(exercise, mock_api, dataset, examples):
    model = mock_api.train(dataset)
    question, expected = examples[1]["messages"][1]["content"], examples[1]["messages"][2]["content"]
    answer = exercise.ask_model(mock_api.client_handle(), model, question)
    bodies = chat_bodies(mock_api)
    assert bodies, "no chat completion request reached the server"
    assert bodies[-1].get("model") == model, f"you asked model {bodies[-1].get('model')!r}, not {model!r}"
    assert answer == expected, f"the model answered {expected!r}, but ask_model returned {answer!r}"


@pytest.mark.points(
    1, task=3, hint="without a system prompt, send just one message: {'role': 'user', 'content': question}"
)
def test_only_the_question_is_sent_without_a_system_prompt(exercise, mock_api, dataset):
    model = mock_api.train(dataset)
    exercise.ask_model(mock_api.client_handle(), model, "My invoice shows the wrong VAT number.")
    bodies = chat_bodies(mock_api)
    assert bodies, "no chat completion request reached the server"
    sent = bodies[-1].get("messages")
    assert sent == [{"role": "user", "content": "My invoice shows the wrong VAT number."}], (
        f"you sent messages={sent!r}"
    )


@pytest.mark.points(
    2, task=3, hint="when system is given, send it first: [{'role': 'system', ...}, {'role': 'user', ...}]"
)
def test_a_system_prompt_comes_first(exercise, mock_api, dataset, examples):
    model = mock_api.train(dataset)
    system = examples[0]["messages"][0]["content"]
    exercise.ask_model(mock_api.client_handle(), model, "Our dashboard is down.", system=system)
    bodies = chat_bodies(mock_api)
    assert bodies, "no chat completion request reached the server"
    sent = bodies[-1].get("messages")
    expected = [{"role": "system", "content": system}, {"role": "user", "content": "Our dashboard is down."}]
    assert sent == expected, f"you sent messages={sent!r}; expected {expected!r}"


@pytest.mark.points(
    1,
    task=3,
    visibility="hidden",
    hint="revisit what ask_model does when the model it is asked for doesn't exist",
)
def test_an_unknown_model_is_an_error_not_an_empty_answer(exercise, mock_api):
    error = error_from(
        exercise.ask_model, mock_api.client_handle(), f"ft:{MODEL}:personal::nosuchmodel", "Hello?"
    )
    assert raised_as(error, openai.NotFoundError), (
        f"the model does not exist, but {said(error)}; let openai.NotFoundError through"
    )
