"""Replayed property checks: stored examples, explicit ones first, the first failure noted like hypothesis."""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
from pathlib import Path

import pytest

from ftlab.grading.stored_examples import (
    MissingExamples,
    Property,
    decode,
    encode,
    generate,
    properties,
)


@dataclasses.dataclass(frozen=True)
class Point:
    x: float
    label: str = "p"


def _grader(tmp_path: Path, examples: dict) -> dict:
    """A grader module's namespace whose ``__file__`` is in tmp_path, with its examples file written."""
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "test_exN.json").write_text(json.dumps({"checks": examples}), encoding="utf-8")
    return {"__file__": str(tmp_path / "test_exN.py")}


def _define(namespace: dict, source: str) -> None:
    exec(compile(source, namespace["__file__"], "exec"), namespace)


CHECK = """
from ftlab.grading.stored_examples import replayed
seen = []
def _strategies():
    raise AssertionError("replaying never builds strategies")
@replayed("n", strategies=_strategies, explicit=[{"n": -1}])
def test_n_is_small(exercise, n):
    seen.append(n)
    assert n < 3, f"{n} is not small"
"""


def test_the_examples_run_explicit_first_then_stored_in_order(tmp_path):
    namespace = _grader(tmp_path, {"test_n_is_small": [{"n": 0}, {"n": 2}, {"n": 1}]})
    namespace["__name__"] = "test_exN"
    _define(namespace, CHECK)
    namespace["test_n_is_small"](exercise="ex")
    assert namespace["seen"] == [-1, 0, 2, 1]


def test_the_first_failing_example_fails_the_check_with_a_falsifying_note(tmp_path):
    namespace = _grader(tmp_path, {"test_n_is_small": [{"n": 1}, {"n": 5}, {"n": 7}]})
    namespace["__name__"] = "test_exN"
    _define(namespace, CHECK)
    with pytest.raises(AssertionError, match="5 is not small") as caught:
        namespace["test_n_is_small"](exercise="ex")
    assert caught.value.__notes__ == ["Falsifying example: test_n_is_small(\n    exercise='ex',\n    n=5,\n)"]
    assert namespace["seen"] == [-1, 1, 5]


def test_pytest_sees_only_the_fixtures_not_the_drawn_values(tmp_path):
    namespace = _grader(tmp_path, {})
    namespace["__name__"] = "test_exN"
    _define(namespace, CHECK)
    assert list(inspect.signature(namespace["test_n_is_small"]).parameters) == ["exercise"]


def test_a_check_without_stored_examples_says_how_to_make_them(tmp_path):
    namespace = _grader(tmp_path, {"another_check": []})
    namespace["__name__"] = "test_exN"
    _define(namespace, CHECK)
    with pytest.raises(MissingExamples, match="no examples for test_n_is_small: regenerate them"):
        namespace["test_n_is_small"](exercise="ex")


@pytest.mark.parametrize(
    "value",
    [
        {"messages": [{"role": "user", "content": "caf\u00e9 \ud800"}], "weight": 1},
        ({"$odd": 1}, [1.5, -0.0, None, True]),
        {1: "int key", "s": (1, 2)},
        Point(2.5, "q"),
        [math.inf, -math.inf],
    ],
    ids=["record", "tuple-and-dollar-key", "int-key", "dataclass", "infinities"],
)
def test_encoded_values_come_back_equal_and_of_the_same_types(value):
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value and repr(back) == repr(value)


def test_a_value_json_cannot_hold_is_refused_when_stored():
    with pytest.raises(TypeError, match="cannot store a set"):
        encode({"x": {1, 2}})


def test_generation_is_the_same_twice_and_follows_the_check_name():
    from hypothesis import strategies as st

    def prop(name: str) -> Property:
        return Property(name, ("n",), lambda: {"n": st.integers(0, 10**6)}, 20, (), Path("unused.json"))

    first, again, other = generate(prop("test_a")), generate(prop("test_a")), generate(prop("test_b"))
    assert first == again and len(first) == 20
    assert first != other


def test_properties_finds_the_replayed_checks_of_a_namespace(tmp_path):
    namespace = _grader(tmp_path, {})
    namespace["__name__"] = "test_exN"
    _define(namespace, CHECK)
    assert [p.name for p in properties(namespace)] == ["test_n_is_small"]
