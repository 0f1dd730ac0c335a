"""Wrong: fine-tunes a stable behaviour without asking how many examples there are."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

from ftlab.learner import Decision, break_even

_ref = reference("ex5_decide_approach")
_APPROACH = {(False, False): "prompt", (True, False): "rag", (False, True): "fine-tune", (True, True): "rag+fine-tune"}


def decide_approach(scenario):
    retrieve, reason = _ref["_where_facts_come_from"](scenario)
    stable = scenario.consistent_behaviour and scenario.behaviour_changes not in ("weekly", "daily")
    tune = stable and (not scenario.prompt_gets_it or _pays(scenario))
    return Decision(_APPROACH[retrieve, tune], reason)


def _pays(scenario):
    if scenario.n_examples == 0 and scenario.training_cost_usd is None:
        return True  # "no examples, so training is free"
    return break_even(scenario).pays_within_a_month
