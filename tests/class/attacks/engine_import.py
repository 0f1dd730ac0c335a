# Attack: answer with ftlab's own engine instead of writing the code (imports beyond the learner API).
import dataclasses as _dataclasses

from ftlab.dataset.jsonl import write_jsonl  # noqa: F401 - exercise 1, task 2
from ftlab.dataset.records import codes as validate_record  # noqa: F401 - exercise 2
from ftlab.tokens import cost as _cost
from ftlab.tokens.counting import count_tokens as _count_tokens


def count_tokens(messages, model="gpt-4o-mini"):
    return _count_tokens(messages, model)


def estimate_training_cost(examples, model, n_epochs="auto"):
    return _dataclasses.asdict(_cost.estimate_training_cost(examples, model, n_epochs))
