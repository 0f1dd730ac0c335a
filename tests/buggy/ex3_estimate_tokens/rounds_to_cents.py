"""Wrong: the reference solution, but the price is rounded to whole cents."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_solution = reference("ex3_estimate_tokens")
count_tokens = _solution["count_tokens"]


def estimate_training_cost(examples, model, n_epochs="auto"):
    estimate = _solution["estimate_training_cost"](examples, model, n_epochs)
    return {**estimate, "cost_usd": round(estimate["cost_usd"], 2)}
