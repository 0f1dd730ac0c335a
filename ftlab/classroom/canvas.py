"""Canvas's gradebook import CSV: the columns Canvas's own export has, one assignment column.

Canvas matches rows on Student, ID, SIS User ID or SIS Login ID; ftlab knows only the
submission's name, so it goes in Student and in SIS Login ID (name submissions by login, e.g.
GitHub Classroom's repository suffix or the LMS's download folder, and the import matches them).
The assignment column is ``NAME`` (Canvas creates a new assignment) or ``NAME (ID)`` to fill the
existing assignment with that id (the number in the assignment's URL). The second row gives the
points possible, as in Canvas's export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ftlab.classroom.gradebook import spreadsheet_text
from ftlab.classroom.graded import Graded
from ftlab.grading.results import format_points

HEADER = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"


def assignment_header(name: str = "ftlab", assignment_id: int | None = None) -> str:
    """The assignment column's header: ``ftlab`` or ``ftlab (12345)``."""
    return f"{name} ({assignment_id})" if assignment_id is not None else name


def canvas_csv(
    results: Sequence[Graded], *, assignment: str = "ftlab", assignment_id: int | None = None
) -> str:
    """One row per submission, its total score in the assignment column."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([*HEADER, assignment_header(assignment, assignment_id)])
    possible = max((g.board.max_points for g in results), default=0.0)
    writer.writerow([POINTS_POSSIBLE, "", "", "", "", format_points(possible)])
    for graded in results:
        name = spreadsheet_text(graded.name)
        writer.writerow([name, "", "", name, "", format_points(graded.board.points)])
    return stream.getvalue()
