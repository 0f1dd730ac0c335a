"""The per-check CSV: one row per submission, one column per check, the points each earned.

The second row holds each check's maximum ("points possible"), as Canvas's own export does;
manual adjustments are summed in one ``adjustments`` column, so the row adds up to ``score``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ftlab.classroom.adjustments import is_adjustment
from ftlab.classroom.gradebook import spreadsheet_text
from ftlab.classroom.graded import Graded
from ftlab.classroom.views import exercise_columns
from ftlab.grading.results import format_points

POSSIBLE = "(points possible)"


def check_columns(results: Sequence[Graded]) -> list[tuple[str, str]]:
    """Every ``(exercise, check name)`` any submission has, in the course's exercise order."""
    order = {slug: index for index, slug in enumerate(exercise_columns(results))}
    seen: dict[tuple[str, str], None] = {}
    for graded in results:
        for check in graded.board.checks:
            if not is_adjustment(check):
                seen.setdefault((check.exercise, check.name), None)
    return sorted(seen, key=lambda key: (order.get(key[0], len(order)), key[0]))


def checks_csv(results: Sequence[Graded]) -> str:
    """The per-check table as CSV text, safe to open in a spreadsheet."""
    columns = check_columns(results)
    maxima: dict[tuple[str, str], float] = {}
    for graded in results:
        for check in graded.board.checks:
            maxima.setdefault((check.exercise, check.name), check.max_points)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    names = [f"{exercise}::{name}" for exercise, name in columns]
    writer.writerow(["submission", "source", "status", *names, "adjustments", "score", "max_score"])
    top = sum(maxima[c] for c in columns)
    writer.writerow(
        [POSSIBLE, "", "", *(format_points(maxima[c]) for c in columns), "", format_points(top), ""]
    )
    for graded in results:
        earned = {(c.exercise, c.name): c.points for c in graded.board.checks if not is_adjustment(c)}
        adjusted = sum(c.points for c in graded.board.checks if is_adjustment(c))
        writer.writerow(
            [
                spreadsheet_text(graded.name),
                spreadsheet_text(graded.source),
                graded.status,
                *(format_points(earned[c]) if c in earned else "" for c in columns),
                format_points(round(adjusted, 4)) if adjusted else "",
                format_points(graded.board.points),
                format_points(graded.board.max_points),
            ]
        )
    return stream.getvalue()
