"""Feedback sorts each failure by whose it is and says it in a learner's terms."""

from __future__ import annotations

from ftlab.grading.feedback import MAX_DETAIL, classify, describe


def from_learner(error: BaseException, message: str = "") -> BaseException:
    error.ftlab_traceback = '  File "ex.py", line 3, in f'
    error.ftlab_message = message or str(error)
    return error


def test_each_kind_of_failure_is_told_apart():
    assert classify(from_learner(NotImplementedError("Task 1"))) == "not_implemented"
    assert classify(from_learner(ValueError("x"))) == "learner_code"
    assert classify(AssertionError("roles are wrong")) == "check"
    assert classify(TypeError("grader bug")) == "grader"
    assert classify(ExceptionGroup("g", [AssertionError("a")])) == "check"


def test_a_missing_exception_is_the_learners_failed_check_not_the_graders():
    import pytest

    with pytest.raises(pytest.fail.Exception) as error:
        with pytest.raises(ValueError):
            pass
    assert classify(error.value) == "check"
    assert describe(error.value) == "expected your code to raise ValueError, but it returned normally"


def test_descriptions():
    assert describe(from_learner(NotImplementedError("Task 1"))) == "not implemented yet (Task 1)"
    assert (
        describe(from_learner(KeyError("x"), "x"))
        == 'your code raised KeyError: x\n  File "ex.py", line 3, in f'
    )
    assert describe(AssertionError("roles are wrong")) == "roles are wrong"
    assert describe(TypeError("oops")).startswith("the grader itself failed (TypeError: oops)")


def test_long_details_are_cut_with_a_note():
    text = describe(AssertionError("x" * (MAX_DETAIL + 10)))
    assert text.endswith("[... 10 more characters cut]")


def test_feedback_says_the_same_on_every_run_without_addresses_or_random_names():
    class Thing:
        pass

    thing = Thing()
    text = describe(AssertionError(f"got {thing!r} from {describe!r} in /tmp/pytest-of-me/pytest-41/t0/x"))
    assert " at 0x" not in text and "pytest-41" not in text
    assert text == describe(
        AssertionError(f"got {Thing()!r} from {describe!r} in /tmp/pytest-of-me/pytest-7/t0/x")
    )
    assert "ftlab-scratch-XXXXXXXX" in describe(AssertionError("/tmp/ftlab-scratch-k2j3_h4g/pytest"))
