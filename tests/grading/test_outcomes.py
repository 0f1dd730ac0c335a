"""Outcomes: a grader-side failure comes back as the grader's own verdict, never as a learner's exception."""

from __future__ import annotations

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.outcomes import (
    BrokeProtocol,
    CallTimedOut,
    MissingFunction,
    Outcome,
    ProcessEnded,
    ReturnedNotPlain,
    StudentCodeError,
    raised_as,
    reraise,
)

EX1 = find("ex1_build_example")


def test_the_graders_own_failures_inherit_no_builtin_error_a_check_could_expect():
    import builtins

    for cls in (MissingFunction, ReturnedNotPlain, CallTimedOut, BrokeProtocol, ProcessEnded):
        assert issubclass(cls, StudentCodeError)
        inherited = [c for c in cls.__mro__ if getattr(builtins, c.__name__, None) is c]
        assert inherited == [Exception, BaseException, object], cls


@pytest.mark.parametrize(
    ("kind", "cls", "said"),
    [
        ("protocol", BrokeProtocol, "don't write to file descriptors you did not open"),
        ("ended", ProcessEnded, "instead of exiting"),
        ("unheard-of", BrokeProtocol, "no known kind"),
    ],
)
def test_a_broken_protocol_or_an_ended_process_is_a_grader_failure_not_an_exception(kind, cls, said):
    with pytest.raises(cls, match=said) as caught:
        reraise(EX1, "build_example", Outcome(kind, message="build_example() ended"))
    assert not raised_as(caught.value, Exception)
