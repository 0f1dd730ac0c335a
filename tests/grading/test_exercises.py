"""The exercise registry and the three trees that must agree with it."""

from __future__ import annotations

import ast

import pytest

from ftlab.grading.exercises import EXERCISES, UnknownExercise, find, warms_for
from ftlab.grading.results import exercise_label
from tests.paths import ROOT

PRESENT = [e for e in EXERCISES if (ROOT / "exercises" / e.filename).exists()]


@pytest.mark.parametrize(
    "name",
    [
        "ex2_validate_record",
        "test_ex2_validate_record",
        "graders/test_ex2_validate_record.py",
        "ex2_validate_record.py",
        "graders.test_ex2_validate_record",
    ],
)
def test_an_exercise_is_found_by_slug_file_or_grader_name(name):
    assert find(name).number == 2


def test_an_unknown_name_lists_the_exercises():
    with pytest.raises(
        UnknownExercise, match="'ex9_nope' is not an exercise; the exercises are ex1_build_example, "
    ):
        find("ex9_nope")


def test_slugs_and_numbers_are_unique_and_in_order():
    assert [e.number for e in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    assert all(e.slug.startswith(f"ex{e.number}_") for e in EXERCISES)


@pytest.mark.parametrize("exercise", PRESENT, ids=lambda e: e.slug)
def test_each_exercise_has_a_stub_a_solution_and_a_grader_with_the_same_name(exercise):
    for tree, name in (
        ("exercises", exercise.filename),
        ("solutions", exercise.filename),
        ("graders", exercise.grader_filename),
    ):
        assert (ROOT / tree / name).is_file(), f"{tree}/{name} is missing"


@pytest.mark.parametrize("exercise", PRESENT, ids=lambda e: e.slug)
def test_every_stub_function_raises_not_implemented_and_the_solution_defines_it(exercise):
    stub = ast.parse((ROOT / "exercises" / exercise.filename).read_text(encoding="utf-8"))
    solution = ast.parse((ROOT / "solutions" / exercise.filename).read_text(encoding="utf-8"))
    stub_functions = {f.name: f for f in stub.body if isinstance(f, ast.FunctionDef)}
    solution_functions = {f.name for f in solution.body if isinstance(f, ast.FunctionDef)}
    for name in exercise.functions:
        assert name in stub_functions and name in solution_functions, name
        body = stub_functions[name].body
        assert isinstance(body[-1], ast.Raise) and "NotImplementedError" in ast.unparse(body[-1]), (
            f"{name} must raise NotImplementedError('...')"
        )
        assert ast.get_docstring(stub_functions[name]), f"{name} needs a docstring"


def test_the_dataset_exercise_is_sixth_and_graded_as_data():
    dataset = find("ex6_your_dataset")
    assert (dataset.number, dataset.title, dataset.functions) == (6, "Your dataset", ())
    assert exercise_label(dataset.slug) == "6. Your dataset"


def test_at_least_the_first_two_exercises_are_present():
    assert {e.number for e in PRESENT} >= {1, 2}


@pytest.mark.parametrize(
    ("files", "warms"),
    [
        (["ex1_build_example.py", "ex2_validate_record.py", "ex5_decide_approach.py"], ()),
        (["ex4_submit_job.py", "helpers.py", "my_dataset.jsonl"], ("o200k_base", "openai")),
        (["ex3_estimate_tokens.py", "ex4_submit_job.py"], ("cl100k_base", "o200k_base", "openai")),
        ([], ()),
    ],
)
def test_a_folder_warms_the_lazy_loads_of_the_exercises_whose_files_it_holds(tmp_path, files, warms):
    for name in files:
        (tmp_path / name).write_text("")
    assert warms_for(tmp_path) == warms


def test_a_single_file_or_a_folder_that_cannot_be_read_warms_everything(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text("")
    assert warms_for(tmp_path / "ex1_build_example.py") is None  # an all-in-one file, a notebook's cells
    assert warms_for(tmp_path / "missing") is None
