"""Submissions: folders, single files, notebooks and classes of them, staged with nothing else."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from ftlab.classroom.submission import (
    MAX_FILE_BYTES,
    Submission,
    UnusableSubmission,
    find_submissions,
    shard,
    stage,
)
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
    assert [s.name for s in found] == ["=cmd_x", "=cmd_x-2"]


def test_every_learner_keeps_their_own_name_and_same_names_are_told_apart_by_kind(tmp_path):
    _touch(tmp_path / "dup.py")
    _touch(tmp_path / "dup.ipynb", "{}")
    _touch(tmp_path / "dup" / "ex1_build_example.py")
    _touch(tmp_path / "José García.py")
    _touch(tmp_path / "李雷" / "ex1_build_example.py")
    _touch(tmp_path / "韩梅梅.py")
    found = find_submissions([str(tmp_path)])
    assert _kinds(found) == [
        ("José García", "module"), ("dup", "folder"), ("dup.ipynb", "notebook"), ("dup.py", "module"),
        ("李雷", "folder"), ("韩梅梅", "module"),
    ]  # fmt: skip
    assert found == find_submissions([str(tmp_path)])  # the same every time


def test_a_glob_of_notebooks_in_folders_names_each_by_its_folder(tmp_path):
    for name in ("ana", "ben", "cy"):
        _touch(tmp_path / name / "lab.ipynb", "{}")
        _touch(tmp_path / name / "helpers.py")
    found = find_submissions([str(tmp_path / "*" / "lab.ipynb")])
    assert _kinds(found) == [("ana", "notebook"), ("ben", "notebook"), ("cy", "notebook")]
    assert [s.folder for s in found] == [tmp_path / "ana", tmp_path / "ben", tmp_path / "cy"]


def test_a_notebook_with_python_files_beside_it_is_one_notebook_submission(tmp_path):
    _touch(tmp_path / "class" / "ana" / "lab.ipynb", "{}")
    _touch(tmp_path / "class" / "ana" / "scratch.py")
    _touch(tmp_path / "class" / "ana" / "helpers.py")
    found = find_submissions([str(tmp_path / "class")])
    assert _kinds(found) == [("ana", "notebook")] and found[0].path.name == "lab.ipynb"


def test_a_notebooks_helpers_and_datasets_are_staged_with_it_but_nothing_through_a_symlink(tmp_path):
    folder = tmp_path / "ana"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import helpers")]),
        str(_touch(folder / "lab.ipynb")),
    )
    for name in ("helpers.py", "_helpers.py", "my_dataset.jsonl", "notes.txt"):
        _touch(folder / name)
    _touch(tmp_path / "secret.jsonl", "answer key")
    (folder / "linked.jsonl").symlink_to(tmp_path / "secret.jsonl")
    staged = stage(find_submissions([str(folder)])[0], tmp_path / "staged")
    assert is_cell_file(staged.root)
    assert sorted(p.name for p in staged.root.parent.iterdir()) == [
        "_helpers.py", "helpers.py", "my_dataset.jsonl", "notebook.py",
    ]  # fmt: skip


def test_a_folder_submission_carries_its_datasets_and_private_modules(tmp_path):
    _touch(tmp_path / "ana" / "ex1_build_example.py")
    _touch(tmp_path / "ana" / "_util.py")
    _touch(tmp_path / "ana" / "my_dataset_heldout.jsonl")
    staged = stage(Submission("ana", tmp_path / "ana", "folder"), tmp_path / "staged")
    assert set(staged.files) == {"ex1_build_example.py", "_util.py", "my_dataset_heldout.jsonl"}


def test_a_shard_is_a_stable_slice_and_the_shards_cover_the_class_once(tmp_path):
    for index in range(12):
        _touch(tmp_path / f"learner{index}.py")
    found = find_submissions([str(tmp_path)])
    shards = [shard(found, k, 3) for k in (1, 2, 3)]
    assert sorted(s.name for part in shards for s in part) == sorted(s.name for s in found)
    _touch(tmp_path / "newcomer.py")
    grown = find_submissions([str(tmp_path)])
    assert all(set(shard(grown, k, 3)) >= set(shards[k - 1]) for k in (1, 2, 3))


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


def test_any_other_file_holds_every_function_and_keeps_its_name(tmp_path):
    source = _touch(tmp_path / "José García.py")
    staged = stage(Submission("x", source, "module"), tmp_path / "staged")
    assert staged.root == tmp_path / "staged" / "José García.py"


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
