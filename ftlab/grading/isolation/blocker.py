"""The child's import blocker: exercise code may use ftlab.learner, never the engine behind it.

Installed in the sandboxed child before any learner code runs, first on ``sys.meta_path``: an
import of an ftlab module outside the child's library (``ftlab.dataset.records``, the token
counter, the cost estimate: the graders' answer keys) fails with a message a learner can act on
instead of a bare "No module named ...". Modules imported already (the harness) are untouched:
Python finds them in ``sys.modules`` without asking any finder.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

from ftlab.errors import FtlabError

ROOT = "ftlab"
LEARNER = "ftlab.learner"  # its own missing names stay plain AttributeErrors


class EngineNotAvailable(FtlabError, ModuleNotFoundError):
    """Exercise code imported a part of ftlab that is not there when work is graded."""

    def __init__(self, module: str) -> None:
        super().__init__(
            f'exercise code may not use ftlab\'s engine: "{module}" is not available when your work is'
            " graded; import only from ftlab.learner"
            " (encodings, model facts, exercise 5's Scenario and Decision)",
            name=module,
        )


class EngineBlocker:
    """A ``sys.meta_path`` finder that refuses every ftlab module not in ``allowed``."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = frozenset(allowed) | {ROOT}
        self.hooked: list[ModuleType] = []

    def permits(self, name: str) -> bool:
        """Whether ``name`` may be imported: anything outside ftlab, or one of the allowed modules."""
        return not _in_ftlab(name) or name in self.allowed

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if _in_ftlab(fullname):
            self.hook_packages()  # packages loaded since: ``from ftlab.tokens import cost`` is refused too
        if not self.permits(fullname):
            raise EngineNotAvailable(fullname)
        return None  # not ours to load: the next finder does it

    def hook_packages(self) -> None:
        """Give every imported ftlab package a ``__getattr__`` that refuses what is not allowed."""
        for name, module in list(sys.modules.items()):
            is_package = isinstance(module, ModuleType) and "__path__" in vars(module)
            hookable = _in_ftlab(name) and not (name == LEARNER or name.startswith(LEARNER + "."))
            if hookable and is_package and "__getattr__" not in vars(module):
                module.__getattr__ = self.package_getattr(name)  # type: ignore[method-assign]
                self.hooked.append(module)

    def package_getattr(self, package: str) -> Any:
        """A module ``__getattr__`` for ``package``, so ``from ftlab import dataset`` says the same."""

        def __getattr__(attribute: str) -> Any:
            name = f"{package}.{attribute}"
            if not attribute.startswith("_") and not self.permits(name):
                raise EngineNotAvailable(name)
            raise AttributeError(f"module {package!r} has no attribute {attribute!r}")

        return __getattr__


def install(allowed: Iterable[str] = ("ftlab.learner",)) -> EngineBlocker:
    """Put the blocker first on ``sys.meta_path``; ``allowed``: the library's modules (``child_modules()``).

    Modules already imported stay usable whatever ``allowed`` says.
    """
    blocker = EngineBlocker(allowed)
    sys.meta_path.insert(0, blocker)
    blocker.hook_packages()
    return blocker


def _in_ftlab(name: str) -> bool:
    return name == ROOT or name.startswith(ROOT + ".")


def uninstall(blocker: EngineBlocker) -> None:
    """Take ``blocker`` off ``sys.meta_path`` and its ``__getattr__`` off the ftlab packages."""
    if blocker in sys.meta_path:
        sys.meta_path.remove(blocker)
    for module in blocker.hooked:
        vars(module).pop("__getattr__", None)
    blocker.hooked.clear()


#: A file of ftlab's outside the learner API, named in an error (``.../ftlab/dataset/records.py``).
_ENGINE_FILE = re.compile(r"\bftlab/(?!learner\b)[\w/]+\.py\b")
ENGINE_FILE_NOTE = (
    "exercise code may not use ftlab's engine: its files are not there when your work is graded;"
    " import only from ftlab.learner"
)


def explained(outcome: Any) -> Any:
    """``outcome`` with a note when its error came from reaching for an engine file on disk."""
    text = f"{getattr(outcome, 'message', '')}\n{getattr(outcome, 'traceback', '')}"
    if outcome.kind not in ("raised", "unloadable") or not _ENGINE_FILE.search(text):
        return outcome
    if outcome.kind == "unloadable":
        return dataclasses.replace(outcome, message=f"{outcome.message} ({ENGINE_FILE_NOTE})")
    return dataclasses.replace(outcome, notes=[*outcome.notes, ENGINE_FILE_NOTE])
