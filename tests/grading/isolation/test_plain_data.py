"""Plain data: what may cross between grader and learner code, and what is refused."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.problems import Problem
from ftlab.grading.isolation.plain_data import (
    MAX_DEPTH,
    MAX_SIZE,
    Handle,
    NotPlainData,
    from_plain,
    register_handle,
    to_plain,
)
from ftlab.learner import Decision

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(value=json_values)
def test_plain_values_survive_the_round_trip(value):
    assert from_plain(to_plain(value)) == value


def test_tuples_become_lists_and_the_copy_is_deep():
    original = {"a": [1, {"b": 2}]}
    copy = to_plain(original)
    copy["a"][1]["b"] = 3
    assert original == {"a": [1, {"b": 2}]}
    assert to_plain((1, (2,))) == [1, [2]]


def test_nan_and_infinity_cross_as_floats():
    back = from_plain(to_plain([math.inf, math.nan]))
    assert back[0] == math.inf and math.isnan(back[1])


class AlwaysEqual:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (AlwaysEqual(), "the value is a AlwaysEqual object"),
        ({"a": [AlwaysEqual()]}, "the value['a'][0] is a AlwaysEqual object"),
        ({1: "x"}, "a key of the value is a int object"),
        ({1, 2}, "the value is a set object"),
        (True.__class__.__mro__, "the value[0] is a type object"),
    ],
)
def test_anything_else_is_refused_saying_where(value, message):
    with pytest.raises(NotPlainData) as error:
        to_plain(value)
    assert str(error.value).startswith(message)


def test_only_the_learner_apis_dataclasses_cross_and_nothing_else_is_rebuilt():
    decision = Decision("rag", "the facts change daily")
    assert from_plain(to_plain(decision)) == decision
    problem = Problem("invalid_weight", "weight must be 0 or 1", message_index=2, field="weight")
    with pytest.raises(NotPlainData, match="Problem"):
        to_plain(problem)  # an engine dataclass: the learner's side could not rebuild it
    for forged in ("os:system", "ftlab.dataset.problems:Problem", "ftlab.learner:break_even"):
        with pytest.raises(ValueError, match="only the learner API's dataclasses"):
            from_plain({"$ftlab": "dataclass", "class": forged, "fields": {}})


def test_handles_are_rebuilt_by_their_registered_builder():
    register_handle("test-counter", lambda params: params["start"] + 1)
    assert from_plain(to_plain({"h": Handle("test-counter", {"start": 41})})) == {"h": 42}
    assert from_plain(to_plain(Handle("test-counter", {"start": 1})), handles=False) == Handle(
        "test-counter", {"start": 1}
    )
    with pytest.raises(ValueError, match="no way to build a 'nope' handle here"):
        from_plain(to_plain(Handle("nope", {})))


def test_a_value_nested_too_deep_is_refused_not_a_recursion_error():
    value: list = []
    for _ in range(200_000):
        value = [value]
    with pytest.raises(NotPlainData) as error:
        to_plain(value, "the return value")
    assert error.value.reason.startswith(f"a value nested more than {MAX_DEPTH} levels deep")
    shallow: list = []
    for _ in range(MAX_DEPTH - 1):  # MAX_DEPTH lists in all
        shallow = [shallow]
    assert to_plain(shallow) == shallow


@pytest.mark.parametrize(
    "value",
    [
        "x" * (MAX_SIZE + 1),
        "é" * (MAX_SIZE // 5),  # as JSON, each is six characters (\\u00e9)
        [0] * MAX_SIZE,
        {f"key {n}": None for n in range(MAX_SIZE // 16)},
    ],
    ids=["long-string", "non-ascii", "many-items", "many-keys"],
)
def test_a_value_larger_than_the_cap_is_refused(value):
    with pytest.raises(NotPlainData) as error:
        to_plain(value)
    assert error.value.reason.startswith(f"a value larger than {MAX_SIZE // 1024**2} MiB")


def test_a_value_just_under_the_cap_crosses():
    value = ["x" * (MAX_SIZE // 4)] * 3
    assert to_plain(value) == value


def test_an_integer_too_long_to_print_is_refused():
    with pytest.raises(NotPlainData, match="an integer with thousands of digits"):
        to_plain({"n": 10**5000})
    assert to_plain(10**1000) == 10**1000
