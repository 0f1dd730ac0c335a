"""Canvas's gradebook import CSV: its columns, the points possible, the login, safe cells."""

from __future__ import annotations

import csv
import io

from ftlab.classroom.canvas import HEADER, assignment_header, canvas_csv
from tests.classroom.sample_results import the_class


def test_the_columns_are_canvas_import_columns_with_the_name_as_the_login():
    rows = list(csv.reader(io.StringIO(canvas_csv(the_class()))))
    assert (
        rows[0]
        == [*HEADER, "ftlab"]
        == [*("Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ftlab")]
    )
    assert rows[1] == ["    Points Possible", "", "", "", "", "7"]
    assert rows[2] == ["alice", "", "", "alice", "", "2.50"]
    assert rows[4][0] == rows[4][3] == "'-carol" and rows[4][5] == "0"


def test_an_existing_assignment_is_named_with_its_id():
    assert assignment_header("Lab 3", 12345) == "Lab 3 (12345)"
    assert canvas_csv(the_class(), assignment="Lab 3", assignment_id=9).splitlines()[0].endswith("Lab 3 (9)")
