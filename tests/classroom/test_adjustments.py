"""Manual adjustments: read with errors that name file, line and field; applied once, on every regrade."""

from __future__ import annotations

import json

import pytest

from ftlab.classroom.adjustments import (
    AdjustmentError,
    apply_adjustments,
    is_adjustment,
    load_adjustments,
)
from ftlab.classroom.checks_table import checks_csv
from ftlab.classroom.exports import write_reports
from ftlab.classroom.markdown import feedback_md
from tests.classroom.sample_results import alice, the_class

HEADER = "submission,check or exercise,points,reason\n"


def _file(tmp_path, rows: str, name: str = "adjust.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_check_an_exercise_and_the_whole_submission_can_be_adjusted(tmp_path):
    rows = (
        "alice,test_blank_text_is_refused[empty-user],1,raises the wrong error but explains it well\n"
        "alice,ex2_validate_record,-0.5,copied the sort from the notes without credit\n"
        "alice,*,2,bonus for the write-up\n"
    )
    graded = apply_adjustments(alice(), load_adjustments(_file(tmp_path, rows)))
    assert graded.board.points == alice().board.points + 1 - 0.5 + 2
    assert graded.board.max_points == alice().board.max_points
    scores = {g.slug: g.points for g in graded.board.exercises()}
    assert scores == {"ex1_build_example": 3.0, "ex2_validate_record": 0.0, "adjustment": 2.0}


def test_applying_again_on_a_regrade_changes_nothing(tmp_path):
    adjustments = load_adjustments(_file(tmp_path, "alice,1,1.5,extra care\n"))
    once = apply_adjustments(alice(), adjustments)
    twice = apply_adjustments(once, adjustments)
    assert twice.to_dict() == once.to_dict() and once.board.points == alice().board.points + 1.5


def test_a_check_is_kept_between_zero_and_its_maximum(tmp_path):
    rows = "alice,test_example_is_a_dict,5,more than it is worth\nalice,test_later,-3,less than nothing\n"
    graded = apply_adjustments(alice(), load_adjustments(_file(tmp_path, rows)))
    assert graded.board.points == alice().board.points  # the first is at its max, the second at 0


def test_feedback_and_every_export_show_the_adjustment(tmp_path):
    path = _file(tmp_path, "alice,ex1_build_example,1,partial credit for the error message\n")
    adjustments = load_adjustments(path)
    text = feedback_md(apply_adjustments(alice(), adjustments))
    assert "## Adjustments by your instructor" in text
    assert "+1 point on 1. Build a training example: partial credit for the error message" in text
    out = tmp_path / "out"
    write_reports(the_class(), out, adjustments=adjustments)
    assert json.loads((out / "alice" / "results.json").read_text())["score"] == 3.5
    assert (
        "3.50" in (out / "gradebook.csv").read_text()
        and "alice,,,alice,,3.50" in (out / "canvas.csv").read_text()
    )
    assert "partial credit for the error message" in (out / "alice" / "feedback.md").read_text()
    row = checks_csv([apply_adjustments(alice(), adjustments)]).splitlines()[2]
    assert row.split(",")[-3:] == ["1", "3.50", "7"]


def test_rows_that_change_nothing_are_listed_in_the_summary(tmp_path):
    path = _file(tmp_path, "zoe,1,1,no such learner\nalice,ex9,1,no such exercise\n")
    write_reports(the_class(), tmp_path / "out", adjustments=load_adjustments(path))
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "## Adjustments not applied" in summary
    assert "adjust.csv, line 2: no submission is named 'zoe'" in summary
    assert "adjust.csv, line 3: 'alice' has no check or exercise 'ex9'" in summary


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("alice,1,lots,why\n", "adjust.csv, line 2, field 'points': 'lots' is not a number"),
        ("alice,1,nan,why\n", "line 2, field 'points': must be a number other than 0"),
        ("alice,1,1,\n", "line 2, field 'reason': is empty"),
        ("\nalice,1,1,ok\n,1,1,why\n", "line 4, field 'submission': is empty"),
        ("alice,1,1\n", "line 2: expected 4 fields"),
    ],
)
def test_a_bad_row_is_named_by_file_line_and_field(tmp_path, rows, message):
    with pytest.raises(AdjustmentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_adjustments(_file(tmp_path, rows))


def test_a_file_without_the_header_or_unreadable_is_refused(tmp_path):
    path = tmp_path / "adjust.csv"
    path.write_text("alice,1,1,why\n", encoding="utf-8")
    with pytest.raises(AdjustmentError, match="line 1: the first line must be the header"):
        load_adjustments(path)
    with pytest.raises(AdjustmentError, match="cannot be read"):
        load_adjustments(tmp_path / "missing.csv")


def test_adjustment_entries_are_recognized_and_worth_nothing_at_most(tmp_path):
    graded = apply_adjustments(alice(), load_adjustments(_file(tmp_path, "alice,*,-1,late\n")))
    (entry,) = [c for c in graded.board.checks if is_adjustment(c)]
    assert (entry.points, entry.max_points, entry.status) == (-1, 0, "passed")
