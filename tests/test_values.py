"""JSON's integers and numbers: a bool is neither, whatever Python says."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.values import is_finite_number, is_number, is_strict_int


@given(st.integers())
def test_every_int_is_a_strict_int_and_a_finite_number(value: int):
    assert is_strict_int(value) and is_number(value) and is_finite_number(value)


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_is_neither_an_int_nor_a_number(value: bool):
    assert not is_strict_int(value) and not is_number(value) and not is_finite_number(value)


@pytest.mark.parametrize("value", [1.0, "1", None, [1], 1j])
def test_anything_but_an_int_is_not_a_strict_int(value: object):
    assert not is_strict_int(value)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e999])
def test_infinities_and_nan_are_numbers_but_not_finite_ones(value: float):
    assert is_number(value) and not is_finite_number(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_is_a_finite_number(value: float):
    assert is_finite_number(value) and not is_strict_int(value)
