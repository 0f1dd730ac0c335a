"""Outcomes: what one call of the learner's code did, as plain data, and the exceptions they stand for.

An :class:`Outcome` crosses from whatever ran the learner's code (this process or a sandboxed
child); :func:`reraise` turns it back into the value, the learner's exception (rebuilt by class),
or a :class:`StudentCodeError`: the grader's own verdict that the call could not be made as asked
(a missing function, a hang, a process that ended, a broken protocol). Those never inherit a
builtin error class, so no check that expects "an error" mistakes one for the learner's.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any

from ftlab.errors import FtlabError
from ftlab.grading.exercises import Exercise
from ftlab.grading.isolation.plain_data import from_plain


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


def nearest_builtin(error: BaseException) -> str:
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
