"""Submissions: what a learner hands in (a folder, one ``.py``, a notebook) and how it is staged for grading.

A *folder* holds exercise files named like ``exercises/`` (``ex1_build_example.py``, ...),
directly or in an ``exercises/`` subfolder (a clone of a classroom repository). A single
``.py`` named like an exercise file is that exercise; any other ``.py`` holds every function.
A notebook's code cells are written as one percent-format ``.py`` (see :mod:`ftlab.grading.cells`).
A folder that is none of these is a class: each entry in it is one submission.

Staging copies only what is graded into a fresh folder, so the sandbox sees nothing else.
"""

from __future__ import annotations

import glob
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ftlab.errors import FtlabError
from ftlab.grading.cells import UnreadableNotebook, read_cells, write_cells
from ftlab.grading.exercises import EXERCISES

MAX_FILE_BYTES = 2 * 1024**2
_EXERCISE_FILES = {e.filename for e in EXERCISES}
_EXERCISE_FILE = re.compile(r"^ex\d+_[a-z0-9_]+\.py$")
_SKIPPED = re.compile(r"^(\.|__pycache__$|_)")


class UnusableSubmission(FtlabError, ValueError):
    """A submission that cannot be graded at all: nothing to run, an unreadable notebook, a huge file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass(frozen=True)
class Submission:
    """One learner's work: a name for the reports, where it is, and what kind it is."""

    name: str
    path: Path
    kind: str  # "folder" | "module" | "notebook" | "unknown"


@dataclass(frozen=True)
class Staged:
    """A submission copied for grading: ``root`` is what the graders' ``--impl`` points at."""

    root: Path
    files: tuple[str, ...]


def _exercise_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("ex*_*.py") if _EXERCISE_FILE.match(p.name) and p.is_file())


def _kind(path: Path) -> str | None:
    """The kind of one submission at ``path``, or None when ``path`` is a class of them."""
    if path.is_file():
        return {".py": "module", ".ipynb": "notebook"}.get(path.suffix, "unknown")
    if _exercise_files(path) or (path / "exercises").is_dir() and _exercise_files(path / "exercises"):
        return "folder"
    entries = [
        p
        for p in path.iterdir()
        if not _SKIPPED.match(p.name) and (p.is_dir() or p.suffix in (".py", ".ipynb"))
    ]
    if len(entries) == 1 and entries[0].is_file():
        return "folder-of-one"
    return None


def find_submissions(arguments: Sequence[str]) -> list[Submission]:
    """Every submission named on a command line: files, folders, classes of them and globs."""
    paths: list[Path] = []
    for argument in arguments:
        matches = (
            [argument]
            if Path(argument).exists() or not glob.has_magic(argument)
            else sorted(glob.glob(argument))
        )
        paths.extend(Path(m) for m in matches)
    found: list[Submission] = []
    for path in paths:
        if not path.exists():
            found.append(Submission(path.name or str(path), path, "unknown"))
            continue
        kind = _kind(path)
        if kind is None:
            found.extend(_class_members(path))
        else:
            found.append(_one(path, path.stem if path.is_file() else path.name, kind))
    return _unique_names(found)


def _class_members(folder: Path) -> Iterable[Submission]:
    for entry in sorted(folder.iterdir()):
        if _SKIPPED.match(entry.name) or not (entry.is_dir() or entry.suffix in (".py", ".ipynb")):
            continue
        kind = _kind(entry)
        yield _one(entry, entry.stem if entry.is_file() else entry.name, kind or "unknown")


def _one(path: Path, name: str, kind: str) -> Submission:
    if kind == "folder-of-one":
        inner = next(
            p for p in sorted(path.iterdir()) if not _SKIPPED.match(p.name) and p.suffix in (".py", ".ipynb")
        )
        return Submission(name, inner, _kind(inner) or "unknown")
    return Submission(name, path, kind)


def _unique_names(submissions: list[Submission]) -> list[Submission]:
    seen: dict[str, int] = {}
    unique = []
    for submission in submissions:
        name = re.sub(r"[^A-Za-z0-9._@+-]+", "_", submission.name).strip("._") or "submission"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}-{seen[name]}"
        unique.append(Submission(name, submission.path, submission.kind))
    return unique


def stage(submission: Submission, into: Path) -> Staged:
    """Copy what gets graded into the empty folder ``into``.

    Raises :class:`UnusableSubmission` when nothing can be graded.
    """
    into.mkdir(parents=True, exist_ok=True)
    path = submission.path
    if submission.kind == "folder":
        folder = path if _exercise_files(path) else path / "exercises"
        files = [
            _copy(p, into / p.name)
            for p in sorted(folder.glob("*.py"))
            if p.is_file() and not _SKIPPED.match(p.name)
        ]
        return Staged(into, tuple(files))
    if submission.kind == "module":
        if path.name in _EXERCISE_FILES:
            return Staged(into, (_copy(path, into / path.name),))
        return Staged(into / _copy(path, into / "submission.py"), ("submission.py",))
    if submission.kind == "notebook":
        try:
            cells = read_cells(path)
        except UnreadableNotebook as error:
            raise UnusableSubmission(path, f"not a notebook Jupyter can open ({error.reason})") from None
        if not cells:
            raise UnusableSubmission(path, "the notebook has no code cells")
        target = into / "notebook.py"
        write_cells(cells, target, name=path.name)
        return Staged(target, ("notebook.py",))
    if not path.exists():
        raise UnusableSubmission(path, "there is no such file or folder")
    wanted = ", ".join(sorted(_EXERCISE_FILES))
    raise UnusableSubmission(
        path, f"found no exercise files ({wanted}), no .py file and no .ipynb notebook to grade"
    )


def _copy(source: Path, target: Path) -> str:
    size = source.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnusableSubmission(
            source,
            f"the file is {size / 1024**2:.1f} MB; "
            f"a submission file may be at most {MAX_FILE_BYTES // 1024**2} MB",
        )
    shutil.copyfile(source, target)
    return target.name
