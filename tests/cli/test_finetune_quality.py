"""``ftlab finetune`` and the quality pass: its warnings before the upload, counted as validate counts
them, and a held-out question with a note on how the offline model answers."""

from __future__ import annotations

import pytest

from ftlab.cli.main import main
from ftlab.course.finetuning import NEAREST_NOTE, heldout_question
from ftlab.mock import running_mock
from tests.paths import DATA

PLANTED = DATA / "quality_problems.jsonl"


@pytest.fixture
def local_api(monkeypatch: pytest.MonkeyPatch):
    with running_mock() as mock:
        monkeypatch.setenv("OPENAI_BASE_URL", mock.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-learner")
        yield mock


def test_quality_warnings_are_shown_before_the_upload_and_counted_as_validate_counts_them(local_api, capsys):
    assert main(["validate", str(PLANTED), "--model", "gpt-4o-mini-2024-07-18"]) == 0
    validated = capsys.readouterr().out.splitlines()
    assert main(["finetune", str(PLANTED), "--question", "hi"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{PLANTED}: {validated[-2]}" == f"{PLANTED}: 30 examples, 0 errors, 9 warnings"
    upload = next(i for i, line in enumerate(out) if line.startswith("Uploaded "))
    shown = [line for line in out[:upload] if ": warning " in line]
    assert len(shown) == 9 and any("warning format_drift: Line 13's answer" in line for line in shown)


def test_by_default_the_new_model_is_asked_a_held_out_question_and_told_how_it_answers(
    monkeypatch: pytest.MonkeyPatch, capsys
):
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    tickets = DATA / "support_tickets.jsonl"
    question = heldout_question(tickets)
    assert question is not None
    assert main(["finetune", str(tickets)]) == 0
    out = capsys.readouterr().out.splitlines()
    asked = out.index(next(line for line in out if line.startswith("Question: ")))
    assert out[asked].removeprefix("Question: ")[:60] == " ".join(question.split())[:60]
    assert out[asked + 1] == NEAREST_NOTE


def test_a_running_mock_server_gets_no_note_it_may_be_a_real_lora_training(local_api, capsys):
    assert main(["finetune", str(DATA / "support_tickets.jsonl")]) == 0
    assert NEAREST_NOTE not in capsys.readouterr().out
