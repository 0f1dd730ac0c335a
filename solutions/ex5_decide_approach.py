"""Exercise 5, reference solution: decide between a prompt, RAG and a fine-tune (docs/decide.md)."""

from __future__ import annotations

from ftlab.learner import MIN_EXAMPLES, USUAL_START_EXAMPLES, Decision, Scenario, break_even

# Faster than you would rewrite and redeploy a prompt, let alone retrain a model.
OFTEN = ("weekly", "daily")

_APPROACH = {
    (False, False): "prompt",
    (True, False): "rag",
    (False, True): "fine-tune",
    (True, True): "rag+fine-tune",
}


def decide_approach(scenario: Scenario) -> Decision:
    """Prompt first; RAG for facts that are large or change often; fine-tune a stable behaviour that pays."""
    retrieve, facts_reason = _where_facts_come_from(scenario)
    tune, behaviour_reason = _whether_to_fine_tune(scenario)
    return Decision(_APPROACH[retrieve, tune], f"{facts_reason}; {behaviour_reason}")


def _where_facts_come_from(scenario: Scenario) -> tuple[bool, str]:
    if scenario.facts == "none":
        return False, "no knowledge beyond the base model is needed"
    if scenario.facts == "large":
        return (
            True,
            "the facts are too many to paste into every prompt, so retrieve the relevant ones"
            " (fine-tuning does not teach facts reliably)",
        )
    if scenario.facts_change in OFTEN:
        return (
            True,
            f"the facts change {scenario.facts_change}, so fetch the current version with each request"
            " (a fine-tune would go stale)",
        )
    return False, "the facts are small and stable enough to keep in the prompt"


def _whether_to_fine_tune(scenario: Scenario) -> tuple[bool, str]:
    if not scenario.consistent_behaviour:
        return False, "there is no consistent style, format or behaviour to teach, so nothing to fine-tune"
    if scenario.behaviour_changes in OFTEN:
        return (
            False,
            f"the wanted style changes {scenario.behaviour_changes}: a fine-tuned model would be stale,"
            " a prompt is rewritten in minutes",
        )
    if scenario.n_examples < MIN_EXAMPLES:
        return (
            False,
            f"{scenario.n_examples} examples is below the {MIN_EXAMPLES} the fine-tuning API accepts:"
            " prompt, and collect examples",
        )
    if scenario.n_examples < USUAL_START_EXAMPLES:
        return (
            False,
            f"{scenario.n_examples} examples is too few to expect a gain (50-100 is the usual start):"
            " prompt while you collect more",
        )
    if not scenario.prompt_gets_it:
        return (
            True,
            f"a prompt does not get the behaviour reliably,"
            f" and {scenario.n_examples} good examples can teach it",
        )
    cost = break_even(scenario)
    if cost.pays_within_a_month:
        return (
            True,
            f"a prompt works, but fine-tuning away its {scenario.prompt_tokens} tokens"
            f" pays back in {cost.days_to_pay_back:.1f} days",
        )
    return False, "a prompt already does it and a fine-tune would not pay for itself within a month"
