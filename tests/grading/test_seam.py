"""The seam to learner code: every way a call can end comes back as a plain outcome."""

from __future__ import annotations

import sys
import textwrap

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.outcomes import (
    CallTimedOut,
    LearnerException,
    MissingFunction,
    Outcome,
    ReturnedNotPlain,
    StudentCodeError,
    UnloadableExercise,
    raised_as,
    reraise,
)
from ftlab.grading.seam import ExerciseProxy, LocalBackend

EX1 = find("ex1_build_example")


def proxy(tmp_path, source: str, *, timeout: float = 5.0) -> ExerciseProxy:
    (tmp_path / EX1.filename).write_text(textwrap.dedent(source))
    return ExerciseProxy(LocalBackend(tmp_path, timeout=timeout), EX1)


def test_arguments_and_the_value_cross_as_plain_data(tmp_path):
    ex = proxy(
        tmp_path,
        "SEEN = []\ndef build_example(user, assistant, system=None):\n"
        "    SEEN.append(user)\n    return {'u': user}\n",
    )
    arg = ["mutable"]
    assert ex.build_example(arg, "a") == {"u": ["mutable"]}


def test_the_nearest_builtin_exception_is_raised_with_the_learners_message(tmp_path):
    ex = proxy(
        tmp_path, "import json\ndef build_example(user, assistant, system=None):\n    json.loads('{')\n"
    )
    with pytest.raises(ValueError) as error:
        ex.build_example("u", "a")
    assert "Expecting property name" in str(error.value)
    assert "(raised as JSONDecodeError)" in error.value.__notes__
    assert "line 3, in build_example" in error.value.ftlab_traceback


def test_a_learners_own_exception_class_keeps_its_name(tmp_path):
    ex = proxy(
        tmp_path,
        "class Oops(BaseException): pass\n"
        "def build_example(user, assistant, system=None):\n    raise Oops('bad')\n",
    )
    with pytest.raises(LearnerException, match="bad") as error:
        ex.build_example("u", "a")
    assert error.value.type_name == "Oops"


def test_system_exit_in_learner_code_is_an_outcome_not_the_end_of_the_run(tmp_path):
    ex = proxy(tmp_path, "import sys\ndef build_example(user, assistant, system=None):\n    sys.exit(0)\n")
    with pytest.raises(LearnerException) as error:
        ex.build_example("u", "a")
    assert error.value.type_name == "SystemExit"


def test_a_missing_function_is_named(tmp_path):
    ex = proxy(tmp_path, "def build_exmaple(): pass\n")
    with pytest.raises(
        MissingFunction, match=r"MISSING FUNCTION --> build_example\(\) in ex1_build_example.py"
    ):
        ex.build_example("u", "a")


def test_a_file_that_cannot_be_imported_says_why(tmp_path):
    ex = proxy(tmp_path, "import no_such_module_here\n")
    with pytest.raises(
        UnloadableExercise, match="ModuleNotFoundError: No module named 'no_such_module_here'"
    ):
        ex.build_example("u", "a")
    missing = ExerciseProxy(LocalBackend(tmp_path / "empty"), EX1)
    with pytest.raises(UnloadableExercise, match="no file at"):
        missing.build_example("u", "a")


def test_a_return_value_that_is_not_plain_data_is_refused(tmp_path):
    ex = proxy(tmp_path, "def build_example(user, assistant, system=None):\n    return {'m': {1, 2}}\n")
    with pytest.raises(ReturnedNotPlain, match="returned a set object"):
        ex.build_example("u", "a")


def test_an_endless_call_times_out(tmp_path):
    ex = proxy(
        tmp_path, "def build_example(user, assistant, system=None):\n    while True: pass\n", timeout=0.2
    )
    with pytest.raises(CallTimedOut, match="timed out after 0.2 s"):
        ex.build_example("u", "a")


def test_a_single_file_root_serves_every_exercise(tmp_path):
    (tmp_path / "all.py").write_text("def validate_record(r):\n    return ['data_type']\n")
    ex2 = ExerciseProxy(LocalBackend(tmp_path / "all.py"), find("ex2_validate_record"))
    assert ex2.validate_record(5) == ["data_type"]


def test_outcomes_round_trip_as_dicts():
    outcome = Outcome("raised", error_type="KeyError", builtin_type="KeyError", message="'x'", notes=["n"])
    assert Outcome.from_dict(outcome.to_dict()) == outcome
    assert "value" not in Outcome("missing").to_dict()


def test_raised_as_matches_the_class_an_error_crossed_as_and_never_a_grader_failure():
    crossed = Outcome(
        "raised",
        error_type="NotFoundError",
        message="no such job",
        error_classes=["openai.NotFoundError", "builtins.Exception", "builtins.BaseException"],
    )
    with pytest.raises(LearnerException) as caught:
        reraise(EX1, "wait_for_job", crossed)

    class NotFoundError(Exception):
        pass

    NotFoundError.__module__, NotFoundError.__qualname__ = "openai", "NotFoundError"
    assert raised_as(caught.value, NotFoundError)
    assert not raised_as(caught.value, KeyError)
    assert raised_as(ValueError("local"), ValueError)
    assert not raised_as(None, Exception)
    assert not raised_as(CallTimedOut("hung"), Exception)


def test_the_proxy_tells_its_observer_of_every_grader_failure_even_a_caught_one(tmp_path):
    (tmp_path / EX1.filename).write_text("def build_example(a, b):\n    return {1, 2}\n")
    seen: list[StudentCodeError] = []
    ex = ExerciseProxy(LocalBackend(tmp_path), EX1, observe=seen.append)
    try:
        ex.build_example("a", "b")
    except Exception:  # noqa: BLE001 - a grader that swallows everything
        pass
    with pytest.raises(MissingFunction):
        ex.write_jsonl([], "x")
    assert [type(e) for e in seen] == [ReturnedNotPlain, MissingFunction]


def test_a_value_too_deep_to_cross_is_refused_in_process_too(tmp_path):
    ex = proxy(
        tmp_path,
        "def build_example(a, b):\n    v = []\n    for _ in range(200_000):\n        v = [v]\n    return v\n",
    )
    with pytest.raises(ReturnedNotPlain, match="returned a value nested more than 100 levels deep"):
        ex.build_example("a", "b")


def test_the_learners_helper_modules_beside_the_exercise_are_importable(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", sys.path[:])
    (tmp_path / "my_helpers.py").write_text("def pair(a, b):\n    return [a, b]\n")
    ex = proxy(tmp_path, "from my_helpers import pair\ndef build_example(a, b):\n    return pair(a, b)\n")
    assert ex.build_example("x", "y") == ["x", "y"]


def test_a_load_error_is_told_in_full_once_then_pointed_to(tmp_path):
    ex = proxy(tmp_path, "def build_example(a, b) return 1\n")
    with pytest.raises(UnloadableExercise, match="SyntaxError on line 1") as first:
        ex.build_example("a", "b")
    with pytest.raises(UnloadableExercise) as second:
        ex.write_jsonl([], "x")
    assert "SyntaxError" not in str(second.value) and "first check of this exercise" in str(second.value)
    assert str(first.value).startswith(EX1.filename)


def test_a_single_file_that_does_not_load_is_named_as_the_learner_named_it(tmp_path):
    source = tmp_path / "José García.py"
    source.write_text("import nothing_by_this_name\n")
    ex = ExerciseProxy(LocalBackend(source), EX1)
    with pytest.raises(UnloadableExercise, match="^José García.py could not be loaded: ModuleNotFoundError"):
        ex.build_example("a", "b")


class _Counting(LocalBackend):
    """A local backend that counts the batches it is asked for and the calls it makes."""

    def __init__(self, root, **kwargs) -> None:
        super().__init__(root, **kwargs)
        self.batches: list[int] = []
        self.calls: list[list] = []

    def call(self, exercise, function, args, kwargs):
        self.calls.append(args)
        return super().call(exercise, function, args, kwargs)

    def call_many(self, exercise, function, calls):
        self.batches.append(len(calls))
        return super().call_many(exercise, function, calls)


COUNTED = "def build_example(a, b=None):\n    if a == 'bad':\n        raise KeyError(a)\n    return a\n"


def test_each_makes_each_call_only_when_its_value_is_asked_for_in_process(tmp_path):
    (tmp_path / EX1.filename).write_text(COUNTED)
    backend = _Counting(tmp_path)
    values = ExerciseProxy(backend, EX1).each("build_example", [("x",), ("bad",), ("y",)])
    assert next(values) == "x"
    with pytest.raises(KeyError):
        next(values)
    assert backend.calls == [["x"], ["bad"]], "the third call was never made"


def test_expected_calls_take_their_answers_from_one_batch(tmp_path):
    (tmp_path / EX1.filename).write_text(COUNTED)
    backend = _Counting(tmp_path)
    ex = ExerciseProxy(backend, EX1)
    with ex.expect([("build_example", (a,), {}) for a in ("x", "y", "z")]):
        assert [ex.build_example(a) for a in ("x", "y", "z")] == ["x", "y", "z"]
    assert backend.batches == [3]


def test_a_call_other_than_the_one_expected_runs_on_its_own_and_drops_the_rest(tmp_path):
    (tmp_path / EX1.filename).write_text(COUNTED)
    backend = _Counting(tmp_path)
    ex = ExerciseProxy(backend, EX1)
    with ex.expect([("build_example", (1,), {}), ("build_example", ("y",), {})]):
        assert ex.build_example(True) is True, "True is not the 1 expected: it is called as given"
        assert ex.build_example("y") == "y"
    assert backend.batches == [] and backend.calls == [[True], ["y"]]


def test_each_falls_back_to_single_calls_on_a_backend_without_batches(tmp_path):
    (tmp_path / EX1.filename).write_text(COUNTED)

    class Single:
        description = "single calls only"

        def __init__(self) -> None:
            self.inner = LocalBackend(tmp_path)

        def call(self, exercise, function, args, kwargs):
            return self.inner.call(exercise, function, args, kwargs)

    assert list(ExerciseProxy(Single(), EX1).each("build_example", [("x",), ("y",)])) == ["x", "y"]
