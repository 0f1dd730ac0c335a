"""The challenge run: every leg on the held-out set, the fine-tune skipped with a reason when it fails."""

from __future__ import annotations

import pytest

from ftlab.course import challenge
from ftlab.course.challenge import GIVEN_NOTE, MOCK_NOTE, run_challenge
from ftlab.course.triage import ChallengeError, read_cases
from tests.paths import DATA

TRAIN, HELDOUT, HANDBOOK = (
    DATA / "support_tickets.jsonl",
    DATA / "support_tickets_heldout.jsonl",
    DATA / "challenge",
)


def oracle(cases):
    """A fake fine-tuned model that knows every held-out answer."""
    answers = {c.email: f"Category: {c.category}\nPriority: {c.priority}\nSummary: s." for c in cases}
    return lambda messages: answers[messages[-1]["content"]]


def run(**options):
    return run_challenge(train=TRAIN, heldout=HELDOUT, docs=HANDBOOK, model="gpt-4o-mini", **options)


def test_a_given_fine_tuned_responder_is_scored_as_the_third_leg():
    results, skipped = run(fine_tuned=oracle(read_cases(HELDOUT)))
    assert [r.name for r in results] == ["prompt", "rag", "fine-tune"] and skipped == {}
    assert results[2].both_right == results[2].n == 20 and results[2].note == GIVEN_NOTE


def test_without_a_responder_the_fine_tune_is_trained_on_the_mock():
    results, skipped = run()
    assert skipped == {} and results[-1].name == "fine-tune" and results[-1].note == MOCK_NOTE


def test_when_the_mock_fine_tune_fails_the_leg_is_skipped_with_its_reason(monkeypatch):
    def refused(train, model):
        raise ChallengeError("the fine-tune leg", "the mock said no")

    monkeypatch.setattr(challenge, "mock_fine_tune", refused)
    results, skipped = run()
    assert [r.name for r in results] == ["prompt", "rag"] and skipped == {"fine-tune": "the mock said no"}


def test_an_unknown_model_is_refused_before_any_leg_runs():
    with pytest.raises(ValueError, match="gpt-9"):
        run_challenge(train=TRAIN, heldout=HELDOUT, docs=HANDBOOK, model="gpt-9")
