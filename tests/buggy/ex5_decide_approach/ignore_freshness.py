"""Wrong: never asks how often the facts change, so small facts that change daily stay in the prompt (or the model)."""

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex5_decide_approach")


def decide_approach(scenario):
    return _ref["decide_approach"](dataclasses.replace(scenario, facts_change="never"))
