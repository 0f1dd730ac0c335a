"""Hidden checks, found in a grader's source and taken out of it (for the student distribution).

Two forms are recognised, both by their literal marks:

- a test function decorated ``@pytest.mark.points(..., visibility="hidden")``;
- an element of a module-level list or tuple that says it is hidden: a call with the keyword
  ``hidden=True`` (a case record) or with ``visibility="hidden"`` anywhere inside it (a
  ``pytest.param(..., marks=pytest.mark.points(..., visibility="hidden"))``).

Each goes with its decorators and the comment lines just above it; then module-level values that
only removed code used (the hidden inputs) go too, until nothing changes. The text of everything
else is left exactly as it was. :func:`ftlab.classroom.dist.build_student` then collects the result with
pytest and refuses to ship it if any collected check is still hidden.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from ftlab.errors import FtlabError


class HiddenCheckLeft(FtlabError, ValueError):
    """A hidden check that could not be taken out (a form not recognised, or sharing a line)."""

    def __init__(
        self, path: Path, line: int, what: str = "a hidden check in a form ftlab dist cannot strip"
    ) -> None:
        super().__init__(str(path), line, what)
        self.path, self.line, self.what = path, line, what

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}: {self.what}; mark a test function or a case record instead"


def _says_hidden(node: ast.AST) -> bool:
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        for keyword in call.keywords:
            value = keyword.value
            if keyword.arg == "hidden" and isinstance(value, ast.Constant) and value.value is True:
                return True
            if keyword.arg == "visibility" and isinstance(value, ast.Constant) and value.value == "hidden":
                return True
    return False


#: What a hidden check is in a grader's source: a test function, or an element of a list of cases.
Located = ast.stmt | ast.expr


def _hidden_nodes(tree: ast.Module) -> list[Located]:
    found: list[Located] = []
    parents: list[ast.Module | ast.ClassDef] = [tree, *(n for n in tree.body if isinstance(n, ast.ClassDef))]
    for parent in parents:
        for node in parent.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _says_hidden(d) for d in node.decorator_list
            ):
                found.append(node)
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, (ast.List, ast.Tuple)):
            found += [e for e in value.elts if _says_hidden(e)]
    return found


def _names(nodes: Iterable[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _lines(node: Located, lines: list[str], path: Path) -> range:
    """The 0-based lines of ``node`` with its decorators and the comment block just above it."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
    last = node.end_lineno or node.lineno
    before = lines[first][: node.col_offset if first == node.lineno - 1 else 0]
    after = lines[last - 1][node.end_col_offset :].strip()
    if before.strip() or after not in ("", ","):
        raise HiddenCheckLeft(path, node.lineno, "a hidden case shares its line with other code")
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    return range(first, last)


def _orphans(tree: ast.Module, used_by_removed: set[str]) -> list[Located]:
    """Module-level assignments of names only removed code used."""
    found: list[Located] = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if not targets or not all(isinstance(t, ast.Name) for t in targets):
            continue
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if names <= used_by_removed and not names & _names(n for n in tree.body if n is not node):
            found.append(node)
    return found


def strip_hidden(source: str, *, path: Path = Path("<grader>")) -> str:
    """``source`` without its hidden checks and the module-level values only they used."""
    tree = ast.parse(source)
    removed = _hidden_nodes(tree)
    if not removed:
        return source
    lines, used = source.splitlines(), _names(removed)
    while removed:
        drop = {i for node in removed for i in _lines(node, lines, path)}
        lines = [line for i, line in enumerate(lines) if i not in drop]
        tree = ast.parse("\n".join(lines))
        removed = _orphans(tree, used)
        used |= _names(removed)
    text = re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).rstrip("\n") + "\n"
    ast.parse(text)
    return text
