"""The engine's side of exercise 5: the training cost a scenario leaves out, estimated.

The vocabulary (Scenario, Decision, break_even) lives in :mod:`ftlab.learner.decisions`, where
learner code can use it; the estimate here is exercise 3's answer, so it stays on the engine's
side: the grader prices every scenario before the learner's rule sees it.
"""

from __future__ import annotations

import dataclasses

from ftlab.learner.decisions import SHORT_PROMPT_TOKENS, Scenario
from ftlab.tokens.cost import estimate_from_token_counts

#: Chat framing per message (3 tokens) for system, user and assistant, as ``ftlab.tokens.counting`` counts.
FRAMING_TOKENS = 9


def training_cost_usd(scenario: Scenario) -> float:
    """The one-off training cost: the scenario's own figure, or exercise 3's estimate."""
    if scenario.training_cost_usd is not None:
        return float(scenario.training_cost_usd)
    if scenario.n_examples < 1:
        raise ValueError("no examples, so nothing to train: a training cost needs n_examples >= 1")
    per_example = SHORT_PROMPT_TOKENS + scenario.request_tokens + scenario.answer_tokens + FRAMING_TOKENS
    return estimate_from_token_counts([per_example] * scenario.n_examples, scenario.model).cost_usd


def priced(scenario: Scenario) -> Scenario:
    """``scenario`` with the estimate as its training cost (as it is if it has one, or no examples)."""
    if scenario.training_cost_usd is not None or scenario.n_examples < 1:
        return scenario
    return dataclasses.replace(scenario, training_cost_usd=training_cost_usd(scenario))
