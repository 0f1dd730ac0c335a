"""The per-check CSV: one row per submission, one column per check, rows adding up to the score."""

from __future__ import annotations

import csv
import io

from ftlab.classroom.checks_table import POSSIBLE, check_columns, checks_csv
from tests.classroom.sample_results import the_class


def test_one_row_per_submission_and_one_column_per_check_in_exercise_order():
    results = the_class()
    rows = list(csv.reader(io.StringIO(checks_csv(results))))
    columns = check_columns(results)
    assert [c[0] for c in columns] == ["ex1_build_example"] * 2 + ["ex2_validate_record"] * 3
    assert rows[0][3:-3] == [f"{e}::{n}" for e, n in columns]
    assert rows[1][0] == POSSIBLE and rows[1][3:-3] == ["2", "2", "1", "1", "1"]
    assert [r[0] for r in rows[2:]] == ["alice", "bob", "'-carol"]
    alice = rows[2]
    assert alice[3:-3] == ["2", "0", "0", "0.50", "0"] and alice[-2:] == ["2.50", "7"]


def test_a_submission_missing_a_check_leaves_its_cell_empty():
    results = the_class()
    results[1].board.checks.pop()
    row = list(csv.reader(io.StringIO(checks_csv(results))))[3]
    assert row[-4] == ""
