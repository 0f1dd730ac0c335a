"""The challenge run: every leg on the held-out set, the fine-tune skipped with a reason when it fails."""

from __future__ import annotations

import pytest

from ftlab.course import challenge
from ftlab.course.challenge import GIVEN_NOTE, MOCK_NOTE, Inputs, run_challenge, run_with_engine
from ftlab.course.leg_cache import LegCache
from ftlab.course.legs import KEYWORD_ENGINE
from ftlab.course.triage import PROMPT, ChallengeError, EngineFailed, read_cases
from ftlab.lora.errors import TrainingFailed
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


class FakeEngine:
    """An engine that answers with the oracle, trains by writing a file, and counts what it did."""

    def __init__(self, cases, *, ft: bool = True) -> None:
        self.oracle, self.ft, self.asked, self.trained = oracle(cases), ft, 0, 0

    def identity(self):
        return {"kind": "fake"}

    def label(self):
        return "the fake model"

    def answer(self):
        def respond(messages):
            self.asked += 1
            return self.oracle(messages)

        return respond

    def fine_tune_identity(self, train):
        if not self.ft:
            raise EngineFailed("the fine-tune leg", "no fine-tuned model")
        return {"kind": "fake", "train": str(train)}

    def fine_tuned(self, train, adapter):
        if not (adapter / "adapter_config.json").is_file():
            adapter.mkdir(parents=True)
            (adapter / "adapter_config.json").write_text("{}")
            self.trained += 1
        return self.answer(), "the fake model plus its adapter", 3.0


def engine_run(engine, cache, prompt=PROMPT, log=None):
    inputs = Inputs(TRAIN, HELDOUT, HANDBOOK, "gpt-4o-mini", prompt)
    return run_with_engine(engine, inputs, cache, log=log or (lambda _: None))


def test_an_engine_answers_all_three_legs_each_labelled_and_the_training_time_kept(tmp_path):
    engine = FakeEngine(read_cases(HELDOUT))
    results, skipped = engine_run(engine, LegCache(tmp_path))
    assert [r.name for r in results] == ["prompt", "rag", "fine-tune"] and skipped == {}
    assert [r.engine for r in results] == ["the fake model"] * 2 + ["the fake model plus its adapter"]
    assert all(r.both_right == 20 for r in results) and engine.asked == 60 and engine.trained == 1
    assert [r.training_seconds for r in results] == [None, None, 3.0]


def test_a_rerun_with_nothing_changed_asks_nothing_and_trains_nothing(tmp_path):
    cases = read_cases(HELDOUT)
    first, _ = engine_run(FakeEngine(cases), LegCache(tmp_path))
    again = FakeEngine(cases)
    lines: list[str] = []
    second, _ = engine_run(again, LegCache(tmp_path), log=lines.append)
    assert second == first and again.asked == again.trained == 0
    assert [line.split(":")[0] for line in lines] == ["prompt", "rag", "fine-tune"]
    assert all("from the cache" in line for line in lines)


def test_a_new_prompt_reruns_the_prompt_and_rag_legs_and_not_the_fine_tune(tmp_path):
    cases = read_cases(HELDOUT)
    engine_run(FakeEngine(cases), LegCache(tmp_path))
    again = FakeEngine(cases)
    engine_run(again, LegCache(tmp_path), prompt="You triage emails.")
    assert again.asked == 40 and again.trained == 0


def test_a_fine_tune_leg_that_cannot_run_is_skipped_with_its_reason(tmp_path):
    results, skipped = engine_run(FakeEngine(read_cases(HELDOUT), ft=False), LegCache(tmp_path))
    assert [r.name for r in results] == ["prompt", "rag"] and skipped == {"fine-tune": "no fine-tuned model"}


def test_an_engine_run_says_how_far_each_leg_has_got(tmp_path):
    lines: list[str] = []
    engine_run(FakeEngine(read_cases(HELDOUT)), LegCache(tmp_path), log=lines.append)
    prompt_lines = [line for line in lines if line.startswith("prompt:")]
    assert prompt_lines[0] == "prompt: sending the 20 held-out emails to the fake model"
    assert [line.split()[1] for line in prompt_lines[1:]] == ["5/20", "10/20", "15/20", "20/20"]


def test_the_simulation_takes_a_prompt_of_the_learners_own():
    results, _ = run(fine_tuned=oracle(read_cases(HELDOUT)), prompt="No cue lines at all.")
    assert results[0].category_right == 0 and results[0].engine == KEYWORD_ENGINE


def test_a_missing_page_folder_is_refused_before_any_leg_asks_the_engine(tmp_path):
    engine = FakeEngine(read_cases(HELDOUT))
    inputs = Inputs(TRAIN, HELDOUT, tmp_path / "no-pages", "gpt-4o-mini")
    with pytest.raises(ValueError, match="no-pages"):
        run_with_engine(engine, inputs, LegCache(tmp_path / "cache"), log=lambda _: None)
    assert engine.asked == 0


def test_a_refused_training_skips_the_fine_tune_with_the_trainers_whole_message(tmp_path):
    class Refusing(FakeEngine):
        def fine_tuned(self, train, adapter):
            raise TrainingFailed("out of memory")

    results, skipped = engine_run(Refusing(read_cases(HELDOUT)), LegCache(tmp_path))
    assert len(results) == 2 and skipped == {"fine-tune": "training failed, nothing was saved: out of memory"}
