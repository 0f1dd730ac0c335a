"""Label balance: when answers carry a label-like field, how many answers carry each label.

The label is the first value of the dominant shape (``Category`` in ``Category: … / Priority: …``;
the first JSON key; a whole one-line answer) when it is short (at most a few words) in at least
``SHORT_SHARE`` of the answers and takes few distinct values: at most ``MAX_LABELS``, and at
most half as many as there are answers. A label is rare when it has fewer than ``RARE_SHARE`` of
the answers an even split would give it (and fewer than ``RARE_COUNT``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ftlab.dataset.quality.drift import Answer
from ftlab.dataset.quality.lines import line_list
from ftlab.dataset.quality.results import LABEL_IMBALANCE, QualityWarning
from ftlab.dataset.quality.shapes import Shape
from ftlab.dataset.wording import printable

MAX_LABELS = 30
SHORT_SHARE = 0.9
RARE_SHARE = 0.2
RARE_COUNT = 5


def label_positions(usual: Shape | None, in_shape: Sequence[Answer]) -> list[int]:
    """Which values of the dominant shape are label-like (short, few distinct values), in order."""
    if usual is None or len(in_shape) < 4:
        return []
    return [p for p in range(len(in_shape[0].values)) if _label_like([a.values[p].label for a in in_shape])]


def _label_like(labels: list[str | None]) -> bool:
    short = [label for label in labels if label is not None]
    if len(short) < SHORT_SHARE * len(labels):
        return False
    distinct = len(set(short))
    return 2 <= distinct <= MAX_LABELS and distinct <= len(labels) / 2


def label_counts(answers: Sequence[Answer], usual: Shape | None, position: int | None) -> dict[str, int]:
    """How many answers of the dominant shape carry each label, commonest first."""
    if position is None:
        return {}
    counts: Counter[str] = Counter()
    written: dict[str, str] = {}
    for answer in answers:
        value = answer.values[position]
        if answer.shape == usual and value.label is not None and value.text is not None:
            counts[value.label] += 1
            written.setdefault(value.label, value.text)
    return {written[label]: count for label, count in counts.most_common()}


def imbalance_warnings(
    answers: Sequence[Answer], usual: Shape | None, position: int | None, counts: dict[str, int]
) -> list[QualityWarning]:
    """One warning per rare label, naming the lines that carry it."""
    if position is None or len(counts) < 2:
        return []
    total = sum(counts.values())
    even = total / len(counts)
    assert usual is not None
    name = usual.field_name(position)
    found = []
    for label, count in counts.items():
        if count >= RARE_SHARE * even or count >= RARE_COUNT:
            continue
        folded = label.casefold()
        lines = sorted({a.line for a in answers if a.shape == usual and a.values[position].label == folded})
        found.append(
            QualityWarning(
                LABEL_IMBALANCE,
                tuple(lines),
                f"{name} '{printable(label)}' is on only {count} of the {total} answers "
                f"({line_list(lines)}), where an even split over the {len(counts)} labels would give "
                f"{even:.0f}: the model will rarely answer it; add examples of it, or check it is not a typo",
            )
        )
    return found
