"""Wrong: reads the break-even backwards, fine-tuning when it takes MORE than a month to pay back."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

from ftlab.learner import USUAL_START_EXAMPLES, Decision, break_even

MONTH_DAYS = 30

_ref = reference("ex5_decide_approach")
_APPROACH = {(False, False): "prompt", (True, False): "rag", (False, True): "fine-tune", (True, True): "rag+fine-tune"}


def decide_approach(scenario):
    retrieve, reason = _ref["_where_facts_come_from"](scenario)
    stable = scenario.consistent_behaviour and scenario.behaviour_changes not in ("weekly", "daily")
    tune = stable and scenario.n_examples >= USUAL_START_EXAMPLES and (not scenario.prompt_gets_it or _slow(scenario))
    return Decision(_APPROACH[retrieve, tune], reason)


def _slow(scenario):
    days = break_even(scenario).days_to_pay_back
    return days is not None and days > MONTH_DAYS
