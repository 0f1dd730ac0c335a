"""Wrong: the reference solution, but it counts every model with cl100k_base (gpt-4o-mini uses o200k_base)."""

import sys
from pathlib import Path

from ftlab.learner import encoding_name_for_model, get_encoding

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_solution = reference("ex3_estimate_tokens")
_solution["count_tokens"].__globals__["encoding_for"] = lambda model: encoding_name_for_model(model) and get_encoding("cl100k_base")

count_tokens = _solution["count_tokens"]
estimate_training_cost = _solution["estimate_training_cost"]
