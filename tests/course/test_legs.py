"""The challenge's legs: each built, asked, scored on exact labels and priced per request."""

from __future__ import annotations

import dataclasses

import pytest

from ftlab.course import legs as legs_module
from ftlab.course.finetuning import JobFailed
from ftlab.course.legs import fine_tune_leg, mock_fine_tune, prompt_leg, rag_leg, run_leg
from ftlab.course.triage import PROMPT, Case, ChallengeError, read_cases
from ftlab.dataset.jsonl import read_jsonl
from ftlab.tokens.cost import estimate_training_cost
from ftlab.tokens.counting import content_tokens, count_tokens
from ftlab.tokens.prices import request_cost_usd
from tests.paths import DATA

TRAIN, HELDOUT, HANDBOOK = (
    DATA / "support_tickets.jsonl",
    DATA / "support_tickets_heldout.jsonl",
    DATA / "challenge",
)


def test_a_leg_is_scored_on_exact_labels_and_priced_per_request():
    cases = [Case("Site down!", "outage", "P1"), Case("Refund please", "billing", "P2")]
    leg = fine_tune_leg(
        "gpt-4o-mini", TRAIN, lambda messages: "Category: outage\nPriority: P2\nSummary: x.", note="fake"
    )
    result = run_leg(leg, cases)
    assert (result.category_right, result.priority_right, result.both_right, result.n) == (1, 1, 0, 2)
    expected = 0.0
    for case in cases:
        messages = leg.build(case.email)
        n_in, n_out = (
            count_tokens(messages, "gpt-4o-mini"),
            content_tokens({"content": "Category: outage\nPriority: P2\nSummary: x."}, "gpt-4o-mini"),
        )
        expected += request_cost_usd("gpt-4o-mini", input_tokens=n_in, output_tokens=n_out, fine_tuned=True)
    assert result.cost_per_request_usd == pytest.approx(expected / 2)


def test_the_fine_tune_legs_one_off_cost_is_exercise_3s_estimate_and_it_keeps_the_short_prompt():
    leg = fine_tune_leg("gpt-4o-mini", TRAIN, lambda m: "", note="fake")
    examples = [line.record for line in read_jsonl(TRAIN)]
    assert leg.one_off_usd == estimate_training_cost(examples, "gpt-4o-mini").cost_usd > 0
    assert leg.build("hello") == [examples[0]["messages"][0], {"role": "user", "content": "hello"}]
    assert leg.fine_tuned and leg.name == "fine-tune"


def test_rag_puts_the_closest_pages_after_the_good_prompt():
    messages = rag_leg("gpt-4o-mini", HANDBOOK).build("I was charged twice, refund the duplicate invoice")
    assert messages[0]["content"].startswith(PROMPT) and "# Category: billing" in messages[0]["content"]
    assert prompt_leg("gpt-4o-mini").build("x")[0]["content"] == PROMPT


def test_retrieved_pages_make_the_rag_leg_dearer_than_the_prompt():
    cases = read_cases(HELDOUT)
    prompt, rag = run_leg(prompt_leg("gpt-4o-mini"), cases), run_leg(rag_leg("gpt-4o-mini", HANDBOOK), cases)
    assert rag.input_tokens > prompt.input_tokens and rag.cost_per_request_usd > prompt.cost_per_request_usd
    assert prompt.one_off_usd == rag.one_off_usd == 0


def test_the_mock_fine_tune_answers_a_training_email_with_its_own_reply():
    example = next(read_jsonl(TRAIN)).record["messages"]
    with mock_fine_tune(TRAIN, "gpt-4o-mini") as answer:
        assert answer(example[:2]) == example[2]["content"]


def test_an_invalid_training_file_is_refused_before_any_training(tmp_path):
    broken = tmp_path / "train.jsonl"
    broken.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n', encoding="utf-8")
    with pytest.raises(ChallengeError, match="run ftlab validate on it"):
        fine_tune_leg("gpt-4o-mini", broken, lambda m: "", note="fake")


def test_a_mock_job_that_fails_is_a_challenge_error_with_the_jobs_reason(monkeypatch):
    def fails(client, job_id, **options):
        raise JobFailed(job_id, "failed", "server_error", "The training loss became NaN.")

    monkeypatch.setattr(legs_module, "follow", fails)
    with pytest.raises(
        ChallengeError, match=r"on the mock API, fine-tuning job ftjob-\w+ failed: server_error"
    ):
        with mock_fine_tune(TRAIN, "gpt-4o-mini"):
            pass


def test_a_result_names_its_engine_and_carries_the_wall_time_and_training_time():
    cases = [Case("Site down!", "outage", "P1")]
    leg = fine_tune_leg("gpt-4o-mini", TRAIN, lambda m: "Category: outage", note="n", engine="the engine")
    result = run_leg(dataclasses.replace(leg, training_seconds=7.0), cases)
    assert (result.engine, result.training_seconds) == ("the engine", 7.0) and result.seconds_per_request >= 0


def test_the_prompt_and_rag_legs_send_the_given_prompt_to_the_given_responder():
    seen = []
    leg = rag_leg("gpt-4o-mini", HANDBOOK, "MY PROMPT", answer=lambda m: seen.append(m) or "", engine="e")
    run_leg(leg, [Case("Refund please", "billing", "P2")])
    assert seen[0][0]["content"].startswith("MY PROMPT\n\nRelevant pages") and leg.engine == "e"
    assert prompt_leg("gpt-4o-mini", "MINE").build("hi")[0] == {"role": "system", "content": "MINE"}
