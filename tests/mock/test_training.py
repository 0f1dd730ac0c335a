"""What a job learns from its file: the engine's rules, OpenAI's failure wording, the engine's counts."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.mock import training
from ftlab.mock.training import (
    Dataset,
    JobError,
    UnknownBaseModel,
    base_model,
    batch_size_for,
    epochs_for,
    inspect_file,
    total_steps,
)
from ftlab.tokens.cost import auto_epochs, estimate_from_token_counts
from ftlab.tokens.counting import count_tokens
from tests.mock_helpers import example, good_file, jsonl


def test_a_good_file_gives_its_examples_and_the_engines_token_counts() -> None:
    records = [example(i) for i in range(12)]
    dataset = inspect_file(jsonl(records), "gpt-4o-mini-2024-07-18")
    assert isinstance(dataset, Dataset)
    assert dataset.n_examples == 12
    assert dataset.token_counts == tuple(
        count_tokens(r["messages"], "gpt-4o-mini-2024-07-18") for r in records
    )


def test_trained_tokens_are_the_cost_estimates_billed_tokens() -> None:
    dataset = inspect_file(good_file(20), "gpt-4o-mini-2024-07-18")
    assert isinstance(dataset, Dataset)
    expected = estimate_from_token_counts(dataset.token_counts, "gpt-4o-mini-2024-07-18", 4).billed_tokens
    assert dataset.trained_tokens(4) == expected == sum(dataset.token_counts) * 4


def test_too_few_examples_fail_with_openais_invalid_n_examples() -> None:
    outcome = inspect_file(good_file(7), "gpt-4o-mini-2024-07-18")
    assert outcome == JobError(
        "invalid_n_examples",
        "Training file has 7 example(s), but must have at least 10 examples",
        "training_file",
    )


def test_a_broken_example_fails_naming_its_line_and_message() -> None:
    records = [example(i) for i in range(12)]
    records[4]["messages"][1] = {"content": "no role here"}
    outcome = inspect_file(jsonl(records), "gpt-4o-mini-2024-07-18")
    assert isinstance(outcome, JobError)
    assert (outcome.code, outcome.param) == ("invalid_training_file", "training_file")
    assert outcome.message.startswith(
        "The job failed due to an invalid training file. Invalid file format. Example 5, message 2: "
    )
    assert "role" in outcome.message


def test_a_line_that_is_not_json_fails_naming_its_line() -> None:
    data = good_file(12) + b'{"messages": [\n'
    outcome = inspect_file(data, "gpt-4o-mini-2024-07-18")
    assert isinstance(outcome, JobError) and "Example 13: not valid JSON" in outcome.message


def test_a_bad_validation_file_names_the_validation_file() -> None:
    outcome = inspect_file(jsonl([{"messages": []}] * 12), "gpt-4o-mini-2024-07-18", param="validation_file")
    assert isinstance(outcome, JobError)
    assert (outcome.code, outcome.param) == ("invalid_validation_file", "validation_file")
    assert "invalid validation file" in outcome.message


def test_warnings_alone_do_not_fail_a_job() -> None:
    data = b"\xef\xbb\xbf" + good_file(12)  # a byte-order mark is a warning, not an error
    assert isinstance(inspect_file(data, "gpt-4o-mini-2024-07-18"), Dataset)


def test_aliases_resolve_to_their_snapshot_and_unknown_models_are_refused() -> None:
    assert base_model("gpt-4o-mini") == "gpt-4o-mini-2024-07-18"
    with pytest.raises(UnknownBaseModel):
        base_model("gpt-9")


@given(st.integers(min_value=1, max_value=100_000))
def test_auto_epochs_are_the_engines_rule(n: int) -> None:
    assert epochs_for(n, "auto") == auto_epochs(n)


def test_requested_epochs_win_over_the_rule() -> None:
    assert epochs_for(10, 2) == 2


@given(st.integers(min_value=1, max_value=1_000_000))
def test_the_auto_batch_size_stays_between_1_and_256(n: int) -> None:
    assert 1 <= batch_size_for(n, "auto") <= 256


@given(
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=1, max_value=256),
    st.integers(min_value=1, max_value=50),
)
def test_every_epoch_has_the_same_whole_number_of_steps(n: int, batch: int, epochs: int) -> None:
    steps = total_steps(n, batch, epochs)
    assert steps % epochs == 0 and steps // epochs * batch >= n


def test_examples_keep_their_messages_for_the_fine_tuned_model_to_answer_from() -> None:
    dataset = inspect_file(
        jsonl([example(i, answer=f"answer {i}") for i in range(10)]), "gpt-4o-mini-2024-07-18"
    )
    assert isinstance(dataset, Dataset)
    assert [m[-1]["content"] for m in dataset.examples] == [f"answer {i}" for i in range(10)]
    assert json.dumps(dataset.examples[0][0]) == json.dumps(example(0)["messages"][0])


def test_the_same_file_is_inspected_once_and_remembered_by_content() -> None:
    data = good_file(11)
    first = inspect_file(data, "gpt-4o-mini-2024-07-18")
    assert inspect_file(bytes(data), "gpt-4o-mini-2024-07-18") is first
    assert inspect_file(data, "gpt-4.1-mini-2025-04-14") is not first
    assert isinstance(inspect_file(data, "gpt-4o-mini-2024-07-18", param="validation_file"), Dataset)


def test_checks_of_the_same_file_at_once_inspect_it_once_and_share_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, release, calls = threading.Event(), threading.Event(), []
    real = training._inspect

    def slow(data: bytes, model: str, param: str) -> Dataset | JobError:
        calls.append(model)
        started.set()
        release.wait(10)
        return real(data, model, param)

    monkeypatch.setattr(training, "_inspect", slow)
    monkeypatch.setattr(training, "_cache", OrderedDict())
    data = good_file(13)
    answers: list[Dataset | JobError] = []
    first = threading.Thread(target=lambda: answers.append(inspect_file(data, "gpt-4o-mini-2024-07-18")))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: answers.append(inspect_file(data, "gpt-4o-mini-2024-07-18")))
    second.start()
    second.join(0.2)
    # alive either way (the first check holds it up); what shows it waited: it inspected nothing yet
    assert second.is_alive() and calls == ["gpt-4o-mini-2024-07-18"], "the second check did not wait"
    release.set()
    first.join(10)
    second.join(10)
    assert calls == ["gpt-4o-mini-2024-07-18"]
    assert len(answers) == 2 and answers[0] is answers[1]
    assert isinstance(answers[0], Dataset)


def test_a_check_that_crashed_is_run_again_by_the_next_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    real = training._inspect
    calls = []

    def once_broken(data: bytes, model: str, param: str) -> Dataset | JobError:
        calls.append(model)
        if len(calls) == 1:
            raise RuntimeError("a bug in a check")
        return real(data, model, param)

    monkeypatch.setattr(training, "_inspect", once_broken)
    monkeypatch.setattr(training, "_cache", OrderedDict())
    data = good_file(14)
    with pytest.raises(RuntimeError):
        inspect_file(data, "gpt-4o-mini-2024-07-18")
    assert isinstance(inspect_file(data, "gpt-4o-mini-2024-07-18"), Dataset)
    assert len(calls) == 2


def test_a_preference_file_is_refused_for_a_supervised_job_in_words_not_a_crash() -> None:
    record = {
        "input": {"messages": [{"role": "user", "content": "Is the API down?"}]},
        "preferred_output": [{"role": "assistant", "content": "Category: outage"}],
        "non_preferred_output": [{"role": "assistant", "content": "No idea."}],
    }
    outcome = inspect_file(jsonl([record] * 12), "gpt-4o-mini-2024-07-18")
    assert isinstance(outcome, JobError) and outcome.code == "invalid_training_file"
    assert "preference (DPO) format" in outcome.message


# Issue 16: the mock's check survives what the engine's validation survives ---------------------
def test_a_million_spaces_fail_the_job_with_the_line_instead_of_crashing() -> None:
    records = [example(i) for i in range(12)]
    records[3] = example(3, question="a" + " " * 1_000_000 + "b")
    outcome = inspect_file(jsonl(records), "gpt-4o-mini-2024-07-18")
    assert isinstance(outcome, JobError)
    assert "Example 4" in outcome.message and "1,000,000 whitespace characters" in outcome.message


def test_a_number_too_large_for_a_float_fails_the_job_instead_of_crashing() -> None:
    records = [example(i) for i in range(12)]
    records[0]["messages"][-1]["function_call"] = {"name": "f", "arguments": "{}", "extra": 1}
    data = jsonl(records).replace(b'"extra": 1', b'"extra": 1e400')
    outcome = inspect_file(data, "gpt-4o-mini-2024-07-18")
    assert isinstance(outcome, JobError) and "Example 1" in outcome.message and "1e400" in outcome.message


def test_an_image_fails_a_job_on_a_model_without_vision_naming_the_model() -> None:
    records = [example(i) for i in range(12)]
    records[0]["messages"][1]["content"] = [
        {"type": "image_url", "image_url": {"url": "https://e.com/a.png"}}
    ]
    outcome = inspect_file(jsonl(records), "gpt-4o-mini-2024-07-18")
    assert (
        isinstance(outcome, JobError)
        and "gpt-4o-mini-2024-07-18 cannot be fine-tuned on images" in outcome.message
    )
    assert isinstance(inspect_file(jsonl(records), "gpt-4o-2024-08-06"), Dataset)
