"""Notebook cells: shell and magic lines made inert, each cell run on its own, failures named by cell."""

from __future__ import annotations

import traceback
from pathlib import Path

import nbformat
import pytest

from ftlab.grading.cells import (
    SELF_CHECK_TAG,
    Cell,
    UnreadableNotebook,
    is_cell_file,
    read_cells,
    run_cells,
    split_cells,
    write_cells,
)


def _notebook(path: Path, *sources: str, tags: dict[int, list[str]] | None = None) -> Path:
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    for index, names in (tags or {}).items():
        cells[index].metadata["tags"] = names
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lab"), *cells]), str(path)
    )
    return path


def test_shell_and_magic_lines_become_inert_and_keep_their_place(tmp_path):
    cells = read_cells(_notebook(tmp_path / "lab.ipynb", "!pip install x\nif True:\n    %time y = 1\nz = 2"))
    assert cells == [
        Cell(2, "pass  # removed: !pip install x\nif True:\n    pass  # removed: %time y = 1\nz = 2")
    ]


def test_valid_python_is_kept_exactly_even_a_line_starting_with_percent(tmp_path):
    source = 'text = """\n%d apples\n"""\nx = (4\n % 3)'
    assert read_cells(_notebook(tmp_path / "lab.ipynb", source)) == [Cell(2, source)]


def test_cell_magics_and_self_check_cells_are_left_out(tmp_path):
    path = _notebook(
        tmp_path / "lab.ipynb", "%%bash\necho hi", "check()", "x = 1", tags={1: [SELF_CHECK_TAG]}
    )
    assert read_cells(path) == [Cell(4, "x = 1")]


def test_a_file_that_is_not_a_notebook_is_named(tmp_path):
    path = tmp_path / "lab.ipynb"
    path.write_text("{not json")
    with pytest.raises(UnreadableNotebook, match="lab.ipynb is not a notebook Jupyter can open"):
        read_cells(path)


def test_written_cells_split_back_into_the_same_cells(tmp_path):
    cells = [Cell(2, "a = 1\nb = 2"), Cell(5, "def f():\n    return a")]
    path = tmp_path / "notebook.py"
    write_cells(cells, path, name="lab.ipynb")
    assert is_cell_file(path)
    assert [(number, source) for number, _, source in split_cells(path.read_text())] == [
        (2, "a = 1\nb = 2"),
        (5, "def f():\n    return a"),
    ]


def test_a_failing_cell_is_reported_and_later_cells_still_run(tmp_path):
    path = tmp_path / "notebook.py"
    write_cells(
        [
            Cell(2, "x = 1"),
            Cell(3, "y = undefined_name"),
            Cell(4, "def f():\n    return x"),
            Cell(5, "def broken(:"),
        ],
        path,
        name="lab.ipynb",
    )
    module, notes = run_cells(path, cell_timeout=5)
    assert module.f() == 1
    assert notes == [
        "code cell 3 ('y = undefined_name') failed: NameError: name 'undefined_name' is not defined (line 7)",
        "code cell 5 ('def broken(:') failed: SyntaxError on line 14: invalid syntax",
    ]


def test_tracebacks_point_at_the_lines_of_the_cell_file(tmp_path):
    path = tmp_path / "notebook.py"
    write_cells([Cell(2, "a = 1"), Cell(3, "def f():\n    raise KeyError('k')")], path, name="lab.ipynb")
    module, _ = run_cells(path, cell_timeout=5)
    with pytest.raises(KeyError) as caught:
        module.f()
    frame = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert frame.filename == str(path) and frame.line == "raise KeyError('k')"


def test_a_cell_that_never_ends_is_stopped(tmp_path):
    path = tmp_path / "notebook.py"
    write_cells([Cell(2, "while True:\n    pass"), Cell(3, "done = True")], path, name="lab.ipynb")
    module, notes = run_cells(path, cell_timeout=0.2)
    assert module.done is True
    assert notes == ["code cell 2 ('while True:') did not finish within 0.2 s and was stopped"]


def test_a_plain_python_file_is_not_a_cell_file(tmp_path):
    path = tmp_path / "ex1.py"
    path.write_text("x = 1\n")
    assert not is_cell_file(path)
