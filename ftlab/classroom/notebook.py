"""The learner's lab notebook, generated from ``exercises/`` so the two can never disagree.

Per exercise: its instructions (the exercise file's docstring, as Markdown), a code cell with
the functions to complete (the rest of the file), and a self-check cell that runs the exercise's
grader on the notebook's functions (:func:`ftlab.grading.selfcheck.check`). Self-check and setup cells
carry the ``ftlab-self-check`` tag, so grading a submitted notebook leaves them out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

from ftlab.grading.cells import SELF_CHECK_TAG
from ftlab.grading.exercises import EXERCISES

INTRO = """\
# Fine-tuning & training: the lab

Work through the exercises in order. Each has its instructions, a code cell with the functions
to complete, and a self-check cell that runs the same checks as `pytest exercises/`, with a hint
for each one that fails. Run the setup cell below first, and rerun a code cell after you change it.

(This notebook is generated from the files in `exercises/` by `ftlab notebook build`.)
"""
SETUP = "from ftlab.grading.selfcheck import check  # the self-check cells use it"
_TASK = re.compile(r"^Task \d+\.")


def instructions(docstring: str) -> str:
    """An exercise docstring as Markdown: first line a heading, task bodies unindented, examples as code."""
    lines = docstring.strip("\n").splitlines()
    out = [f"## {lines[0].strip().rstrip('.')}"]
    mode = ""  # "task": an indented block under a task heading; "code": an indented example
    for index, line in enumerate(lines[1:], start=1):
        indented = line.startswith("    ")
        if not indented:
            if mode == "code":
                out.append("```")
            mode = ""
            out.append(f"**{line}**" if _TASK.match(line) else line)
            continue
        if not mode:
            previous = next((p for p in reversed(lines[:index]) if p.strip()), "")
            mode = "code" if previous.rstrip().endswith(":") and not _TASK.match(previous) else "task"
            if mode == "code":
                if out and out[-1].strip():
                    out.append("")
                out.append("```text")
        out.append(line[4:] if mode == "task" else line[4:])
    if mode == "code":
        out.append("```")
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _split(source: str) -> tuple[str, str]:
    """A module's docstring and the code after it."""
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree, clean=True) or ""
    if (
        tree.body
        and isinstance(tree.body[0], ast.Expr)
        and isinstance(getattr(tree.body[0], "value", None), ast.Constant)
    ):
        end = tree.body[0].end_lineno or 0
        source = "\n".join(source.splitlines()[end:])
    return docstring, source.strip("\n") + "\n"


def build(exercises: Path) -> nbformat.NotebookNode:
    """The lab notebook for the exercise files in ``exercises``, in the course's order."""
    cells = [nbformat.v4.new_markdown_cell(INTRO, id="intro")]
    setup = nbformat.v4.new_code_cell(SETUP, id="setup")
    setup.metadata["tags"] = [SELF_CHECK_TAG]
    cells.append(setup)
    for exercise in EXERCISES:
        path = exercises / exercise.filename
        if not path.is_file():
            continue
        docstring, code = _split(path.read_text(encoding="utf-8"))
        cells.append(
            nbformat.v4.new_markdown_cell(instructions(docstring), id=f"{exercise.slug}-instructions")
        )
        cells.append(nbformat.v4.new_code_cell(code.rstrip("\n"), id=f"{exercise.slug}-code"))
        self_check = nbformat.v4.new_code_cell(
            f'check("{exercise.slug}", globals())', id=f"{exercise.slug}-check"
        )
        self_check.metadata["tags"] = [SELF_CHECK_TAG]
        cells.append(self_check)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    return notebook


def render(exercises: Path) -> str:
    """The notebook file's exact text (the same exercises always give the same bytes)."""
    return nbformat.writes(build(exercises)) + "\n"
