"""The one home for pytest's private names that the grading plugin needs.

The plugin collects a learner's exercise file as the checks of its grader module: the node's
path is the learner's file, its code another file. pytest has no public way to say that, so two
private names are used, both only here: ``_pytest.python.importtestmodule`` (how pytest imports a
test module, assertion rewriting included) and ``Module._getobj`` (the method a module node calls
to get its code). ``tests/grading/test_compat.py`` fails first, naming what moved, when a pytest
release moves either; importing this module never fails, so pytest itself still starts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ftlab.errors import FtlabError

ImportTestModule = Callable[[Path, pytest.Config], ModuleType]

try:
    from _pytest.python import importtestmodule as _importtestmodule
except ImportError:  # a pytest release that moved it: said in a sentence by import_test_module
    _IMPORT_TEST_MODULE: ImportTestModule | None = None
else:
    _IMPORT_TEST_MODULE = _importtestmodule


class PytestInternalsMoved(FtlabError, RuntimeError):
    """This pytest release no longer has a private name the plugin relies on."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(names)
        self.names = names

    def __str__(self) -> str:
        return (
            f"pytest {pytest.__version__} has no {', '.join(self.names)}: the ftlab plugin cannot collect "
            "exercise files with it; update ftlab/grading/compat.py or install the pytest version ftlab names"
        )


def missing_internals() -> list[str]:
    """The private pytest names this pytest release lacks (empty when the plugin can work)."""
    missing = []
    if _IMPORT_TEST_MODULE is None:
        missing.append("_pytest.python.importtestmodule")
    if not callable(getattr(pytest.Module, "_getobj", None)):
        missing.append("pytest.Module._getobj")
    return missing


def import_test_module(path: Path, config: pytest.Config) -> ModuleType:
    """Import ``path`` as pytest imports a test module (assertion rewriting, ``rootdir`` names)."""
    if _IMPORT_TEST_MODULE is None:
        raise PytestInternalsMoved(missing_internals())
    return _IMPORT_TEST_MODULE(path, config)


class ForeignCodeModule(pytest.Module):
    """A test module node whose code is imported from ``code_path``, not from its own ``path``."""

    def __init__(self, *, code_path: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.code_path = code_path

    def _getobj(self) -> Any:
        return import_test_module(self.code_path, self.config)
