"""The child's library: a copy of only the ftlab modules the sandboxed child needs.

The child that runs learner code imports the harness (to talk to the grader) and the learner API
(``ftlab.learner``, for the learner's code). Everything else in ftlab stays out of its reach: the
dataset rules, the token counter and the cost estimate are the graders' answer keys. This module
finds the import closure of :data:`CHILD_ENTRY` by reading ftlab's own source (``ast``, nothing
imported) and copies exactly those modules, with the package data they read, into a folder the
child gets on its ``sys.path`` instead of the whole package.
"""

from __future__ import annotations

import ast
import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

from ftlab.errors import FtlabError

#: The modules the child imports itself; the library is their import closure within ftlab.
#: The blocker is listed because the child installs it before any learner code runs.
CHILD_ENTRY: tuple[str, ...] = (
    "ftlab.grading.isolation.harness",
    "ftlab.grading.isolation.zygote",
    "ftlab.grading.isolation.blocker",
    "ftlab.learner",
)
#: Module prefixes that must never reach the child: answer keys and grader-side machinery.
ANSWER_KEYS: tuple[str, ...] = (
    "ftlab.dataset",
    "ftlab.tokens.counting",
    "ftlab.tokens.cost",
    "ftlab.course",
    "ftlab.mock",
    "ftlab.classroom",
    "ftlab.cli",
    "ftlab.lora",
    "ftlab.grading.plugin",
    "ftlab.grading.selfcheck",
    "ftlab.grading.engine_use",
    "ftlab.grading.recorder",
    "ftlab.grading.results",
    "ftlab.grading.credit",
    "ftlab.grading.feedback",
    "ftlab.grading.marker",
    "ftlab.grading.mock_api",
    "ftlab.grading.settings",
    "ftlab.grading.compat",
    "ftlab.grading.isolation.backend",
    "ftlab.grading.isolation.process",
    "ftlab.grading.isolation.library",
    "ftlab.grading.isolation.template",
    "ftlab.grading.isolation.forked",
)
#: Package data a module reads at run time, as folders relative to the package root.
PACKAGE_DATA: dict[str, tuple[str, ...]] = {"ftlab.tokens.encodings": ("tokens/data",)}

_PACKAGE = Path(__file__).resolve().parents[2]  # the ftlab folder this module belongs to


class AnswerKeyInLibrary(FtlabError, RuntimeError):
    """The child's import closure reached an answer key: an engine change broke the isolation."""


def module_file(name: str, package: Path = _PACKAGE) -> Path | None:
    """The source file of ftlab module ``name`` (a package's ``__init__.py``), or None if there is none."""
    parts = name.split(".")
    if parts[0] != "ftlab":
        return None
    base = package.joinpath(*parts[1:])
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    single = base.with_suffix(".py")
    return single if single.is_file() else None


def imported_by(name: str, package: Path = _PACKAGE) -> set[str]:
    """The ftlab modules that module ``name`` imports anywhere in its source (functions included)."""
    path = module_file(name, package)
    if path is None:
        return set()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, name, is_package=path.name == "__init__.py")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if module_file(m, package) is not None}


def _absolute(node: ast.ImportFrom, importer: str, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor)


def closure(entries: tuple[str, ...], package: Path = _PACKAGE) -> list[str]:
    """Every ftlab module ``entries`` need, their parent packages included, sorted."""
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo.extend(parents)
        todo.extend(imported_by(name, package))
    return sorted(seen)


def is_answer_key(name: str) -> bool:
    """Whether module ``name`` is, or sits inside, one of :data:`ANSWER_KEYS`."""
    return any(name == key or name.startswith(key + ".") for key in ANSWER_KEYS)


@functools.cache
def _child_modules() -> tuple[str, ...]:
    modules = closure(CHILD_ENTRY)
    leaked = [m for m in modules if is_answer_key(m)]
    if leaked:
        raise AnswerKeyInLibrary(f"the child's library would hold answer keys: {', '.join(leaked)}")
    return tuple(modules)


def child_modules() -> list[str]:
    """The ftlab modules the sandboxed child gets: the import closure of :data:`CHILD_ENTRY`."""
    return list(_child_modules())


@functools.cache
def child_library() -> Path:
    """A folder holding ``ftlab/`` with only :func:`child_modules` and their data (once per process).

    Files are copies, never links (the package may be an editable install), readable by any user
    (the sandboxed child may run as another one); the folder is removed when this process exits.
    """
    root = Path(tempfile.mkdtemp(prefix="ftlab-child-library-"))
    atexit.register(_remove, root, os.getpid())
    os.chmod(root, 0o755)
    for name in _child_modules():
        source = module_file(name)
        assert source is not None  # closure() keeps only modules with a source file
        _copy(source, root / "ftlab" / source.relative_to(_PACKAGE), root)
        for folder in PACKAGE_DATA.get(name, ()):
            for data in sorted((_PACKAGE / folder).iterdir()):
                if data.is_file():
                    _copy(data, root / "ftlab" / folder / data.name, root)
    return root


def _remove(root: Path, owner: int) -> None:
    if os.getpid() == owner:  # not from a forked child, which shares the registration
        shutil.rmtree(root, ignore_errors=True)


def _copy(source: Path, target: Path, root: Path) -> None:
    """Copy one file's bytes to ``target`` (mode 0o644), making world-readable folders up to ``root``."""
    missing = [p for p in (target.parent, *target.parent.parents) if p != root and root in p.parents]
    for folder in reversed(missing):
        if not folder.is_dir():
            folder.mkdir()
            os.chmod(folder, 0o755)
    shutil.copyfile(source, target)
    os.chmod(target, 0o644)
