"""Request bodies are strict JSON, and responses never hold a number JSON cannot carry."""

from __future__ import annotations

import math

import pytest

from ftlab.dataset.limits import MAX_DEPTH
from ftlab.mock.bodies import dumps, parse_json
from ftlab.mock.errors import ApiError


def test_a_json_object_is_parsed() -> None:
    assert parse_json(b'{"a": [1, 2.5, "x", null]}') == {"a": [1, 2.5, "x", None]}


@pytest.mark.parametrize(
    "raw",
    [
        b"NaN",
        b"[Infinity]",
        b"[-Infinity]",
        b"[1e400]",
        b"{",
        b"\xff",
        b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
        b"[" * 5000 + b"]" * 5000,
    ],
    ids=["nan", "inf", "-inf", "1e400", "truncated", "not-utf8", "past-depth-bound", "very-deep"],
)
def test_what_is_not_strict_json_is_a_400(raw: bytes) -> None:
    with pytest.raises(ApiError) as caught:
        parse_json(raw)
    assert caught.value.status == 400 and caught.value.type == "invalid_request_error"


def test_nesting_up_to_the_bound_is_accepted() -> None:
    assert parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_writing_a_non_finite_number_raises(value: float) -> None:
    with pytest.raises(ValueError):
        dumps({"x": value})
