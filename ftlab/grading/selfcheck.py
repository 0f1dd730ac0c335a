"""Self-checks: ``pytest exercises/``'s word on engine imports, and the grader suite from a notebook.

Under the scoreboard of ``pytest exercises/``, :class:`EngineUseNote` names every exercise file
that imports ftlab's engine (official grading gives it 0: only ftlab.learner is there).

A lab notebook's self-check cell calls ``check("ex1_build_example", globals())``: pytest runs
``graders/test_ex1_build_example.py`` with a backend that finds the learner's functions in the
notebook's namespace, values crossing as plain data exactly as they do for ``pytest exercises/``.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.engine_use import engine_use_line
from ftlab.grading.exercises import Exercise, find
from ftlab.grading.outcomes import Outcome
from ftlab.grading.recorder import ENGINE_USE_PLUGIN
from ftlab.grading.results import Scoreboard, load_checks
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT, run_call
from ftlab.grading.settings import BACKEND_FACTORY

_EXERCISE_FILE = re.compile(r"^ex\d+_[a-z0-9_]+\.py$")


class EngineUseNote:
    """One line under the scoreboard per graded exercise file that imports ftlab's engine.

    Registered by the ftlab plugin; it learns the files from the test reports, so it works with
    xdist too (the reports reach the main process). The recorder writes the lines, last on the
    screen (:mod:`ftlab.grading.recorder`).
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.files: dict[str, Path] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        where = report.nodeid.split("::", 1)[0]
        if _EXERCISE_FILE.match(Path(where).name):
            self.files.setdefault(where, self.config.rootpath / where)

    def lines(self) -> list[str]:
        """One line per exercise file of this run that imports the engine (the recorder shows them)."""
        return [line for path in self.files.values() if (line := engine_use_line(path))]


def register_engine_use(config: pytest.Config) -> None:
    """Show :class:`EngineUseNote`'s lines in this run's scoreboard (called from the plugin's configure)."""
    if not config.pluginmanager.has_plugin(ENGINE_USE_PLUGIN):
        config.pluginmanager.register(EngineUseNote(config), ENGINE_USE_PLUGIN)


class NamespaceBackend:
    """Runs the functions found in a namespace (a notebook's ``globals()``)."""

    def __init__(self, namespace: Mapping[str, Any], *, timeout: float = DEFAULT_CALL_TIMEOUT) -> None:
        self.namespace = namespace
        self.timeout = timeout
        self.description = "the notebook's functions"

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        target = self.namespace.get(function)
        if function.startswith("_") or not callable(target):
            return Outcome("missing")
        return run_call(target, args, kwargs, source=Path("<notebook>"), timeout=self.timeout)


class _Namespace:
    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.namespace = namespace

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[BACKEND_FACTORY] = lambda config, root: NamespaceBackend(self.namespace)


def find_graders(start: Path | None = None) -> Path:
    """The ``graders/`` folder in ``start`` (default: the working folder) or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "graders").is_dir():
            return folder / "graders"
    raise FileNotFoundError(
        f"no graders/ folder in {here} or above it: open the notebook from the lab's folder"
    )


def check(
    slug: str, namespace: Mapping[str, Any], *, graders: Path | None = None, quiet: bool = False
) -> Scoreboard:
    """Grade one exercise on the functions in ``namespace``; print pytest's report, return the scoreboard."""
    exercise = find(slug)
    folder = graders or find_graders()
    grader = folder / exercise.grader_filename
    if not grader.is_file():
        raise FileNotFoundError(f"no grader for {exercise.slug} at {grader}")
    with tempfile.TemporaryDirectory(prefix="ftlab-selfcheck-") as private:
        board = Path(private, "board.json")
        args = [
            str(grader),
            "--impl",
            str(folder if exercise.functions else folder.parent / "exercises"),  # ex6 grades files
            "--ftlab-json",
            str(board),
            "-p",
            "no:cacheprovider",
            "--no-header",
            f"--rootdir={folder.parent}",
        ]
        pytest.main([*args, "-q"] if quiet else args, plugins=[_Namespace(namespace)])
        if not board.is_file():
            return Scoreboard()
        import json

        return load_checks(json.loads(board.read_text(encoding="utf-8"))["tests"])
