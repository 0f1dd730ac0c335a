"""The implementation under test, reached through one seam whatever runs it.

Graders call ``exercise.build_example(...)`` on an :class:`ExerciseProxy`. The proxy sends the
call to a :class:`Backend` as plain data and turns the plain :class:`Outcome` back into a value
or an exception. :class:`LocalBackend` runs the learner's module in this process (fast
self-checks); an isolating backend runs it in a sandboxed child process instead, and graders
cannot tell the difference because both speak only plain data. A sweep of many calls can cross
in batches (:meth:`ExerciseProxy.each`, :meth:`ExerciseProxy.expect`), with each call's outcome
exactly what the single call would have given.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import itertools
import json
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import ftlab.grading.isolation.handles  # noqa: F401 - registers the standard handles where learner code runs
from ftlab.grading.exercises import Exercise
from ftlab.grading.isolation.plain_data import NotPlainData, from_plain, to_plain
from ftlab.grading.outcomes import (
    Outcome,
    StudentCodeError,
    class_name,
    nearest_builtin,
    reraise,
)
from ftlab.grading.time_limit import TimeLimitExceeded, time_limit
from ftlab.grading.warmup import warm_only

DEFAULT_CALL_TIMEOUT = 10.0
#: what the other checks of an exercise say once one of them has said why its file could not load
ALREADY_SAID = "see the first check of this exercise that failed for why"


class Backend(Protocol):
    """Runs one function of one exercise on plain arguments and reports a plain outcome."""

    description: str

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome: ...


#: one call as plain data: its arguments and keyword arguments
PlainCall = tuple[list[Any], dict[str, Any]]


def call_many(
    backend: Backend, exercise: Exercise, function: str, calls: Sequence[PlainCall]
) -> Iterator[Outcome]:
    """The outcomes of calls made one after the other, in one go when the backend can (``call_many``)."""
    many = getattr(backend, "call_many", None)
    if many is not None:
        return many(exercise, function, calls)
    return (backend.call(exercise, function, args, kwargs) for args, kwargs in calls)


class _Ahead:
    """Calls a check said it will make, in order; their outcomes come in batches as they are asked for."""

    def __init__(self, backend: Backend, exercise: Exercise, calls: list[tuple[str, PlainCall]]) -> None:
        self._backend, self._exercise = backend, exercise
        self._calls = [(_key(f, c), f, c) for f, c in calls]
        self._outcomes: Iterator[Outcome] = iter(())
        self._left = 0  # calls of the current run of one function still to be asked for

    def take(self, function: str, call: PlainCall) -> Outcome | None:
        """The outcome of the next expected call when ``call`` is it, else None (the rest are dropped)."""
        if not self._calls or self._calls[0][0] != _key(function, call):
            self._calls = []
            return None
        if not self._left:
            run = [c for _, _, c in itertools.takewhile(lambda e: e[1] == function, self._calls)]
            self._outcomes, self._left = call_many(self._backend, self._exercise, function, run), len(run)
        self._calls.pop(0)
        self._left -= 1
        return next(self._outcomes)


def _key(function: str, call: PlainCall) -> str:
    """A call as JSON text, to compare: True is not 1, 1.0 is not 1, and key order counts."""
    return json.dumps([function, *call], allow_nan=True)


class ExerciseProxy:
    """Stands for the learner's module: ``proxy.name(*args)`` runs ``name`` through the backend."""

    def __init__(
        self,
        backend: Backend,
        exercise: Exercise,
        *,
        observe: Callable[[StudentCodeError], None] | None = None,
    ) -> None:
        self._backend = backend
        self._exercise = exercise
        #: told of every call that ended in a grader-side failure, even one a grader catches
        self._observe = observe
        self._ahead: _Ahead | None = None

    def __getattr__(self, function: str) -> Any:
        if function.startswith("_"):
            raise AttributeError(function)

        def call(*args: Any, **kwargs: Any) -> Any:
            plain = _plain_call(args, kwargs)
            outcome = self._ahead.take(function, plain) if self._ahead is not None else None
            if outcome is None:
                outcome = self._backend.call(self._exercise, function, *plain)
            return self._value(function, outcome)

        call.__name__ = function
        return call

    def each(self, function: str, arguments: Iterable[Sequence[Any]], **kwargs: Any) -> Iterator[Any]:
        """``function(*args, **kwargs)`` for each ``args`` in turn, as single calls would give them.

        Each value comes (or its error is raised) when asked for; the calls cross in batches, and
        a check that stops early is graded as if the rest were never made.
        """
        calls = [_plain_call(tuple(args), kwargs) for args in arguments]
        for outcome in call_many(self._backend, self._exercise, function, calls):
            yield self._value(function, outcome)

    @contextlib.contextmanager
    def expect(self, calls: Iterable[tuple[str, Sequence[Any], dict[str, Any]]]) -> Iterator[None]:
        """Within: the calls a check is about to make (function, args, kwargs), sent ahead in batches.

        Each call that is the next one expected (same function, equal plain arguments) takes its
        outcome from there; any other call runs on its own, and the rest expected are dropped.
        """
        try:
            expected = [(f, _plain_call(tuple(a), k)) for f, a, k in calls]
        except NotPlainData:  # the check will say so at its call; nothing is sent ahead
            expected = []
        self._ahead = _Ahead(self._backend, self._exercise, expected)
        try:
            yield
        finally:
            self._ahead = None

    def _value(self, function: str, outcome: Outcome) -> Any:
        try:
            return reraise(self._as_written(outcome), function, outcome)
        except StudentCodeError as error:
            if self._observe is not None:
                self._observe(error)
            raise

    def _as_written(self, outcome: Outcome) -> Exercise:
        """The exercise, named by the learner's own file when the whole submission is one module."""
        root = getattr(self._backend, "root", None)
        if outcome.kind != "unloadable" or not isinstance(root, Path) or not root.is_file():
            return self._exercise
        return _NamedExercise(
            **{f.name: getattr(self._exercise, f.name) for f in dataclasses.fields(Exercise)}, file=root.name
        )

    def __repr__(self) -> str:
        return f"<{self._exercise.slug} via {self._backend.description}>"


@dataclasses.dataclass(frozen=True)
class _NamedExercise(Exercise):
    """An exercise whose code is in a file the learner named (``my_work.py``, not ``ex1_...py``)."""

    file: str = ""

    @property
    def filename(self) -> str:
        return self.file


class LocalBackend:
    """Runs the learner's modules in this process: fast, for self-checks only."""

    def __init__(self, root: Path, *, timeout: float = DEFAULT_CALL_TIMEOUT) -> None:
        self.root = root
        self.timeout = timeout
        self.description = f"in-process ({root})"
        self._modules: dict[Path, ModuleType | Outcome] = {}
        self._said: set[str] = set()  # exercises whose load error a check has reported

    def source(self, exercise: Exercise) -> Path:
        """The file that holds an exercise: the root itself when it is a file, else root/slug.py."""
        return self.root if self.root.is_file() else self.root / exercise.filename

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        warm_only(exercise.warms)  # once per process: its first timed call does not pay for lazy imports
        module = self._load(exercise)
        if isinstance(module, Outcome):
            return once_per_exercise(module, exercise.slug, self._said)
        target = getattr(module, function, None)
        if not callable(target):
            return Outcome("missing")
        return run_call(target, args, kwargs, source=self.source(exercise), timeout=self.timeout)

    def call_many(self, exercise: Exercise, function: str, calls: Sequence[PlainCall]) -> Iterator[Outcome]:
        """Each call made when its outcome is asked for: exactly the single calls, one by one."""
        return (self.call(exercise, function, args, kwargs) for args, kwargs in calls)

    def _load(self, exercise: Exercise) -> ModuleType | Outcome:
        path = self.source(exercise)
        if self.root.is_dir():
            importable(self.root.resolve())
        if path not in self._modules:
            self._modules[path] = load_module(path)
        return self._modules[path]


def _plain_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> PlainCall:
    return to_plain(list(args), "the arguments"), to_plain(dict(kwargs), "the keyword arguments")


def once_per_exercise(outcome: Outcome, slug: str, said: set[str]) -> Outcome:
    """A load error in full the first time an exercise's check meets it; after that, a pointer to it."""
    if outcome.kind != "unloadable":
        return outcome
    if slug not in said:
        said.add(slug)
        return outcome
    return Outcome("unloadable", message=ALREADY_SAID)


def importable(folder: Path) -> None:
    """Let the learner's modules import each other (``import helpers``), as in Jupyter."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def load_module(path: Path) -> ModuleType | Outcome:
    """Import a learner's file under a private name, or the outcome that says why it failed."""
    if not path.is_file():
        return Outcome("unloadable", message=f"no file at {path}")
    name = f"ftlab_learner_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - a learner's file may raise anything, even SystemExit
        sys.modules.pop(name, None)
        return Outcome("unloadable", message=_one_line(error), traceback=learner_traceback(error, path))
    return module


def run_call(
    target: Any, args: list[Any], kwargs: dict[str, Any], *, source: Path, timeout: float
) -> Outcome:
    """Call a learner's function on rebuilt arguments; report a plain outcome whatever happens."""
    try:
        with time_limit(timeout):
            result = target(*from_plain(args), **from_plain(kwargs))
    except TimeLimitExceeded:
        return Outcome(
            "timeout",
            message=f"timed out after {timeout:g} s: is there an endless loop, or a wait that never ends?",
        )
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt from learner code are outcomes too
        if isinstance(error, KeyboardInterrupt) and threading.current_thread() is threading.main_thread():
            raise
        return Outcome(
            "raised",
            error_type=type(error).__name__,
            builtin_type=nearest_builtin(error),
            message=str(error),
            traceback=learner_traceback(error, source),
            notes=[str(n) for n in getattr(error, "__notes__", [])],
            error_classes=[class_name(c) for c in type(error).__mro__],
        )
    try:
        return Outcome("value", value=to_plain(result, "the return value"))
    except NotPlainData as error:
        return Outcome("not_plain", message=error.reason)


def learner_traceback(error: BaseException, source: Path) -> str:
    """The traceback lines that point into the learner's own file (the rest is noise to them)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == source]
    if isinstance(error, SyntaxError) and error.filename and Path(error.filename) == source:
        return "".join(traceback.format_exception_only(type(error), error)).rstrip()
    lines = traceback.format_list(frames)
    return "".join(lines).rstrip()


def _one_line(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError on line {error.lineno}: {error.msg}"
    return f"{type(error).__name__}: {error}"
