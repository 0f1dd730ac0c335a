"""Self-checks from a notebook: the grader suite of ``pytest exercises/`` on the notebook's own functions.

A lab notebook's self-check cell calls ``check("ex1_build_example", globals())``: pytest runs
``graders/test_ex1_build_example.py`` with a backend that finds the learner's functions in the
notebook's namespace, values crossing as plain data exactly as they do for ``pytest exercises/``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.exercises import Exercise, find
from ftlab.grading.results import Scoreboard, load_checks
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT, Outcome, run_call
from ftlab.grading.settings import BACKEND_FACTORY


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
            str(folder),
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
