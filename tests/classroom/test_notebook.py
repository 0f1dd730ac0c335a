"""The lab notebook: generated from exercises/, committed, and never out of date."""

from __future__ import annotations

import nbformat

from ftlab.classroom.notebook import build, instructions, render
from ftlab.cli.main import main
from ftlab.grading.cells import SELF_CHECK_TAG, read_cells
from ftlab.grading.exercises import find
from tests.paths import ROOT


def test_the_committed_notebook_is_what_the_exercises_give():
    assert (ROOT / "lab.ipynb").read_text(encoding="utf-8") == render(ROOT / "exercises"), (
        "lab.ipynb is out of date: run `ftlab notebook build`"
    )


def test_each_exercise_gets_instructions_its_code_and_a_tagged_self_check():
    notebook = build(ROOT / "exercises")
    nbformat.validate(notebook)
    slugs = sorted(p.stem for p in (ROOT / "exercises").glob("ex*_*.py"))
    assert [c.id for c in notebook.cells[2:]] == [
        f"{s}-{part}" for s in slugs for part in ("instructions", "code", "check")
    ]
    for slug in slugs:
        code = next(c for c in notebook.cells if c.id == f"{slug}-code").source
        stub = "raise NotImplementedError" if find(slug).functions else "DATASET ="  # ex6: files, no code
        assert stub in code and not code.startswith('"""')
        check = next(c for c in notebook.cells if c.id == f"{slug}-check")
        assert check.source == f'check("{slug}", globals())' and check.metadata["tags"] == [SELF_CHECK_TAG]


def test_grading_the_notebook_leaves_out_setup_and_self_check_cells(tmp_path):
    path = tmp_path / "lab.ipynb"
    path.write_text(render(ROOT / "exercises"), encoding="utf-8")
    sources = [c.source for c in read_cells(path)]
    assert sources and not any("check(" in s for s in sources)


def test_instructions_turn_task_blocks_into_text_and_examples_into_code():
    doc = (
        'Exercise 9: do it.\n\nLook at this:\n\n    {"a": 1}\n\n'
        "Task 1. ``f(x)``\n    Return x.\n    Really.\n"
    )
    assert instructions(doc) == (
        '## Exercise 9: do it\n\nLook at this:\n\n```text\n{"a": 1}\n```\n\n'
        "**Task 1. ``f(x)``**\nReturn x.\nReally.\n"
    )


def test_the_command_writes_the_notebook_and_checks_it(tmp_path, capsys):
    out = tmp_path / "lab.ipynb"
    assert (
        main(["notebook", "build", "--exercises", str(ROOT / "exercises"), "--check", "--out", str(out)]) == 1
    )
    assert "out of date" in capsys.readouterr().err
    assert main(["notebook", "build", "--exercises", str(ROOT / "exercises"), "--out", str(out)]) == 0
    assert (
        main(["notebook", "build", "--exercises", str(ROOT / "exercises"), "--check", "--out", str(out)]) == 0
    )
    assert main(["notebook", "build", "--exercises", str(tmp_path), "--out", str(out)]) == 1
