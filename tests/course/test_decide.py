"""The engine's side of exercise 5: the training cost a scenario leaves out, estimated as exercise 3 does."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from ftlab.course import decide
from ftlab.course.decide import priced, training_cost_usd
from ftlab.learner import Scenario, break_even

TRIAGE = Scenario(
    "Triage support emails",
    consistent_behaviour=True,
    n_examples=400,
    requests_per_day=20000,
    prompt_tokens=2500,
)


def test_the_training_cost_is_exercise_3s_estimate():
    # 400 examples of 30 (system) + 300 (email) + 60 (answer) + 9 (framing) = 399 tokens;
    # auto epochs for 400 examples: 3; 478,800 billed tokens at gpt-4o-mini's $3.00/1M = $1.4364.
    assert training_cost_usd(TRIAGE) == pytest.approx(1.4364, abs=1e-9)


def test_a_known_training_cost_is_used_as_given():
    assert training_cost_usd(dataclasses.replace(TRIAGE, training_cost_usd=12.5)) == 12.5


def test_no_examples_and_no_figure_means_no_training_cost():
    with pytest.raises(ValueError, match="no examples"):
        training_cost_usd(dataclasses.replace(TRIAGE, n_examples=0))


def test_a_priced_scenario_carries_the_estimate_and_break_even_uses_it():
    scenario = priced(TRIAGE)
    assert scenario.training_cost_usd == pytest.approx(1.4364, abs=1e-9)
    assert dataclasses.replace(scenario, training_cost_usd=None) == TRIAGE
    assert break_even(scenario).requests_to_pay_back == 5040


def test_pricing_keeps_a_known_cost_and_leaves_a_scenario_without_examples_alone():
    known = dataclasses.replace(TRIAGE, training_cost_usd=12.5)
    assert priced(known) is known
    empty = dataclasses.replace(TRIAGE, n_examples=0)
    assert priced(empty) is empty


def test_the_engine_never_imports_the_reference_solutions():
    engine = Path(decide.__file__).parents[1]
    for path in engine.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n == "solutions" or n.startswith("solutions.") for n in names), (
                f"{path} imports {names}"
            )
