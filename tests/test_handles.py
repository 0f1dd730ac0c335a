"""ftlab.handles: resources named in plain data and built where the learner's code runs."""

from __future__ import annotations

import pytest

from ftlab.handles import Unserializable, repeated, unserializable
from ftlab.plain import from_plain, to_plain


def test_repeated_sends_one_value_and_builds_the_list():
    example = {"messages": [{"role": "user", "content": "hi"}]}
    plain = to_plain([repeated(example, 30_000)])
    assert len(repr(plain)) < 200
    (built,) = from_plain(plain)
    assert len(built) == 30_000 and built[0] == example and built[-1] == example


@pytest.mark.parametrize("count", [-1, 2.0, True, "3"])
def test_repeated_refuses_a_count_that_is_not_a_whole_number(count):
    with pytest.raises(ValueError, match="count must be an integer"):
        repeated("x", count)


def test_unserializable_is_built_as_a_value_json_cannot_encode():
    (value,) = from_plain(to_plain([unserializable()]))
    assert isinstance(value, Unserializable)
