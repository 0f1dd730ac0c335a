"""Self-checks in a notebook: the exercise's grader on the notebook's own functions."""

from __future__ import annotations

import runpy

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.selfcheck import NamespaceBackend, check, find_graders
from tests.paths import ROOT


def test_the_reference_functions_in_a_namespace_score_full_marks(capsys):
    namespace = runpy.run_path(str(ROOT / "solutions" / "ex2_validate_record.py"))
    board = check("ex2_validate_record", namespace, graders=ROOT / "graders", quiet=True)
    assert board.checks and board.points == board.max_points
    assert "ftlab scoreboard" in capsys.readouterr().out


def test_unfinished_functions_score_zero_with_hints():
    namespace = runpy.run_path(str(ROOT / "exercises" / "ex1_build_example.py"))
    board = check("ex1_build_example", namespace, graders=ROOT / "graders", quiet=True)
    assert board.points == 0 and all("not implemented yet" in c.feedback for c in board.checks)


def test_a_name_missing_from_the_namespace_is_missing():
    assert NamespaceBackend({"x": 1}).call(find("ex1_build_example"), "x", [], {}).kind == "missing"
    assert NamespaceBackend({"_f": len}).call(find("ex1_build_example"), "_f", [[1]], {}).kind == "missing"


def test_graders_are_found_from_a_subfolder_and_their_absence_is_explained(tmp_path):
    assert find_graders(ROOT / "exercises") == ROOT / "graders"
    with pytest.raises(FileNotFoundError, match="open the notebook from the lab's folder"):
        find_graders(tmp_path)
