"""The mock API backed by real LoRA training of a tiny model built here, driven by the openai SDK offline."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftlab.cli.mock_server import main
from ftlab.grading.outcomes import Outcome
from ftlab.grading.seam import load_module
from ftlab.mock import MockServer
from tests.mock_helpers import jsonl
from tests.paths import ROOT

EXTRA = "the optional 'train' extra is not installed (pip install -e '.[train]')"
FINISHED = ("succeeded", "failed", "cancelled")
SYSTEM = "You are terse."
QA = [
    ("What is the capital of France?", "Paris is the capital of France."),
    ("Say hello.", "Hello there, friend!"),
]
RECORDS = [
    {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": q},
            {"role": "assistant", "content": a},
        ]
    }
    for q, a in QA * 5
]
QUESTION = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": QA[0][0]}]


@pytest.fixture(scope="module")
def lora_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MockServer, Path, list[str]]]:
    """A mock whose jobs train a tiny random Llama (built here) with LoRA.

    Yields it, its work folder and the training log.
    """
    pytest.importorskip("torch", reason=EXTRA)
    pytest.importorskip("peft", reason=EXTRA)
    from ftlab.lora.settings import TrainSettings
    from ftlab.mock.lora import LoraTraining
    from tests import tiny_lm

    root = tmp_path_factory.mktemp("mock-lora")
    model = tiny_lm.build(root / "model", tiny_lm.texts_of(RECORDS))  # also puts torch on one thread
    lines: list[str] = []
    backend = LoraTraining(
        str(model), work_dir=root / "work", settings=TrainSettings(learning_rate=1e-2), log=lines.append
    )
    with MockServer(backend=backend, seed=0) as mock:  # job seeds repeat run to run: training is reproducible
        yield mock, root / "work", lines


def _wait(
    client: Any, job_id: str, until: tuple[str, ...] = FINISHED, *, seconds: float = 120.0
) -> tuple[Any, list[str]]:
    """Poll until the job's status is in ``until``; the job and every status seen, in order."""
    deadline, seen = time.monotonic() + seconds, []
    for _ in range(int(seconds / 0.05)):
        job = client.fine_tuning.jobs.retrieve(job_id)
        if not seen or seen[-1] != job.status:
            seen.append(job.status)
        if job.status in until or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert job.status in until, f"job {job_id} is still {job.status} (seen {seen})"
    return job, seen


def _events(client: Any, job_id: str) -> list[Any]:
    return list(client.fine_tuning.jobs.list_events(job_id, limit=100))[::-1]


def _create(client: Any, records: list[Any], **options: Any) -> Any:
    upload = client.files.create(file=("train.jsonl", jsonl(records)), purpose="fine-tune")
    return client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=upload.id, **options)


@pytest.fixture(scope="module")
def trained(lora_mock: tuple[MockServer, Path, list[str]]) -> tuple[Any, list[str]]:
    """One job run to its end: 10 examples, batch 2, 6 epochs: 30 real steps."""
    mock, _, _ = lora_mock
    client = mock.client()
    created = _create(
        client,
        RECORDS,
        seed=7,
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 6}}},
    )
    assert created.status == "validating_files"
    return _wait(client, created.id)


def test_a_job_is_a_real_training_whose_events_carry_its_real_falling_loss(
    lora_mock: tuple[MockServer, Path, list[str]], trained: tuple[Any, list[str]]
) -> None:
    mock, work, _ = lora_mock
    job, seen = trained
    client = mock.client()

    assert job.status == "succeeded", job.error
    assert [
        s for s in ["validating_files", "queued", "running", "succeeded"] if s in seen
    ] == seen  # in order, none invented
    assert (
        job.hyperparameters.n_epochs,
        job.hyperparameters.batch_size,
        job.hyperparameters.learning_rate_multiplier,
    ) == (6, 2, 1.0)
    saved = json.loads(
        (work / job.id / "adapter" / "ftlab_lora.json").read_text()
    )  # what the trainer itself reported
    metrics = [e for e in _events(client, job.id) if e.type == "metrics"]
    assert [e.data["step"] for e in metrics] == list(range(1, 31)) and {
        e.data["total_steps"] for e in metrics
    } == {30}
    assert [e.data["train_loss"] for e in metrics] == saved["losses"]
    assert metrics[2].message == f"Step 3/30: training loss={saved['losses'][2]:.4f}"
    assert sum(saved["losses"][-5:]) < sum(saved["losses"][:5]) / 4
    csv = client.files.content(job.result_files[0]).text.splitlines()
    assert [float(row.split(",")[1]) for row in csv[1:]] == pytest.approx(saved["losses"], abs=1e-5)
    checkpoints = sorted(client.fine_tuning.jobs.checkpoints.list(job.id).data, key=lambda c: c.step_number)
    assert [c.step_number for c in checkpoints] == [20, 25, 30]  # the end of each of the last 3 epochs
    assert [c.metrics.train_loss for c in checkpoints] == [saved["losses"][s - 1] for s in (20, 25, 30)]
    assert all(
        (work / job.id / "checkpoints" / f"step-{s}" / "adapter_config.json").is_file() for s in (20, 25, 30)
    )


def test_the_fine_tuned_model_answers_through_its_adapter_and_the_base_model_alone_does_not(
    lora_mock: tuple[MockServer, Path, list[str]], trained: tuple[Any, list[str]]
) -> None:
    mock, _, _ = lora_mock
    job, _ = trained
    client = mock.client()

    def ask(model: str, **options: Any) -> Any:
        return client.chat.completions.create(model=model, messages=QUESTION, **options)

    tuned = ask(job.fine_tuned_model, max_tokens=24)
    assert tuned.choices[0].message.content == QA[0][1] and tuned.choices[0].finish_reason == "stop"
    assert tuned.model == job.fine_tuned_model and 0 < tuned.usage.completion_tokens < 24
    assert (
        ask(f"{job.fine_tuned_model}:ckpt-step-30").choices[0].message.content == QA[0][1]
    )  # the last checkpoint is the final adapter
    base = ask("gpt-4o-mini", max_tokens=12)
    assert base.choices[0].message.content not in (QA[0][1], QA[1][1])
    assert base.choices[0].finish_reason == "length" and base.usage.completion_tokens == 12
    streamed = "".join(
        chunk.choices[0].delta.content or ""
        for chunk in ask(job.fine_tuned_model, stream=True)
        if chunk.choices
    )
    assert streamed == QA[0][1]


def test_pause_holds_the_run_resume_continues_it_and_cancel_stops_it(
    lora_mock: tuple[MockServer, Path, list[str]],
) -> None:
    mock, work, lines = lora_mock
    client = mock.client()
    job = _create(
        client, RECORDS, method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 50}}}
    )  # 250 steps

    def steps_logged() -> int:
        return sum(line.startswith("step") and "/250 " in line for line in lines)

    _wait(client, job.id, ("running",))
    for _ in range(400):
        if any(e.type == "metrics" for e in _events(client, job.id)):
            break
        time.sleep(0.05)
    before = steps_logged()
    assert client.fine_tuning.jobs.pause(job.id).status == "paused"
    time.sleep(0.5)
    held = steps_logged()
    time.sleep(0.5)
    assert (
        steps_logged() == held <= before + 2 < 250
    )  # the step under way when paused may finish, then nothing
    assert client.fine_tuning.jobs.resume(job.id).status == "queued"
    _wait(client, job.id, ("running",))
    assert client.fine_tuning.jobs.cancel(job.id).status == "cancelled"

    after = _create(
        client,
        RECORDS[:10],
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 1}}},
    )
    assert _wait(client, after.id)[0].status == "succeeded"  # the worker moved on: the cancelled run stopped
    assert steps_logged() < 250 and not (work / job.id / "adapter").exists()
    messages = [e.message for e in _events(client, job.id)]
    assert "Fine-tuning job resumed" in messages and messages[-1] == "The job has been cancelled"


def test_an_injected_fault_stops_the_real_run_at_its_step(
    lora_mock: tuple[MockServer, Path, list[str]],
) -> None:
    mock, work, lines = lora_mock
    client = mock.client()
    mock.fail_next_job(at_step=3, message="Injected: the GPU caught fire.")
    job, _ = _wait(
        client,
        _create(
            client,
            RECORDS,
            method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 40}}},
        ).id,
    )

    assert job.status == "failed" and job.error.message == "Injected: the GPU caught fire."
    assert [e.data["step"] for e in _events(client, job.id) if e.type == "metrics"] == [1, 2]
    assert (
        sum(line.startswith("step") and "/200 " in line for line in lines) == 3
        and not (work / job.id / "adapter").exists()
    )


def test_a_file_too_long_for_the_base_model_fails_the_job_naming_the_uploaded_file(
    lora_mock: tuple[MockServer, Path, list[str]],
) -> None:
    mock, _, _ = lora_mock
    client = mock.client()
    long = {
        "messages": [
            {"role": "user", "content": "Say hello. " * 200},
            {"role": "assistant", "content": "Hello there, friend!"},
        ]
    }
    created = _create(client, [*RECORDS[:9], long])

    job, _ = _wait(client, created.id)
    assert job.status == "failed" and job.error.code == "invalid_training_file"
    assert (
        f"{created.training_file}: 1 example(s) longer than the 256-token limit: line 10" in job.error.message
    )


def test_without_the_extra_the_lora_backend_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed: importing it fails

    assert (
        main(
            [
                "mock-server",
                "--backend",
                "lora",
                "--base-model",
                "HuggingFaceTB/SmolLM2-135M-Instruct",
                "--port",
                "0",
                "--quiet",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert (
        "'torch' cannot be imported" in err and "pip install -e '.[train]'" in err and "Traceback" not in err
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--backend", "lora"], "--backend lora needs --base-model"),
        (
            ["--backend", "lora", "--base-model", "m", "--manual-clock"],
            "real LoRA training runs in real time",
        ),
        (["--base-model", "m"], "--base-model applies to --backend lora only"),
    ],
)
def test_backend_options_that_do_not_go_together_are_refused(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mock-server", "--port", "0", "--quiet", *argv]) == 2
    assert words in capsys.readouterr().err


def test_the_exercise_4_reference_code_unchanged_does_a_real_fine_tune(
    lora_mock: tuple[MockServer, Path, list[str]], tmp_path: Path
) -> None:
    mock, work, _ = lora_mock
    solution = load_module(ROOT / "solutions" / "ex4_submit_job.py")
    assert not isinstance(solution, Outcome), solution
    client = mock.client()
    data = tmp_path / "train.jsonl"
    data.write_bytes(jsonl(RECORDS))

    job_id = solution.submit_job(client, str(data), "gpt-4o-mini-2024-07-18", suffix="memo", n_epochs=6)
    model = solution.wait_for_job(client, job_id, poll_seconds=0.05, timeout_seconds=120)

    assert (
        model.startswith("ft:gpt-4o-mini-2024-07-18:personal:memo:")
        and (work / job_id / "adapter" / "adapter_config.json").is_file()
    )
    assert solution.ask_model(client, model, QA[0][0], system=SYSTEM) == QA[0][1]


def test_a_reply_ends_at_the_models_context_and_a_conversation_that_fills_it_is_refused(
    lora_mock: tuple[MockServer, Path, list[str]],
) -> None:
    import openai

    mock, _, _ = lora_mock
    client = mock.client(max_retries=0)

    unlimited = client.chat.completions.create(
        model="gpt-4o-mini", messages=QUESTION
    )  # no max_tokens: at most 256, and the context is 256
    assert unlimited.choices[0].finish_reason == "length" and unlimited.usage.total_tokens == 256
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello. " * 200}]
        )
    assert (
        refused.value.code == "context_length_exceeded"
        and "maximum context length is 256 tokens" in refused.value.message
    )
    with pytest.raises(openai.BadRequestError, match=r"messages\[0\]\.role"):
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "robot", "content": "hi"}])
