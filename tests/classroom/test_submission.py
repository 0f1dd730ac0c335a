"""Submissions: folders, single files, notebooks and classes of them, staged with nothing else."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from ftlab.classroom.submission import MAX_FILE_BYTES, Submission, UnusableSubmission, find_submissions, stage
from ftlab.grading.cells import is_cell_file


def _touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _kinds(found: list[Submission]) -> list[tuple[str, str]]:
    return [(s.name, s.kind) for s in found]


def test_a_folder_with_exercise_files_is_one_submission(tmp_path):
    _touch(tmp_path / "alice" / "ex1_build_example.py")
    assert _kinds(find_submissions([str(tmp_path / "alice")])) == [("alice", "folder")]


def test_a_repository_clone_with_an_exercises_folder_is_one_submission(tmp_path):
    _touch(tmp_path / "bob" / "exercises" / "ex2_validate_record.py")
    _touch(tmp_path / "bob" / "README.md")
    assert _kinds(find_submissions([str(tmp_path / "bob")])) == [("bob", "folder")]


def test_a_class_folder_is_one_submission_per_entry(tmp_path):
    _touch(tmp_path / "alice" / "ex1_build_example.py")
    _touch(tmp_path / "bob.py")
    _touch(tmp_path / "carol.ipynb", "{}")
    _touch(tmp_path / "dave" / "lab.ipynb", "{}")
    _touch(tmp_path / "erin" / "notes.txt")
    _touch(tmp_path / "roster.csv")
    _touch(tmp_path / ".git" / "config")
    assert _kinds(find_submissions([str(tmp_path)])) == [
        ("alice", "folder"), ("bob", "module"), ("carol", "notebook"), ("dave", "notebook"),
        ("erin", "unknown"),
    ]  # fmt: skip


def test_a_glob_names_several_and_a_missing_path_is_still_listed(tmp_path):
    _touch(tmp_path / "a.py")
    _touch(tmp_path / "b.py")
    found = find_submissions([str(tmp_path / "*.py"), str(tmp_path / "nobody")])
    assert _kinds(found) == [("a", "module"), ("b", "module"), ("nobody", "unknown")]


def test_names_are_made_safe_and_unique(tmp_path):
    _touch(tmp_path / "one" / "=cmd|x.py")
    _touch(tmp_path / "two" / "=cmd|x.py")
    found = find_submissions([str(tmp_path / "one" / "=cmd|x.py"), str(tmp_path / "two" / "=cmd|x.py")])
    assert [s.name for s in found] == ["cmd_x", "cmd_x-2"]


def test_staging_a_folder_copies_only_its_python_files(tmp_path):
    _touch(tmp_path / "alice" / "ex1_build_example.py")
    _touch(tmp_path / "alice" / "helpers.py")
    _touch(tmp_path / "alice" / "secrets.env", "KEY=1")
    _touch(tmp_path / "alice" / "sub" / "deep.py")
    staged = stage(Submission("alice", tmp_path / "alice", "folder"), tmp_path / "staged")
    assert staged.root == tmp_path / "staged"
    assert sorted(p.name for p in staged.root.iterdir()) == ["ex1_build_example.py", "helpers.py"]


def test_a_single_exercise_file_is_staged_as_that_exercise(tmp_path):
    source = _touch(tmp_path / "ex2_validate_record.py")
    staged = stage(Submission("x", source, "module"), tmp_path / "staged")
    assert staged.root.is_dir() and staged.files == ("ex2_validate_record.py",)


def test_any_other_file_holds_every_function(tmp_path):
    source = _touch(tmp_path / "my_work.py")
    staged = stage(Submission("x", source, "module"), tmp_path / "staged")
    assert staged.root == tmp_path / "staged" / "submission.py"


def test_a_notebook_is_staged_as_its_code_cells(tmp_path):
    path = tmp_path / "lab.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f():\n    return 1")]), str(path)
    )
    staged = stage(Submission("x", path, "notebook"), tmp_path / "staged")
    assert is_cell_file(staged.root) and "def f():" in staged.root.read_text()


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda d: _touch(d / "lab.ipynb", "not json"), "not a notebook Jupyter can open"),
        (
            lambda d: nbformat.write(
                nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("hi")]), str(d / "lab.ipynb")
            ),
            "no code cells",
        ),
        (lambda d: _touch(d / "lab.ipynb").parent / "nothing-here", "no such file or folder"),
    ],
    ids=["not-json", "no-code", "missing"],
)
def test_what_cannot_be_graded_says_why(tmp_path, setup, reason):
    setup(tmp_path)
    path = tmp_path / "lab.ipynb" if reason != "no such file or folder" else tmp_path / "nothing-here"
    kind = "notebook" if path.suffix == ".ipynb" else "unknown"
    with pytest.raises(UnusableSubmission, match=reason):
        stage(Submission("x", path, kind), tmp_path / "staged")


def test_a_folder_with_nothing_to_grade_lists_the_files_wanted(tmp_path):
    _touch(tmp_path / "erin" / "notes.txt")
    with pytest.raises(UnusableSubmission, match="ex1_build_example.py"):
        stage(Submission("erin", tmp_path / "erin", "unknown"), tmp_path / "staged")


def test_a_huge_file_is_refused(tmp_path):
    source = tmp_path / "ex1_build_example.py"
    source.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(UnusableSubmission, match="at most"):
        stage(Submission("x", source, "module"), tmp_path / "staged")
