"""The student distribution: the kit without ``solutions/`` and without the hidden checks.

Hidden checks are the grader functions marked ``@pytest.mark.points(..., visibility="hidden")``.
:func:`strip_hidden` removes them from a grader's source (an AST finds them; their lines,
decorators and the comment just above go), then removes module-level values that only they
used (the hidden inputs), so neither their code nor their data ships. ``pytest exercises/``
works in the result exactly as in the kit, minus those checks.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

STUDENT_FILES = ("pyproject.toml", "README.md", "LICENSE", "lab.ipynb", ".gitignore")
STUDENT_FOLDERS = ("ftlab", "exercises", "graders", "data", "docs")
INSTRUCTOR_ONLY = ("docs/instructor.md", "docs/grading.md", "docs/ci")
WORKFLOW = Path("docs/ci/classroom.yml")


class HiddenCheckLeft(ValueError):
    """A hidden check the AST transform could not take out (a form it does not know)."""

    def __init__(self, path: Path, line: int) -> None:
        super().__init__(str(path), line)
        self.path, self.line = path, line

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: a hidden check in a form ftlab dist cannot strip; mark a test function instead"


def _is_hidden_points(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    named = isinstance(func, ast.Attribute) and func.attr == "points"
    hidden = any(k.arg == "visibility" and isinstance(k.value, ast.Constant) and k.value.value == "hidden" for k in node.keywords)
    return named and hidden


def _hidden_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found = []
    for parent in [tree, *(n for n in tree.body if isinstance(n, ast.ClassDef))]:
        for node in parent.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(_is_hidden_points(d) for d in node.decorator_list):
                found.append(node)
    return found


def _names(nodes: Iterable[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _span(node: ast.stmt, lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) lines of a statement with its decorators and the comment block just above."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    return first, node.end_lineno or node.lineno


def strip_hidden(source: str, *, path: Path = Path("<grader>")) -> str:
    """``source`` without its hidden checks and the module-level values only they used."""
    tree = ast.parse(source)
    hidden = _hidden_functions(tree)
    if not hidden:
        _refuse_leftovers(tree, path)
        return source
    lines = source.splitlines()
    removed = list(hidden)
    kept = [n for n in tree.body if n not in hidden]
    while True:  # values the hidden checks used and nothing else does
        orphans = [n for n in kept if _only_for(n, removed, kept)]
        if not orphans:
            break
        removed += orphans
        kept = [n for n in kept if n not in orphans]
    drop: set[int] = set()
    for node in removed:
        start, end = _span(node, lines)
        drop.update(range(start, end))
    text = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    text = re.sub(r"\n{4,}", "\n\n\n", text).rstrip("\n") + "\n"
    _refuse_leftovers(ast.parse(text), path)
    return text


def _only_for(node: ast.stmt, removed: list[ast.stmt], kept: list[ast.stmt]) -> bool:
    """Whether ``node`` assigns names that removed code used and no kept code uses."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    if not all(isinstance(t, ast.Name) for t in targets):
        return False
    names = {t.id for t in targets}  # type: ignore[attr-defined]
    return bool(names & _names(removed)) and not names & _names(n for n in kept if n is not node)


def _refuse_leftovers(tree: ast.Module, path: Path) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_hidden_points(node):
            raise HiddenCheckLeft(path, node.lineno)


def build_student(kit: Path, out: Path) -> list[Path]:
    """Write the student distribution of the kit at ``kit`` into the new folder ``out``; the files written."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder")
    if (kit / "solutions").resolve() == out.resolve() or out.resolve().is_relative_to((kit / "solutions").resolve()):
        raise ValueError("the student distribution cannot go inside solutions/")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    out.mkdir(parents=True, exist_ok=True)
    for name in STUDENT_FILES:
        if (kit / name).is_file():
            shutil.copy2(kit / name, out / name)
    for name in STUDENT_FOLDERS:
        if (kit / name).is_dir():
            shutil.copytree(kit / name, out / name, ignore=ignore)
    for name in INSTRUCTOR_ONLY:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    if (out / "docs").is_dir() and not any((out / "docs").iterdir()):
        (out / "docs").rmdir()
    for grader in sorted((out / "graders").glob("*.py")):
        grader.write_text(strip_hidden(grader.read_text(encoding="utf-8"), path=grader), encoding="utf-8")
    if (kit / WORKFLOW).is_file():
        workflow = out / ".github" / "workflows" / "classroom.yml"
        workflow.parent.mkdir(parents=True)
        shutil.copy2(kit / WORKFLOW, workflow)
    return sorted(p for p in out.rglob("*") if p.is_file())
