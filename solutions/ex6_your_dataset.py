"""Exercise 6, the reference: the answer is data, ``solutions/my_dataset.jsonl`` (24 examples,
three per category) and ``solutions/my_dataset_heldout.jsonl`` (10 more), written by hand."""

from __future__ import annotations

#: The training file, beside this one (Tasks 1 and 2).
DATASET = "my_dataset.jsonl"
#: The held-out file, beside this one (Task 3).
HELDOUT = "my_dataset_heldout.jsonl"
