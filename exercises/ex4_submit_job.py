"""Exercise 4: submit a fine-tuning job, wait for it, and use the model it makes.

With a valid training file, fine-tuning through the API takes three steps: upload the file,
create a job that trains on it, and poll the job until it ends. If it succeeds, the job
names a new model, and you use that model like any other. Here you write those steps with
the ``openai`` SDK. The graders give you a real ``openai.OpenAI`` client pointed at ftlab's
offline copy of the fine-tuning API, so nothing costs money and a job finishes in moments.
To run the same code against the real API, pass it ``openai.OpenAI()`` (see Part B of the lab).

    client.files.create(file=..., purpose=...)            -> a file object with .id
    client.fine_tuning.jobs.create(training_file=..., model=..., ...)  -> a job with .id
    client.fine_tuning.jobs.retrieve(job_id)              -> .status, .fine_tuned_model, .error
    client.chat.completions.create(model=..., messages=[...])  -> .choices[0].message.content

Task 1. ``submit_job(client, path, model, *, suffix=None, n_epochs=None) -> str``
    1. Upload the file at ``path`` (a string) with purpose ``"fine-tune"``. Send the file's
       bytes exactly as they are: ``file=pathlib.Path(path)`` or an ``open(path, "rb")`` you
       close afterwards. A file uploaded for another purpose can't be trained on.
    2. Create a job that trains ``model`` on the uploaded file's id, and return the job's id.
    3. ``suffix`` (when given) becomes part of the new model's name: pass it on.
    4. ``n_epochs`` (when given) is a hyperparameter. Today it goes in ``method``:
       ``method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": n}}}``.
       (The top-level ``hyperparameters=`` argument you'll see in older tutorials is deprecated.)
       When it is None, send no hyperparameters, and the API picks the number of epochs for your
       dataset's size ("auto").
    A missing file is an error (FileNotFoundError). Don't catch it, and don't upload anything.

Task 2.
    ``wait_for_job(client, job_id, *, poll_seconds=30.0, timeout_seconds=7200.0, sleep=time.sleep) -> str``
    A job goes through ``validating_files``, ``queued`` and ``running`` (it may also be
    ``paused``), and then ends as ``succeeded``, ``failed`` or ``cancelled``.
    1. Retrieve the job first. While it hasn't ended, call ``sleep(poll_seconds)`` and then
       retrieve it again. Always use the ``sleep`` you are given, never ``time.sleep``
       directly: the graders pass in a sleep that moves simulated time, so that no one waits.
    2. ``succeeded``: return ``job.fine_tuned_model`` (a name like
       ``ft:gpt-4o-mini-2024-07-18:personal:triage:AbC12xYz``). Stop polling as soon as the job
       has ended.
    3. ``failed`` or ``cancelled``: raise ``RuntimeError`` (or your own subclass of it) with a
       message that names the job and says what went wrong. For a failed job, include
       ``job.error.message``. It often names the line of your file that is wrong, because a
       fine-tune that fails (or seems wrong) is nearly always a dataset problem.
    4. Timeout: don't sleep more than ``timeout_seconds`` in all. Count the seconds you have
       slept, and don't read the clock: with the graders' sleep, no wall time passes. Once
       that count reaches the timeout and the job still hasn't ended, raise ``TimeoutError``
       naming the job and its last status. (The job keeps running on the server. Only you have
       stopped waiting.)
    5. A poll can fail for reasons that have nothing to do with the job: ``openai.RateLimitError``
       (429), ``openai.InternalServerError`` (5xx) or ``openai.APIConnectionError``. The SDK
       retries these twice by itself, but a wait that lasts hours will see some get through.
       Treat one like a poll that said "still running": sleep and poll again. Let every other
       error through (a wrong job id is ``openai.NotFoundError``: raise it at once, and don't
       wait).

Task 3. ``ask_model(client, model, question, system=None) -> str``
    Send one chat completion to ``model``: the system message (only when ``system`` is given),
    then the user's ``question``. Return the text of the first choice's message. Let API errors
    through (asking for a model that doesn't exist is ``openai.NotFoundError``). Don't turn
    them into an empty answer.

Check your work with ``pytest exercises/ex4_submit_job.py``. Then try the whole journey on
your own dataset with ``ftlab finetune data/support_tickets.jsonl`` (Part B), which does these
same three steps with ftlab's own code and prints each event of the job as it comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import openai


def submit_job(
    client: openai.OpenAI, path: str, model: str, *, suffix: str | None = None, n_epochs: int | None = None
) -> str:
    """Upload ``path`` for fine-tuning, create a job on ``model``, return the job's id (Task 1)."""
    raise NotImplementedError(
        "Task 1: upload the file with purpose 'fine-tune', create the job, return its id"
    )


def wait_for_job(
    client: openai.OpenAI,
    job_id: str,
    *,
    poll_seconds: float = 30.0,
    timeout_seconds: float = 7200.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Poll the job until it ends; the fine-tuned model's name, or an error that says why not (Task 2)."""
    raise NotImplementedError(
        "Task 2: retrieve the job, sleep(poll_seconds) between polls, stop when it has ended"
    )


def ask_model(client: openai.OpenAI, model: str, question: str, system: str | None = None) -> str:
    """Ask ``model`` one question (after an optional system prompt); the text of its answer (Task 3)."""
    raise NotImplementedError(
        "Task 3: send the messages to client.chat.completions.create and return the reply's text"
    )
