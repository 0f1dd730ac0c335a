"""ftlab.lora.errors: every stop of a LoRA run is an FtlabError with a sentence a learner can act on."""

from __future__ import annotations

import pytest

from ftlab.dataset.findings import FileReport, LineProblem
from ftlab.dataset.problems import Problem
from ftlab.errors import FtlabError
from ftlab.lora import errors
from ftlab.lora.errors import (
    INSTALL_HINT,
    DatasetRefused,
    DatasetUnreadable,
    ExampleTooLong,
    LoraError,
    MissingExtra,
    ModelNotLoadable,
    NothingToTrain,
    OutputTaken,
    PromptTooLong,
    TemplateMismatch,
    TrainingFailed,
)

EVERY_ERROR = [
    MissingExtra("peft"),
    DatasetRefused(FileReport("train.jsonl")),
    DatasetUnreadable("train.jsonl", "no such file"),
    ModelNotLoadable("./model", "no such folder"),
    ExampleTooLong("train.jsonl", 64, [(2, 80)]),
    PromptTooLong(300, 256),
    TemplateMismatch("train.jsonl", 3, "the template hides the reply"),
    NothingToTrain("train.jsonl"),
    OutputTaken("out"),
    TrainingFailed("out of memory"),
]


def test_every_error_class_of_the_module_is_listed_here():
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == errors.__name__
        and value is not LoraError
    }
    assert defined == {type(error).__name__ for error in EVERY_ERROR}


@pytest.mark.parametrize("error", EVERY_ERROR, ids=lambda e: type(e).__name__)
def test_every_lora_error_is_an_ftlab_error_that_reads_as_a_sentence(error):
    assert isinstance(error, LoraError) and isinstance(error, FtlabError)
    assert str(error) == str(error).strip() != ""
    with pytest.raises(FtlabError):
        raise error


def test_a_missing_extra_names_the_module_the_reason_and_how_to_install():
    text = str(MissingExtra("peft", "No module named 'peft'"))
    assert "'peft' cannot be imported (No module named 'peft')" in text and text.endswith(INSTALL_HINT)
    assert "imported;" in str(MissingExtra("torch"))  # no empty parentheses without a reason


def _report(n_errors: int) -> FileReport:
    report = FileReport("train.jsonl")
    for line in range(1, n_errors + 1):
        report.add(LineProblem(line, Problem("missing_content", "the message has no content")))
    report.add(LineProblem(99, Problem("blank_line", "the line is blank", "warning")))
    return report


def test_a_refused_dataset_lists_its_errors_by_line_and_leaves_warnings_out():
    text = str(DatasetRefused(_report(2)))
    assert text.splitlines() == [
        "train.jsonl: 2 error(s); fix them before training (ftlab validate shows the full report):",
        "  line 1: error missing_content: the message has no content",
        "  line 2: error missing_content: the message has no content",
    ]


def test_a_refused_dataset_shows_ten_errors_and_counts_the_rest():
    lines = str(DatasetRefused(_report(13))).splitlines()
    assert len(lines) == 12 and lines[10].startswith("  line 10:") and lines[-1] == "  ... and 3 more"


def test_too_long_examples_are_named_by_line_ten_at_most():
    text = str(ExampleTooLong("train.jsonl", 64, [(line, 100 + line) for line in range(1, 13)]))
    assert "12 example(s) longer than the 64-token limit: line 1 (101 tokens)" in text
    assert "line 10 (110 tokens) and 2 more; shorten or split them" in text and "line 11" not in text


@pytest.mark.parametrize(
    ("model", "suggested"),
    [
        ("someone/tiny-chat", "hf download someone/tiny-chat --local-dir ./models/tiny-chat"),
        (
            "./models/mine",
            "hf download HuggingFaceTB/SmolLM2-135M-Instruct --local-dir ./models/SmolLM2-135M",
        ),
        ("/abs/a/b", "hf download HuggingFaceTB/SmolLM2-135M-Instruct"),
    ],
)
def test_a_model_that_cannot_load_suggests_how_to_get_one(model, suggested):
    text = str(ModelNotLoadable(model, "no such folder"))
    assert text.startswith(f"cannot load model {model!r}: no such folder. Point --model at a local folder")
    assert suggested in text


def test_the_smaller_errors_say_what_to_do():
    assert str(PromptTooLong(300, 256)) == (
        "the conversation is 300 tokens, but the model's context is 256: shorten it to leave room for a reply"
    )
    assert str(TemplateMismatch("t.jsonl", 3, "why")) == "t.jsonl: line 3: why"
    assert str(DatasetUnreadable("t.jsonl", "no such file")) == "t.jsonl: no such file"
    assert "choose another --out" in str(OutputTaken("out"))
    assert str(TrainingFailed("boom")) == "training failed, nothing was saved: boom"
    assert "every assistant turn has weight 0" in str(NothingToTrain("t.jsonl"))
