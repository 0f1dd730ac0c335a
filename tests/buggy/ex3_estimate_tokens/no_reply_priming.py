"""Wrong: the reference solution, but it forgets the 3 tokens that prime every reply."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_solution = reference("ex3_estimate_tokens")
_solution["count_tokens"].__globals__["REPLY_PRIMING"] = 0

count_tokens = _solution["count_tokens"]
estimate_training_cost = _solution["estimate_training_cost"]
