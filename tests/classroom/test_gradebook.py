"""The CSV gradebook: one row per submission, one column per exercise, no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest

from ftlab.classroom.gradebook import gradebook_csv, spreadsheet_text
from tests.classroom.sample_results import golden, the_class


def test_the_gradebook_has_one_row_per_submission_one_column_per_exercise_and_the_path_graded():
    text = gradebook_csv(the_class())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "submission",
        "status",
        "ex1_build_example",
        "ex2_validate_record",
        "score",
        "max_score",
        "message",
        "path",
    ]
    assert [r[-1] for r in rows[1:]] == [g.source for g in the_class()]
    assert [r[:6] for r in rows[1:]] == [
        ["alice", "graded", "2", "0.50", "2.50", "7"],
        ["bob", "malformed", "0", "0", "0", "7"],
        ["'-carol", "error", "0", "0", "0", "7"],
    ]
    golden("gradebook.csv", text)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-carol", "@cmd", "\tx", "\rx"])
def test_a_cell_that_starts_like_a_formula_is_kept_as_text(text):
    assert spreadsheet_text(text) == "'" + text


def test_ordinary_text_is_left_as_it_is():
    assert spreadsheet_text("alice") == "alice" and spreadsheet_text("") == ""
