"""Wrong: the reference solution, but "auto" is always 3 epochs, whatever the number of examples."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_solution = reference("ex3_estimate_tokens")
_solution["estimate_training_cost"].__globals__["auto_epochs"] = lambda n_examples: 3

count_tokens = _solution["count_tokens"]
estimate_training_cost = _solution["estimate_training_cost"]
