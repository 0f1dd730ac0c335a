"""The CSV gradebook: one row per submission, one column per exercise, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ftlab.classroom.graded import Graded
from ftlab.classroom.views import exercise_columns
from ftlab.grading.results import format_points


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_csv(results: Sequence[Graded]) -> str:
    """One row per submission, one column per exercise, plus status, total, why not graded, the path."""
    columns = exercise_columns(results)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(["submission", "status", *columns, "score", "max_score", "message", "path"])
    for graded in results:
        scores = {g.slug: format_points(g.points) for g in graded.board.exercises()}
        writer.writerow(
            [
                spreadsheet_text(graded.name),
                graded.status,
                *(scores.get(c, "") for c in columns),
                format_points(graded.board.points),
                format_points(graded.board.max_points),
                spreadsheet_text(graded.message),
                spreadsheet_text(graded.source),
            ]
        )
    return stream.getvalue()
