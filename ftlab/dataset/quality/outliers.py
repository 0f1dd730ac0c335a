"""Length outliers by a robust rule: the median and the median absolute deviation (MAD).

A length is an outlier when its modified z-score, 0.6745 x |length - median| / MAD, is over
``Z_LIMIT`` (3.5, Iglewicz and Hoaglin's rule) and it is also at least ``RATIO`` times the
median, or at most the median divided by it: 5 for inputs (an e-mail may well be long), 3 for
answers (what the model learns to write). Lengths in characters; at least ``MIN_EXAMPLES``
needed. Kept: two integers per example, in arrays.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from ftlab.dataset.quality.results import LENGTH_OUTLIER, QualityWarning

Z_LIMIT = 3.5
INPUT_RATIO = 5.0
ANSWER_RATIO = 3.0
MIN_EXAMPLES = 8
#: Up to this many lengths are sorted in Python (no numpy import for a small file).
_SORTED = 1000


@dataclass(frozen=True)
class Band:
    """The usual range of a length: median, MAD and the limits past which a length is an outlier."""

    median: float
    mad: float
    low: float
    high: float


def band(values: array[int], ratio: float) -> Band | None:
    """The band of ``values`` (None when there are too few to judge)."""
    if len(values) < MIN_EXAMPLES:
        return None
    median, mad = _medians(values)
    mad = max(mad, 1.0)
    spread = Z_LIMIT * mad / 0.6745
    return Band(median, mad, min(median - spread, median / ratio), max(median + spread, median * ratio))


def _medians(values: array[int]) -> tuple[float, float]:
    """The median of ``values`` and that of their absolute deviations from it, as
    ``statistics.median`` gives them (the same values, of the same types), sorted by numpy past
    ``_SORTED`` values (a large file's batches have imported it already)."""
    if len(values) <= _SORTED:
        median = _median(sorted(values))
        return median, _median(sorted(map(abs, map(operator.sub, values, repeat(median, len(values))))))
    import numpy as np

    found = np.asarray(values)
    median = _median(np.sort(found)).item()
    return median, _median(np.sort(np.abs(found - median))).item()


def _median(ordered: Any) -> Any:
    """``statistics.median`` of values already sorted (the same value, of the same type)."""
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


@dataclass
class Lengths:
    """The length of each example's input and of its longest answer (``add``), and the outliers."""

    _input_lines: array[int] = field(default_factory=lambda: array("l"))
    _inputs: array[int] = field(default_factory=lambda: array("l"))
    _answer_lines: array[int] = field(default_factory=lambda: array("l"))
    _answers: array[int] = field(default_factory=lambda: array("l"))

    def add(self, line: int, prompt: str, answers: tuple[str, ...]) -> None:
        """Note an example's input length and its longest answer's (when it has answers)."""
        if prompt and not prompt.isspace():  # has a word (``strip`` would copy the text to say so)
            self._input_lines.append(line)
            self._inputs.append(len(prompt))
        if answers and not all(a.isspace() or not a for a in answers):
            self._answer_lines.append(line)
            self._answers.append(max(map(len, answers)))

    def add_batch(
        self, lines: Sequence[int], prompts: Sequence[str], answers: Sequence[tuple[str, ...]]
    ) -> None:
        """``add`` for examples whose answers all have a word (a ``chat_parts``'s answers)."""
        input_lines, inputs, answer_lines, longest = (
            self._input_lines,
            self._inputs,
            self._answer_lines,
            self._answers,
        )
        for line, prompt, said in zip(lines, prompts, answers, strict=True):
            if prompt and not prompt.isspace():
                input_lines.append(line)
                inputs.append(len(prompt))
            if said:
                answer_lines.append(line)
                longest.append(max(map(len, said)))

    def warnings(self) -> list[QualityWarning]:
        found = []
        for what, lines, values, ratio in (
            ("input", self._input_lines, self._inputs, INPUT_RATIO),
            ("answer", self._answer_lines, self._answers, ANSWER_RATIO),
        ):
            usual = band(values, ratio)
            if usual is None or usual.low <= min(values) and max(values) <= usual.high:
                continue  # no outlier (most files): no line looked at
            for line, value in zip(lines, values, strict=True):
                if value < usual.low or value > usual.high:
                    message = _message(line, what, value, usual, ratio)
                    found.append(QualityWarning(LENGTH_OUTLIER, (line,), message))
        return found


def _message(line: int, what: str, value: int, usual: Band, ratio: float) -> str:
    side = "longer" if value > usual.median else "shorter"
    return (
        f"Line {line}'s {what} is {value:,} characters, far {side} than the file's usual {what} "
        f"(median {usual.median:.0f}; outside median ± 3.5 × MAD / 0.6745 and {ratio:g}× the median): "
        "check it is complete and meant to be in this file"
    )
