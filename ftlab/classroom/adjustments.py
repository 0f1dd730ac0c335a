"""Manual adjustments: an instructor's CSV of ``submission, check or exercise, points, reason``.

Each row adds ``points`` (negative to take some off) to one submission, on one check, on one
exercise, or (``*`` or an empty second field) on the whole submission. An adjustment is kept
in the scoreboard as an entry of its own, worth 0 points at most, so every score export counts
it, the learner's feedback shows it with its reason, and applying the file again (on every
regrade) gives the same scores: earlier adjustment entries are dropped first. A row on a check
keeps that check between 0 and its maximum.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ftlab.classroom.graded import Graded
from ftlab.errors import FtlabError
from ftlab.grading.results import CheckResult, Scoreboard

MARK = "ftlab-adjustment:"  # the nodeid prefix of an adjustment entry
WHOLE = "adjustment"  # the exercise column of an adjustment on the whole submission
FIELDS = ("submission", "check or exercise", "points", "reason")
_TARGET_NAMES = {"check or exercise", "check", "exercise", "target", "check_or_exercise"}


class AdjustmentError(FtlabError, ValueError):
    """A row of the adjustments file that cannot be used, said with its file, line and field."""

    def __init__(self, path: Path, line: int, field: str, reason: str) -> None:
        super().__init__(str(path), line, field, reason)
        self.path, self.line, self.field, self.reason = path, line, field, reason

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Adjustment:
    """One row: who, on what, how many points, why, and the line it came from."""

    submission: str
    target: str
    points: float
    reason: str
    line: int


@dataclass(frozen=True)
class Adjustments:
    """Every row of one adjustments file."""

    path: Path
    rows: tuple[Adjustment, ...] = ()

    def for_submission(self, graded: Graded) -> list[Adjustment]:
        names = _names(graded)
        return [row for row in self.rows if row.submission in names]

    def problems(self, results: Sequence[Graded]) -> list[str]:
        """Rows that change nothing in ``results``: no such submission, or no such check or exercise."""
        found = []
        for row in self.rows:
            matching = [g for g in results if row.submission in _names(g)]
            where = f"{self.path.name}, line {row.line}"
            if not matching:
                found.append(f"{where}: no submission is named {row.submission!r}")
            elif row.target and _match(row.target, matching[0].board.checks) is None:
                found.append(f"{where}: {row.submission!r} has no check or exercise {row.target!r}")
        return found


def _names(graded: Graded) -> set[str]:
    """What a row may call a submission: its name, or the file or folder graded."""
    source = Path(graded.source)
    return {graded.name, source.name, source.stem}


def is_adjustment(check: CheckResult) -> bool:
    return check.nodeid.startswith(MARK)


def load_adjustments(path: Path) -> Adjustments:
    """Read and check an adjustments CSV; raises :class:`AdjustmentError` naming file, line and field."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise AdjustmentError(path, 0, "", f"cannot be read ({error})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip().lower() for h in rows[0][:1]] != ["submission"]:
        raise AdjustmentError(path, 1, "", f"the first line must be the header: {', '.join(FIELDS)}")
    header = [h.strip().lower() for h in rows[0]]
    if len(header) != 4 or header[1] not in _TARGET_NAMES or header[2:] != ["points", "reason"]:
        raise AdjustmentError(path, 1, "", f"the header must be: {', '.join(FIELDS)}")
    read = [_row(path, number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    return Adjustments(path, tuple(read))


def _row(path: Path, line: int, row: list[str]) -> Adjustment:
    if len(row) != 4:
        raise AdjustmentError(path, line, "", f"expected 4 fields ({', '.join(FIELDS)}), got {len(row)}")
    submission, target, points, reason = (cell.strip() for cell in row)
    if not submission:
        raise AdjustmentError(path, line, "submission", "is empty; name the submission as the gradebook does")
    try:
        value = float(points)
    except ValueError:
        raise AdjustmentError(path, line, "points", f"{points!r} is not a number") from None
    if not math.isfinite(value) or value == 0:
        raise AdjustmentError(path, line, "points", f"must be a number other than 0, got {points!r}")
    if not reason:
        raise AdjustmentError(path, line, "reason", "is empty; the learner is shown why their score changed")
    return Adjustment(submission, "" if target == "*" else target, value, reason, line)


def _match(target: str, checks: Sequence[CheckResult]) -> tuple[str, CheckResult | None] | None:
    """The exercise and check (None: the whole exercise) that ``target`` names among ``checks``."""
    graded = [c for c in checks if not is_adjustment(c)]
    for check in graded:
        if target in (check.name, f"{check.exercise}::{check.name}", check.nodeid):
            return check.exercise, check
    for check in graded:
        number = check.exercise.split("_", 1)[0]
        if target in (check.exercise, number, number.removeprefix("ex")):
            return check.exercise, None
    return None


def apply_adjustments(graded: Graded, adjustments: Adjustments) -> Graded:
    """A copy of ``graded`` with this file's adjustments, and none applied before."""
    checks = [c for c in graded.board.checks if not is_adjustment(c)]
    earned = {id(c): c.points for c in checks}
    entries = []
    for row in adjustments.for_submission(graded):
        found = _match(row.target, checks) if row.target else (WHOLE, None)
        if found is None:
            continue
        exercise, check = found
        points = row.points
        if check is not None:
            points = min(max(points, -earned[id(check)]), check.max_points - earned[id(check)])
            earned[id(check)] += points
        entries.append(_entry(adjustments.path, row, exercise, round(points, 4)))
    return replace(graded, board=Scoreboard(checks + entries), notes=list(graded.notes))


def _entry(path: Path, row: Adjustment, exercise: str, points: float) -> CheckResult:
    on = row.target or "whole submission"
    return CheckResult(
        f"adjustment[{on}]",
        exercise,
        points,
        0.0,
        "passed",
        hint=row.reason,
        feedback=f"{points:+g} by your instructor: {row.reason}",
        nodeid=f"{MARK}{path.name}:{row.line}",
    )
