"""Wrong: fine-tunes any stable behaviour with enough examples, even when a prompt works and it never pays."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

from ftlab.learner import USUAL_START_EXAMPLES, Decision

_ref = reference("ex5_decide_approach")
_APPROACH = {(False, False): "prompt", (True, False): "rag", (False, True): "fine-tune", (True, True): "rag+fine-tune"}


def decide_approach(scenario):
    retrieve, reason = _ref["_where_facts_come_from"](scenario)
    stable = scenario.consistent_behaviour and scenario.behaviour_changes not in ("weekly", "daily")
    tune = stable and scenario.n_examples >= USUAL_START_EXAMPLES
    return Decision(_APPROACH[retrieve, tune], reason)
