"""Engine use: which of ftlab's engine modules a learner's file imports (only ftlab.learner is allowed).

When work is graded officially, the child that runs it has only the learner API; an exercise
file that imports ``ftlab.dataset.records`` (the graders' answer key) cannot even be loaded there,
so it scores 0. The self-check says so in advance, read from the source, nothing run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ALLOWED = "ftlab.learner"
_IMPORT_FUNCTIONS = {"import_module", "__import__"}


def allowed(module: str) -> bool:
    """Whether exercise code may import ``module``: anything outside ftlab, ftlab.learner and its parts."""
    inside = module == "ftlab" or module.startswith("ftlab.")
    return not inside or module == "ftlab" or module == ALLOWED or module.startswith(ALLOWED + ".")


def engine_imports(path: Path) -> list[str]:
    """The ftlab modules ``path`` imports beyond ftlab.learner, sorted; [] if it cannot be parsed."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return []
    return sorted({name for node in ast.walk(tree) for name in _named(node) if not allowed(name)})


def _named(node: ast.AST) -> list[str]:
    """The modules one node imports: import statements, and import_module/__import__ of a constant."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return []
        if node.module == "ftlab":  # from ftlab import dataset
            return [f"ftlab.{alias.name}" for alias in node.names if alias.name != "*"]
        return [node.module]
    if isinstance(node, ast.Call) and node.args and _calls_an_import_function(node.func):
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]
    return []


def _calls_an_import_function(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _IMPORT_FUNCTIONS


def engine_use_line(path: Path) -> str | None:
    """The self-check's line for an exercise file that imports the engine, or None when it does not."""
    modules = engine_imports(path)
    if not modules:
        return None
    return (
        f"{path.name} imports {', '.join(modules)}: official grading gives this exercise 0"
        " (exercise code may import only ftlab.learner)"
    )
