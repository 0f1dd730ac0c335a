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


_GRADER = """
import pytest


@pytest.mark.points(1, hint="build it")
def test_it():
    pass
"""
_REGISTER = """
from ftlab.grading.selfcheck import register_engine_use


def pytest_configure(config):
    register_engine_use(config)
"""
ENGINE_LINE = (
    "ex2_validate_record.py imports ftlab.dataset.records: official grading gives this exercise 0"
    " (exercise code may import only ftlab.learner)"
)


def _lab(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(_REGISTER)
    for slug in ("ex2_validate_record", "ex3_estimate_tokens"):
        pytester.path.joinpath("graders").mkdir(exist_ok=True)
        pytester.path.joinpath("graders", f"test_{slug}.py").write_text(_GRADER)
    pytester.path.joinpath("exercises").mkdir()
    pytester.path.joinpath("exercises", "ex2_validate_record.py").write_text(
        "from ftlab.dataset.records import validate_record\n"
    )
    pytester.path.joinpath("exercises", "ex3_estimate_tokens.py").write_text(
        "from ftlab.learner import get_encoding\n"
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_the_scoreboard_names_each_exercise_file_that_imports_the_engine(pytester, workers):
    _lab(pytester)
    result = pytester.runpytest_subprocess("exercises", "-p", "no:cacheprovider", *workers)
    result.stdout.fnmatch_lines(["*ftlab scoreboard*", ENGINE_LINE])
    assert "ex3_estimate_tokens.py imports" not in result.stdout.str()


def test_graders_run_against_an_implementation_folder_print_no_engine_line(pytester):
    _lab(pytester)
    result = pytester.runpytest_subprocess("graders", "--impl", "exercises", "-p", "no:cacheprovider")
    assert "official grading gives this exercise 0" not in result.stdout.str()
