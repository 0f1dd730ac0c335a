"""Wrong: the reference solution, but it bills every token of an example longer than the training context."""

import dataclasses
import sys
from pathlib import Path

from ftlab.learner import resolve_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_solution = reference("ex3_estimate_tokens")
_solution["estimate_training_cost"].__globals__["resolve_model"] = lambda model: dataclasses.replace(resolve_model(model), training_context=10**12)

count_tokens = _solution["count_tokens"]
estimate_training_cost = _solution["estimate_training_cost"]
