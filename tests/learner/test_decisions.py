"""Exercise 5's vocabulary and break-even arithmetic: validated fields, hand-checked numbers."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.grading.isolation.plain_data import from_plain, to_plain
from ftlab.learner import decisions
from ftlab.learner.decisions import (
    APPROACHES,
    BadDecision,
    BadScenario,
    Decision,
    Scenario,
    break_even,
    payback,
)

TRIAGE = Scenario(
    "Triage support emails",
    consistent_behaviour=True,
    n_examples=400,
    requests_per_day=20000,
    prompt_tokens=2500,
    training_cost_usd=1.4364,  # exercise 3's estimate (tests/course/test_decide.py checks it)
)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"task": "  "}, "task"),
        ({"facts": "huge"}, "facts"),
        ({"facts_change": "hourly"}, "facts_change"),
        ({"behaviour_changes": "sometimes"}, "behaviour_changes"),
        ({"consistent_behaviour": "yes"}, "consistent_behaviour"),
        ({"prompt_gets_it": 1}, "prompt_gets_it"),
        ({"n_examples": -1}, "n_examples"),
        ({"n_examples": 12.0}, "n_examples"),
        ({"requests_per_day": True}, "requests_per_day"),
        ({"prompt_tokens": "2500"}, "prompt_tokens"),
        ({"model": "gpt-9"}, "model"),
        ({"training_cost_usd": -3.0}, "training_cost_usd"),
        ({"training_cost_usd": float("nan")}, "training_cost_usd"),
    ],
)
def test_a_bad_scenario_field_is_refused_by_name(change, field):
    with pytest.raises(BadScenario) as caught:
        dataclasses.replace(TRIAGE, **change)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"Scenario.{field} = ")


def test_a_scenario_crosses_the_grading_boundary_unchanged():
    plain = to_plain(TRIAGE)
    assert plain["$ftlab"] == "dataclass" and plain["fields"]["prompt_tokens"] == 2500
    assert from_plain(plain) == TRIAGE
    decision = Decision("rag+fine-tune", "both")
    assert from_plain(to_plain(decision)) == decision


@pytest.mark.parametrize(
    ("approach", "rag", "tune"),
    [
        ("prompt", False, False),
        ("rag", True, False),
        ("fine-tune", False, True),
        ("rag+fine-tune", True, True),
    ],
)
def test_each_approach_says_whether_it_retrieves_and_fine_tunes(approach, rag, tune):
    decision = Decision(approach, "because")
    assert (decision.uses_rag, decision.fine_tunes) == (rag, tune)


@pytest.mark.parametrize("approach", ["finetune", "RAG", "prompt+rag", "", None])
def test_an_unknown_approach_is_refused_with_the_four_choices(approach):
    with pytest.raises(BadDecision, match="'prompt', 'rag', 'fine-tune', 'rag\\+fine-tune'"):
        Decision(approach, "because")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_decision_needs_a_reason(reason):
    with pytest.raises(BadDecision, match="reason"):
        Decision("prompt", reason)


def test_break_even_uses_the_scenarios_training_cost():
    assert break_even(dataclasses.replace(TRIAGE, training_cost_usd=12.5)).training_cost_usd == 12.5


def test_no_examples_and_no_figure_means_nothing_to_train():
    with pytest.raises(ValueError, match="no examples, so nothing to train"):
        break_even(dataclasses.replace(TRIAGE, n_examples=0, training_cost_usd=None))


def test_a_scenario_without_a_training_cost_points_to_exercise_3():
    with pytest.raises(ValueError, match="no training cost.*exercise 3's estimate_training_cost"):
        break_even(dataclasses.replace(TRIAGE, training_cost_usd=None))


def test_break_even_matches_the_hand_arithmetic():
    # Long prompt: 2,800 input at $0.15/1M + 60 output at $0.60/1M = $0.000456 a request.
    # Fine-tuned: 330 input at $0.30/1M + 60 output at $1.20/1M = $0.000171 a request.
    # Saving $0.000285 a request: $1.4364 / $0.000285 = 5,040 requests = 0.252 days at 20,000 a day.
    result = break_even(TRIAGE)
    assert result.model == "gpt-4o-mini-2024-07-18"
    assert result.prompt_cost_per_request_usd == pytest.approx(0.000456, abs=1e-12)
    assert result.fine_tuned_cost_per_request_usd == pytest.approx(0.000171, abs=1e-12)
    assert result.requests_to_pay_back == 5040
    assert result.days_to_pay_back == pytest.approx(0.252)
    assert result.pays_within_a_month
    assert "pays back after 5,040 requests, 0.3 days at 20,000/day (pays within a month)" in str(result)


def test_low_traffic_does_not_pay_within_a_month():
    result = break_even(dataclasses.replace(TRIAGE, requests_per_day=100))
    assert result.requests_to_pay_back == 5040 and result.days_to_pay_back == pytest.approx(50.4)
    assert not result.pays_within_a_month and "does not pay within a month" in str(result)


def test_a_short_prompt_never_pays_back_because_fine_tuned_tokens_cost_more():
    result = break_even(dataclasses.replace(TRIAGE, prompt_tokens=100))
    assert result.saving_per_request_usd < 0
    assert (
        result.requests_to_pay_back is None
        and result.days_to_pay_back is None
        and not result.pays_within_a_month
    )
    assert "never pays back" in str(result)


def test_no_traffic_never_pays_back_a_real_cost():
    result = break_even(dataclasses.replace(TRIAGE, requests_per_day=0))
    assert (
        result.requests_to_pay_back == 5040
        and result.days_to_pay_back is None
        and not result.pays_within_a_month
    )


def test_free_training_with_any_saving_pays_at_once():
    result = payback(
        model="m",
        training_cost_usd=0.0,
        prompt_cost_per_request_usd=2e-4,
        fine_tuned_cost_per_request_usd=1e-4,
        requests_per_day=0,
    )
    assert result.requests_to_pay_back == 0 and result.days_to_pay_back == 0.0 and result.pays_within_a_month


@given(
    cost=st.floats(0, 1000),
    cheaper_by=st.floats(0, 1),
    per_day=st.integers(0, 10**6),
    prompt=st.integers(0, 10_000),
)
def test_cheaper_training_never_turns_a_pay_into_a_no_pay(cost, cheaper_by, per_day, prompt):
    scenario = dataclasses.replace(
        TRIAGE, training_cost_usd=cost, requests_per_day=per_day, prompt_tokens=prompt
    )
    if break_even(scenario).pays_within_a_month:
        assert break_even(
            dataclasses.replace(scenario, training_cost_usd=cost * cheaper_by)
        ).pays_within_a_month


@given(per_day=st.integers(0, 10**6), more=st.integers(0, 10**6), prompt=st.integers(0, 10_000))
def test_more_traffic_never_turns_a_pay_into_a_no_pay(per_day, more, prompt):
    scenario = dataclasses.replace(TRIAGE, requests_per_day=per_day, prompt_tokens=prompt)
    if break_even(scenario).pays_within_a_month:
        assert break_even(dataclasses.replace(scenario, requests_per_day=per_day + more)).pays_within_a_month


@given(prompt=st.integers(0, 20_000), longer=st.integers(0, 20_000))
def test_a_longer_prompt_never_lowers_the_saving(prompt, longer):
    shorter = break_even(dataclasses.replace(TRIAGE, prompt_tokens=prompt))
    assert (
        break_even(dataclasses.replace(TRIAGE, prompt_tokens=prompt + longer)).saving_per_request_usd
        >= shorter.saving_per_request_usd
    )


def test_the_vocabulary_is_the_one_the_exercise_teaches():
    assert APPROACHES == ("prompt", "rag", "fine-tune", "rag+fine-tune")
    assert decisions.MIN_EXAMPLES == 10 and decisions.USUAL_START_EXAMPLES == 50
