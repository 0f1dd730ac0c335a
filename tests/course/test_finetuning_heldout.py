"""ftlab.course.finetuning.heldout_question: ftlab finetune asks by default what it was not trained on."""

from __future__ import annotations

import json

from ftlab.course.finetuning import heldout_question
from ftlab.dataset.jsonl import write_jsonl
from tests.paths import DATA


def _chat(question: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": "A"}]}


def test_the_default_question_is_the_held_out_files_first():
    first = json.loads((DATA / "support_tickets_heldout.jsonl").read_text("utf-8").splitlines()[0])
    expected = [m["content"] for m in first["messages"] if m["role"] == "user"][-1]
    assert (
        heldout_question(DATA / "support_tickets.jsonl", DATA / "support_tickets_heldout.jsonl") == expected
    )


def test_a_held_out_question_the_dataset_asks_is_skipped(tmp_path):
    train, held = tmp_path / "train.jsonl", tmp_path / "held.jsonl"
    write_jsonl([_chat("Where is my  INVOICE?")], train)
    write_jsonl([_chat("where is my invoice?"), _chat("Can I pay by card?")], held)
    assert heldout_question(train, held) == "Can I pay by card?"


def test_no_held_out_file_or_no_new_question_gives_none(tmp_path):
    train = tmp_path / "train.jsonl"
    write_jsonl([_chat("Q")], train)
    assert heldout_question(train, tmp_path / "missing.jsonl") is None
    assert heldout_question(train, train) is None
