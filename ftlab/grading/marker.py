"""The ``points`` marker every graded check carries: its documented signature and its validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pytest

from ftlab.grading.results import VISIBILITIES, Visibility
from ftlab.values import is_number, is_strict_int

MARKER_POINTS = (
    "points(max_points, *, hint, task=None, visibility='visible'): a graded check worth max_points; "
    "hint is shown to the learner when it fails; visibility 'hidden' shows only the name and hint."
)


@dataclass(frozen=True)
class PointsSpec:
    """A validated ``points`` marker."""

    max_points: float
    hint: str
    task: int | None
    visibility: Visibility


def points_spec(
    max_points: float, *, hint: str, task: int | None = None, visibility: str = "visible"
) -> PointsSpec:
    """Check a ``points`` marker's arguments (same signature as the marker)."""
    if not is_number(max_points) or not max_points > 0:
        raise ValueError(f"max_points must be a positive number, got {max_points!r}")
    if not isinstance(hint, str) or not hint.strip():
        raise ValueError("hint must be a non-empty sentence for the learner")
    if task is not None and (not is_strict_int(task) or task < 1):
        raise ValueError(f"task must be a task number (1, 2, ...), got {task!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, got {visibility!r}")
    return PointsSpec(float(max_points), hint.strip(), task, cast(Visibility, visibility))


def marker_call(marker: pytest.Mark) -> str:
    """How the marker was written: ``(2, hint='...', task=1)``."""
    parts = [repr(a) for a in marker.args] + [f"{k}={v!r}" for k, v in marker.kwargs.items()]
    return f"({', '.join(parts)})"
