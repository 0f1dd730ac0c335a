"""Feedback: what a learner reads when a check fails, instead of a wall of traceback."""

from __future__ import annotations

from typing import Literal

import pytest

from ftlab.grading.seam import StudentCodeError

Kind = Literal["not_implemented", "learner_code", "check", "grader"]
MAX_DETAIL = 1500


def classify(error: BaseException) -> Kind:
    """Whose failure this is: an unfinished stub, the learner's code, a failed check, or the grader."""
    if isinstance(error, BaseExceptionGroup) and error.exceptions:
        return classify(error.exceptions[0])
    if isinstance(error, NotImplementedError) and hasattr(error, "ftlab_traceback"):
        return "not_implemented"
    if isinstance(error, StudentCodeError) or hasattr(error, "ftlab_traceback"):
        return "learner_code"
    if isinstance(error, (AssertionError, pytest.fail.Exception)):
        return "check"  # a failed assert, or pytest.raises's "DID NOT RAISE"
    return "grader"


def describe(error: BaseException) -> str:
    """One short paragraph saying what went wrong, in a learner's terms."""
    if isinstance(error, BaseExceptionGroup) and error.exceptions:
        return describe(error.exceptions[0])
    kind = classify(error)
    if kind == "not_implemented":
        return f"not implemented yet ({error})" if str(error) else "not implemented yet"
    if kind == "learner_code":
        if isinstance(error, StudentCodeError):
            return error.feedback()
        message = getattr(error, "ftlab_message", str(error))
        text = (
            f"your code raised {_name(error)}: {message}" if message else f"your code raised {_name(error)}"
        )
        where = getattr(error, "ftlab_traceback", "")
        return _cut(text + (f"\n{where}" if where else "") + _notes(error))
    if kind == "check":
        text = str(error) or "a check failed"
        if text.startswith("DID NOT RAISE "):
            text = (
                f"expected your code to raise {text.removeprefix('DID NOT RAISE ')}, but it returned normally"
            )
        return _cut(text + _notes(error))
    return _cut(
        f"the grader itself failed ({type(error).__name__}: {error}); "
        "this is not your fault, tell your instructor"
    )


def _name(error: BaseException) -> str:
    return getattr(error, "type_name", type(error).__name__)


def _notes(error: BaseException) -> str:
    notes = [n for n in getattr(error, "__notes__", []) if n]
    return ("\n" + "\n".join(notes)) if notes else ""


def _cut(text: str) -> str:
    if len(text) <= MAX_DETAIL:
        return text
    return text[:MAX_DETAIL] + f"\n[... {len(text) - MAX_DETAIL} more characters cut]"
