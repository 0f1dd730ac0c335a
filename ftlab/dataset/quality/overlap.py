"""Train/validation overlap: validation examples that are also, or almost, in the training file.

A validation example overlaps when it is the same example as a training one, has the same input
(system prompt and messages before the answer), or a near-duplicate input (the rule of
:mod:`ftlab.dataset.quality.similarity`). Overlap makes the validation loss measure memory,
not learning. The warning's lines are training lines; the validation lines are in its message.
"""

from __future__ import annotations

from collections.abc import Sequence

from ftlab.dataset.quality.conflicts import RULE, SameInputs
from ftlab.dataset.quality.duplicates import ExactDuplicates
from ftlab.dataset.quality.examples import chat_example
from ftlab.dataset.quality.lines import line_list
from ftlab.dataset.quality.results import OVERLAP, QualityWarning
from ftlab.dataset.quality.similarity import NearInputs, cross_pairs


def overlap_warnings(
    validation: Sequence[object | None],
    same_examples: ExactDuplicates,
    same_inputs: SameInputs,
    near: NearInputs,
) -> list[QualityWarning]:
    """One warning per validation example found in the training file (exactly, by input, or nearly)."""
    held = NearInputs(limit=near.limit)
    found = []
    for index, record in enumerate(validation):
        example = chat_example(index + 1, record) if record is not None else None
        if example is None:
            continue
        lines = same_examples.lines_of(example.key)
        what = "the same example as"
        if not lines:
            lines = same_inputs.lines_of(example.input_key)
            what = "the same input as"
        if lines:
            found.append(_warning(example.line, lines, what))
            continue
        held.add(example.line, example.prompt_words or [], example.prompt_key)
    nearly: dict[int, list[int]] = {}
    for pair in cross_pairs(near, held):
        nearly.setdefault(pair.second, []).append(pair.first)
    for line, lines in nearly.items():
        found.append(_warning(line, lines, f"almost the same input ({RULE}) as"))
    found.sort(key=lambda w: w.lines)
    return found


def _warning(validation_line: int, lines: Sequence[int], what: str) -> QualityWarning:
    return QualityWarning(
        OVERLAP,
        tuple(lines),
        f"Validation line {validation_line} is {what} training {line_list(lines)}: the validation "
        "loss would measure memory, not learning; keep the two files apart",
    )
