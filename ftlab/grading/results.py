"""Grading results: one record per check, totals per exercise, and the scoreboard's renderings."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ftlab.dataset.jsonl import atomic_writer
from ftlab.grading.exercises import EXERCISES, UnknownExercise, find

Status = Literal["passed", "failed", "error", "skipped"]
Visibility = Literal["visible", "hidden"]
VISIBILITIES: tuple[str, ...] = ("visible", "hidden")


@dataclass
class CheckResult:
    """One graded check: what it was worth, what it earned, and what the learner is told."""

    name: str
    exercise: str
    points: float
    max_points: float
    status: Status
    visibility: Visibility = "visible"
    task: int | None = None
    hint: str = ""
    feedback: str = ""
    nodeid: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        return cls(**data)

    def public(self) -> CheckResult:
        """What a learner may see of this check: a hidden one keeps only its name, hint and score."""
        if self.visibility == "visible":
            return self
        feedback = self.feedback if self.status == "passed" else "(hidden check: details are not shown)"
        return CheckResult(
            self.name,
            self.exercise,
            self.points,
            self.max_points,
            self.status,
            "hidden",
            self.task,
            self.hint,
            feedback,
        )


class _Totals:
    """Points earned and possible over ``self.checks``."""

    checks: list[CheckResult]

    @property
    def points(self) -> float:
        return round(sum(c.points for c in self.checks), 4)

    @property
    def max_points(self) -> float:
        return round(sum(c.max_points for c in self.checks), 4)


@dataclass
class ExerciseScore(_Totals):
    """The checks of one exercise and their totals."""

    slug: str
    title: str
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def failing(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status != "passed"]


@dataclass
class Scoreboard(_Totals):
    """Every check of a run, grouped by exercise in the course's order."""

    checks: list[CheckResult] = field(default_factory=list)

    def exercises(self) -> list[ExerciseScore]:
        titles = {e.slug: e.title for e in EXERCISES}
        order = {e.slug: e.number for e in EXERCISES}
        groups: dict[str, ExerciseScore] = {}
        for check in self.checks:
            groups.setdefault(
                check.exercise, ExerciseScore(check.exercise, titles.get(check.exercise, check.exercise))
            ).checks.append(check)
        return sorted(groups.values(), key=lambda g: (order.get(g.slug, 99), g.slug))

    def to_dict(self, *, public_only: bool = False) -> dict[str, Any]:
        checks = [c.public() if public_only else c for c in self.checks]
        return {
            "score": self.points,
            "max_score": self.max_points,
            "exercises": [
                {"exercise": g.slug, "title": g.title, "score": g.points, "max_score": g.max_points}
                for g in self.exercises()
            ],
            "tests": [c.to_dict() for c in checks],
        }

    def write_json(self, path: str | os.PathLike[str], *, public_only: bool = False) -> None:
        with atomic_writer(path) as stream:
            json.dump(self.to_dict(public_only=public_only), stream, indent=2, ensure_ascii=False)
            stream.write("\n")

    def lines(self) -> list[str]:
        """The scoreboard as text lines: one per exercise, then the total."""
        rows = []
        groups = self.exercises()
        width = max([34] + [len(exercise_label(g.slug)) + 1 for g in groups])
        for group in groups:
            todo = len(group.failing)
            state = "all checks pass" if not todo else f"{todo} check{'s' if todo != 1 else ''} to fix"
            score = f"{format_points(group.points):>6} / {format_points(group.max_points):<6}"
            rows.append(f"{exercise_label(group.slug):<{width}} {score} {state}")
        percent = 100 * self.points / self.max_points if self.max_points else 0.0
        rows.append("-" * (width + 30))
        score = f"{format_points(self.points):>6} / {format_points(self.max_points):<6}"
        rows.append(f"{'total':<{width}} {score} ({percent:.0f}%)")
        return rows


def exercise_label(slug: str) -> str:
    """'1. Build a training example' for a slug (the slug itself when it names no exercise)."""
    try:
        exercise = find(slug)
    except UnknownExercise:
        return slug
    return f"{exercise.number}. {exercise.title}"


def format_points(value: float) -> str:
    """Points as people write them: 2, 0.50."""
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def load_checks(data: Iterable[dict[str, Any]]) -> Scoreboard:
    """A scoreboard rebuilt from checks written as dicts (``CheckResult.to_dict``)."""
    return Scoreboard([CheckResult.from_dict(d) for d in data])
