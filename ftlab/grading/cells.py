"""Notebook code cells: read from an ``.ipynb``, kept as a percent-format ``.py``, run one by one.

A submitted notebook is turned (by the grader, outside the sandbox) into a ``.py`` file in the
"percent" format Jupytext and editors use: one ``# %% [cell N]`` line before each code cell.
Shell (``!pip ...``) and magic (``%time``) lines become comments, ``%%`` cell magics and the
kit's own self-check cells are left out. Inside the sandbox :func:`run_cells` runs the cells in
order, each on its own, so one failing cell is reported and the others still define their
functions, as they would in Jupyter.
"""

from __future__ import annotations

import ast
import re
import sys
import traceback
import types
from dataclasses import dataclass
from pathlib import Path

from ftlab.errors import FtlabError
from ftlab.grading.time_limit import TimeLimitExceeded, time_limit

HEADER = "# ftlab: the code cells of {name}, run one by one (shell and magic lines removed)"
SELF_CHECK_TAG = "ftlab-self-check"
_MARKER = re.compile(r"^# %% \[cell (\d+)\]\s*$")


class UnreadableNotebook(FtlabError, ValueError):
    """A file nbformat cannot read as a notebook."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.path.name} is not a notebook Jupyter can open: {self.reason}"


@dataclass(frozen=True)
class Cell:
    """One code cell: its number among all the notebook's cells (1-based) and its cleaned source."""

    number: int
    source: str


def read_cells(path: Path) -> list[Cell]:
    """The code cells of a notebook, cleaned of shell and magic lines, self-check cells left out."""
    import nbformat

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for a bad file
        raise UnreadableNotebook(path, f"{type(error).__name__}: {error}".splitlines()[0]) from None
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or SELF_CHECK_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if source.lstrip().startswith("%%"):
            continue
        cells.append(Cell(number, _cleaned(source)))
    return cells


def _cleaned(source: str) -> str:
    """The cell unchanged when it is valid Python, else with its shell and magic lines made inert."""
    try:
        ast.parse(source)
    except SyntaxError:
        return "\n".join(_clean(line) for line in source.splitlines())
    return source


def _clean(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("!", "%")):
        return f"{line[: len(line) - len(stripped)]}pass  # removed: {stripped}"
    return line


def write_cells(cells: list[Cell], path: Path, *, name: str) -> None:
    """Write cells as a percent-format ``.py`` file that :func:`run_cells` can run."""
    lines = [HEADER.format(name=name)]
    for cell in cells:
        lines += ["", f"# %% [cell {cell.number}]", cell.source]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def is_cell_file(path: Path) -> bool:
    """Whether ``path`` was written by :func:`write_cells`."""
    try:
        with path.open(encoding="utf-8") as stream:
            first = stream.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return first.startswith(HEADER.split("{", 1)[0])


def split_cells(text: str) -> list[tuple[int, int, str]]:
    """``(cell number, first line number, source)`` for each cell of a percent-format text."""
    cells: list[tuple[int, int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = _MARKER.match(line)
        if match:
            cells.append((int(match.group(1)), lineno + 1, []))
        elif cells:
            cells[-1][2].append(line)
    return [
        (number, first, "\n".join(lines).removesuffix("\n")) for number, first, lines in cells
    ]  # less the blank separator


def run_cells(path: Path, *, cell_timeout: float) -> tuple[types.ModuleType, list[str]]:
    """Run a cell file's cells in one fresh module, each on its own; the module and a note per failed cell."""
    name = f"ftlab_notebook_{abs(hash(str(path)))}"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    notes = []
    for number, first, source in split_cells(path.read_text(encoding="utf-8")):
        try:
            tree = ast.parse(source, filename=str(path))
            ast.increment_lineno(tree, first - 1)
            code = compile(tree, str(path), "exec")
            with time_limit(cell_timeout):
                exec(code, module.__dict__)  # noqa: S102 - this is the learner's own notebook, inside the sandbox
        except TimeLimitExceeded:
            notes.append(
                f"code cell {number} ({_first_line(source)}) did not finish within {cell_timeout:g} s "
                "and was stopped"
            )
        except BaseException as error:  # noqa: BLE001 - a cell may raise anything, even SystemExit
            if isinstance(error, SyntaxError) and error.lineno is not None:
                error.lineno += first - 1
            notes.append(f"code cell {number} ({_first_line(source)}) failed: {_describe(error, path)}")
    return module, notes


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            text = line.strip()
            return f"'{text[:40]}...'" if len(text) > 40 else f"'{text}'"
    return "empty"


def _describe(error: BaseException, path: Path) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError on line {error.lineno}: {error.msg}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"
