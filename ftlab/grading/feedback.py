"""Feedback: what a learner reads when a check fails, instead of a wall of traceback."""

from __future__ import annotations

import re
from typing import Literal

import pytest

from ftlab.grading.outcomes import StudentCodeError

Kind = Literal["not_implemented", "learner_code", "check", "grader"]
MAX_DETAIL = 1500
#: " at 0x7f3a..." in an object's repr (``<Foo object at 0x7f..>``, ``<function f at 0x7f..>``)
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
#: the numbered folder of one pytest run's ``tmp_path``s (``/tmp/pytest-of-me/pytest-12/``)
_PYTEST_RUN = re.compile(r"(?<=/)pytest-\d+(?=/)")
#: the random part of the temporary folders a run makes (``tempfile.mkdtemp(prefix=...)``)
_TEMP_NAME = re.compile(r"((?:ftlab-scratch|ftlab-child|ftlab-tiktoken|tmp)-?)[a-z0-9_]{8}(?![a-z0-9_])")


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
        return _cut(f"not implemented yet ({error})" if str(error) else "not implemented yet")
    if kind == "learner_code":
        if isinstance(error, StudentCodeError):
            return _cut(error.feedback())
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


def normalise(text: str) -> str:
    """The text without what changes from run to run: memory addresses, random temporary names."""
    text = _PYTEST_RUN.sub("pytest-N", _ADDRESS.sub("", text))
    return _TEMP_NAME.sub(r"\1XXXXXXXX", text)


def _cut(text: str) -> str:
    text = normalise(text)
    if len(text) <= MAX_DETAIL:
        return text
    return text[:MAX_DETAIL] + f"\n[... {len(text) - MAX_DETAIL} more characters cut]"
