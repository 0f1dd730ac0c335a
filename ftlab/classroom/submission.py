"""Submissions: what a learner hands in (a folder, one ``.py``, a notebook) and how it is staged for grading.

A *folder* holds exercise files named like ``exercises/`` (``ex1_build_example.py``, ...),
directly or in an ``exercises/`` subfolder (a clone of a classroom repository). A single
``.py`` named like an exercise file is that exercise; any other ``.py`` holds every function.
A notebook's code cells are written as one percent-format ``.py`` (see :mod:`ftlab.grading.cells`);
a folder with one notebook and ``.py`` files beside it is that notebook with its helper modules.
A folder that is none of these is a class: each entry in it is one submission.

Each submission keeps its own name (see :mod:`ftlab.classroom.naming`). Staging copies only what is
graded into a fresh folder (``.py`` and ``.jsonl`` files, never through a symlink), so the
sandbox sees nothing else.
"""

from __future__ import annotations

import glob
import hashlib
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ftlab.classroom.naming import entry_name, glob_name, unique_names
from ftlab.errors import FtlabError
from ftlab.grading.cells import UnreadableNotebook, read_cells, write_cells
from ftlab.grading.exercises import EXERCISES

MAX_FILE_BYTES = 2 * 1024**2
_EXERCISE_FILES = {e.filename for e in EXERCISES}
_EXERCISE_FILE = re.compile(r"^ex\d+_[a-z0-9_]+\.py$")
_SKIPPED = re.compile(r"^(\.|__pycache__$|_)")
_HIDDEN = re.compile(r"^(\.|__pycache__$)")
_CARRIED = (".py", ".jsonl")  # what goes along with the code: helper modules, datasets


class UnusableSubmission(FtlabError, ValueError):
    """A submission that cannot be graded at all: nothing to run, an unreadable notebook, a huge file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass(frozen=True)
class Submission:
    """One learner's work: its name in the reports (unique), where it is, what kind it is.

    ``folder`` is the learner's own folder when the file graded sits in one: its other ``.py``
    and ``.jsonl`` files go along (a notebook's helper modules, a dataset).
    """

    name: str
    path: Path
    kind: str  # "folder" | "module" | "notebook" | "unknown"
    folder: Path | None = None


@dataclass(frozen=True)
class Staged:
    """A submission copied for grading: ``root`` is what the graders' ``--impl`` points at."""

    root: Path
    files: tuple[str, ...]


def _exercise_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("ex*_*.py") if _EXERCISE_FILE.match(p.name) and p.is_file())


def _entries(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.iterdir()
        if not _SKIPPED.match(p.name) and (p.is_dir() or p.suffix in (".py", ".ipynb"))
    ]


def _kind(path: Path) -> str | None:
    """The kind of one submission at ``path``, or None when ``path`` is a class of them."""
    if path.is_file():
        return {".py": "module", ".ipynb": "notebook"}.get(path.suffix, "unknown")
    if _exercise_files(path) or (path / "exercises").is_dir() and _exercise_files(path / "exercises"):
        return "folder"
    entries = _entries(path)
    if len(entries) == 1 and entries[0].is_file():
        return "folder-of-one"
    notebooks = [p for p in entries if p.suffix == ".ipynb" and p.is_file()]
    if len(notebooks) == 1 and all(p.is_file() for p in entries):
        return "folder-of-one"  # a notebook and its helper modules
    return None


def find_submissions(arguments: Sequence[str]) -> list[Submission]:
    """Every submission named on a command line: files, folders, classes of them and globs.

    Names are unique and the same every time for the same arguments; a glob such as
    ``'class/*/lab.ipynb'`` names each submission by the part the wildcard matched.
    """
    found: list[Submission] = []
    for argument in arguments:
        if Path(argument).exists() or not glob.has_magic(argument):
            found.extend(_found(Path(argument), entry_name(Path(argument))))
            continue
        for match in sorted(glob.glob(argument)):
            name, own = glob_name(argument, match)
            found.extend(_found(Path(match), name, Path(match).parent if own else None))
    names = unique_names([(s.name, _suffix(s)) for s in found])
    return [Submission(n, s.path, s.kind, s.folder) for n, s in zip(names, found, strict=True)]


def _suffix(submission: Submission) -> str:
    """What tells two submissions of one name apart: ``.py``, ``.ipynb``, or nothing for a folder."""
    return "" if submission.folder is not None or submission.path.is_dir() else submission.path.suffix


def _found(path: Path, name: str, folder: Path | None = None) -> Iterable[Submission]:
    if not path.exists():
        return [Submission(name, path, "unknown")]
    kind = _kind(path)
    if kind is None:
        return _class_members(path)
    return [_one(path, name, kind, folder)]


def _class_members(folder: Path) -> Iterable[Submission]:
    for entry in sorted(folder.iterdir()):
        if _SKIPPED.match(entry.name) or not (entry.is_dir() or entry.suffix in (".py", ".ipynb")):
            continue
        yield _one(entry, entry_name(entry), _kind(entry) or "unknown")


def _one(path: Path, name: str, kind: str, folder: Path | None = None) -> Submission:
    if kind == "folder-of-one":
        entries = sorted(p for p in _entries(path) if p.is_file())
        inner = next((p for p in entries if p.suffix == ".ipynb"), entries[0])
        return Submission(name, inner, _kind(inner) or "unknown", path)
    return Submission(name, path, kind, folder)


def shard(submissions: Sequence[Submission], index: int, count: int) -> list[Submission]:
    """The ``index``-th (1-based) of ``count`` slices, by a hash of each name: adding one moves no other."""

    def slot(submission: Submission) -> int:
        digest = hashlib.sha256(submission.name.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % count

    return [s for s in submissions if slot(s) == index - 1]


def stage(submission: Submission, into: Path) -> Staged:
    """Copy what gets graded into the empty folder ``into``.

    Raises :class:`UnusableSubmission` when nothing can be graded.
    """
    into.mkdir(parents=True, exist_ok=True)
    path = submission.path
    if submission.kind == "folder":
        folder = path if _exercise_files(path) else path / "exercises"
        files = [_copy(p, into / p.name) for p in _own_files(folder, _CARRIED)]
        return Staged(into, tuple(files))
    carried = (
        [_copy(p, into / p.name) for p in _own_files(submission.folder, _CARRIED) if p != path]
        if submission.folder is not None
        else []
    )
    if submission.kind == "module":
        if path.name in _EXERCISE_FILES:
            return Staged(into, (_copy(path, into / path.name), *carried))
        return Staged(into / _copy(path, into / path.name), (path.name, *carried))
    if submission.kind == "notebook":
        return _stage_notebook(path, into, carried)
    if not path.exists():
        raise UnusableSubmission(path, "there is no such file or folder")
    wanted = ", ".join(sorted(_EXERCISE_FILES))
    raise UnusableSubmission(
        path, f"found no exercise files ({wanted}), no .py file and no .ipynb notebook to grade"
    )


def _stage_notebook(path: Path, into: Path, carried: list[str]) -> Staged:
    try:
        cells = read_cells(path)
    except UnreadableNotebook as error:
        raise UnusableSubmission(path, f"not a notebook Jupyter can open ({error.reason})") from None
    if not cells:
        raise UnusableSubmission(path, "the notebook has no code cells")
    target = into / "notebook.py"
    if "notebook.py" in carried:  # a helper of that name: the notebook's cells take another
        target = into / "ftlab_notebook_cells.py"
    write_cells(cells, target, name=path.name)
    return Staged(target, (target.name, *carried))


def _own_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The regular files of ``folder`` with these suffixes; none through a symlink (it leads anywhere)."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in suffixes and not _HIDDEN.match(p.name) and not p.is_symlink() and p.is_file()
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
