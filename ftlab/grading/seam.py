"""The implementation under test, reached through one seam whatever runs it.

Graders call ``exercise.build_example(...)`` on an :class:`ExerciseProxy`. The proxy sends the
call to a :class:`Backend` as plain data and turns the plain :class:`Outcome` back into a value
or an exception. :class:`LocalBackend` runs the learner's module in this process (fast
self-checks); an isolating backend runs it in a sandboxed child process instead, and graders
cannot tell the difference because both speak only plain data.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.util
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import ftlab.grading.isolation.handles  # noqa: F401 - registers the standard handles where learner code runs
from ftlab.errors import FtlabError
from ftlab.grading.exercises import Exercise
from ftlab.grading.isolation.plain_data import NotPlainData, from_plain, to_plain
from ftlab.grading.time_limit import TimeLimitExceeded, time_limit
from ftlab.grading.warmup import warm

DEFAULT_CALL_TIMEOUT = 10.0


@dataclass(frozen=True)
class Outcome:
    """What one call did, as plain data: a value, a raised exception, or why it could not run."""

    #: "value" | "raised" | "missing" | "unloadable" | "not_plain" | "timeout", and the grader's side
    #: of an isolated call: "protocol" (the child broke the protocol) | "ended" (the child ended)
    kind: str
    value: Any = None
    error_type: str = ""
    builtin_type: str = ""
    message: str = ""
    traceback: str = ""
    notes: list[str] = field(default_factory=list)
    #: the raised exception's classes, most derived first, as "module.QualName" (see :func:`raised_as`)
    error_classes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.__dict__.items()
            if v not in ("", None, []) or (k == "value" and self.kind == "value")
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        return cls(**data)


class Backend(Protocol):
    """Runs one function of one exercise on plain arguments and reports a plain outcome."""

    description: str

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome: ...


class StudentCodeError(FtlabError):
    """Base of the errors a grader sees when the learner's code could not be called as asked."""

    def feedback(self) -> str:
        return str(self)


class MissingFunction(StudentCodeError):
    """The exercise module does not define the function a check needs."""

    def __init__(self, exercise: Exercise, function: str) -> None:
        super().__init__(exercise.slug, function)
        self.exercise, self.function = exercise, function

    def __str__(self) -> str:
        return (
            f"MISSING FUNCTION --> {self.function}() in {self.exercise.filename}: "
            "did you misname or forget to define it?"
        )


class UnloadableExercise(StudentCodeError):
    """The learner's file could not be found or imported (a syntax error, an import that fails)."""

    def __init__(self, exercise: Exercise, reason: str) -> None:
        super().__init__(exercise.slug, reason)
        self.exercise, self.reason = exercise, reason

    def __str__(self) -> str:
        return f"{self.exercise.filename} could not be loaded: {self.reason}"


class ReturnedNotPlain(StudentCodeError):
    """The learner's function returned something that is not plain data."""


class CallTimedOut(StudentCodeError):
    """The learner's function ran longer than a check allows."""


class BrokeProtocol(StudentCodeError):
    """The process running the learner's code wrote what the grader never asked for."""

    def __init__(self, function: str, detail: str) -> None:
        super().__init__(function, detail)
        self.function, self.detail = function, detail

    def __str__(self) -> str:
        return (
            f"{self.function}() could not be graded: the process running your code wrote on the "
            f"grader's private channel ({self.detail}). Return a value, and don't write to file "
            "descriptors you did not open yourself."
        )


class ProcessEnded(StudentCodeError):
    """The process running the learner's code ended (it exited, or was killed) instead of answering."""

    def __init__(self, function: str, detail: str) -> None:
        super().__init__(function, detail)
        self.function, self.detail = function, detail

    def __str__(self) -> str:
        if "CPU time" in self.detail:
            return f"{self.detail}: is there an endless loop, or work that could be done faster?"
        return f"{self.detail}: return a value (or raise an exception) instead of exiting"


def reraise(exercise: Exercise, function: str, outcome: Outcome) -> Any:
    """The value an outcome carries, or the exception it describes raised here."""
    if outcome.kind == "value":
        return from_plain(outcome.value)
    if outcome.kind == "missing":
        raise MissingFunction(exercise, function)
    if outcome.kind == "unloadable":
        raise UnloadableExercise(exercise, outcome.message)
    if outcome.kind == "not_plain":
        raise ReturnedNotPlain(f"{function}() returned {outcome.message}")
    if outcome.kind == "timeout":
        raise CallTimedOut(f"{function}() {outcome.message}")
    if outcome.kind == "protocol":
        raise BrokeProtocol(function, outcome.message)
    if outcome.kind == "ended":
        raise ProcessEnded(function, outcome.message)
    if outcome.kind != "raised":
        raise BrokeProtocol(function, f"an outcome of no known kind ({outcome.kind!r})")
    error = _rebuild_exception(outcome)
    vars(error)["ftlab_classes"] = tuple(outcome.error_classes)
    # marks the error as the learner's: feedback shows their message and the lines in their file
    vars(error).update(ftlab_traceback=outcome.traceback, ftlab_message=outcome.message)
    for note in outcome.notes:
        error.add_note(note)
    raise error


def _rebuild_exception(outcome: Outcome) -> BaseException:
    cls = getattr(builtins, outcome.builtin_type, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            error = cls(outcome.message)
        except Exception:  # noqa: BLE001 - a few builtins take other arguments
            return LearnerException(outcome.error_type, outcome.message)
        if outcome.error_type != outcome.builtin_type:
            error.add_note(f"(raised as {outcome.error_type})")
        return error
    return LearnerException(outcome.error_type, outcome.message)


def class_name(cls: type) -> str:
    """A class's "module.QualName", as :attr:`Outcome.error_classes` spells it."""
    return f"{cls.__module__}.{cls.__qualname__}"


def raised_as(error: BaseException | None, cls: type[BaseException]) -> bool:
    """Whether the learner's code raised ``cls`` (or a subclass of it): the check a grader makes.

    An error that crossed from a child process is rebuilt, so it is checked by the classes it
    was raised as there; an error raised in this process, by ``isinstance``. Never true for the
    grader's own failures (:class:`StudentCodeError`): a crash or a hang is not the error asked for.
    """
    if error is None or isinstance(error, StudentCodeError):
        return False
    classes = getattr(error, "ftlab_classes", None)
    if classes:
        return class_name(cls) in classes
    return isinstance(error, cls)


def _nearest_builtin(error: BaseException) -> str:
    for cls in type(error).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return ""


class LearnerException(FtlabError):
    """An exception of a class the learner defined (or a library's), rebuilt by name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name

    def __str__(self) -> str:
        return f"{self.type_name}: {self.args[0]}" if self.args[0] else self.type_name


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

    def __getattr__(self, function: str) -> Any:
        if function.startswith("_"):
            raise AttributeError(function)

        def call(*args: Any, **kwargs: Any) -> Any:
            plain_args = to_plain(list(args), "the arguments")
            plain_kwargs = to_plain(dict(kwargs), "the keyword arguments")
            outcome = self._backend.call(self._exercise, function, plain_args, plain_kwargs)
            try:
                return reraise(self._exercise, function, outcome)
            except StudentCodeError as error:
                if self._observe is not None:
                    self._observe(error)
                raise

        call.__name__ = function
        return call

    def __repr__(self) -> str:
        return f"<{self._exercise.slug} via {self._backend.description}>"


class LocalBackend:
    """Runs the learner's modules in this process: fast, for self-checks only."""

    def __init__(self, root: Path, *, timeout: float = DEFAULT_CALL_TIMEOUT) -> None:
        self.root = root
        self.timeout = timeout
        self.description = f"in-process ({root})"
        self._modules: dict[Path, ModuleType | Outcome] = {}

    def source(self, exercise: Exercise) -> Path:
        """The file that holds an exercise: the root itself when it is a file, else root/slug.py."""
        return self.root if self.root.is_file() else self.root / exercise.filename

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        warm()  # once per process: the first timed call does not pay for lazy imports
        module = self._load(exercise)
        if isinstance(module, Outcome):
            return module
        target = getattr(module, function, None)
        if not callable(target):
            return Outcome("missing")
        return run_call(target, args, kwargs, source=self.source(exercise), timeout=self.timeout)

    def _load(self, exercise: Exercise) -> ModuleType | Outcome:
        path = self.source(exercise)
        if path not in self._modules:
            self._modules[path] = load_module(path)
        return self._modules[path]


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
            builtin_type=_nearest_builtin(error),
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
