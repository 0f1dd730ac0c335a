"""ftlab.dataset.breakers: each broken record breaks exactly the rule it names."""

from __future__ import annotations

import pytest
from hypothesis import given

from ftlab.dataset.breakers import broken_records
from ftlab.dataset.records import CODES, codes


@pytest.mark.parametrize("code", list(CODES))
def test_each_code_has_a_breaker_that_breaks_only_that_rule(code):
    @given(case=broken_records(codes=(code,)))
    def check(case):
        assert codes(case[0]) == [code] and case[1] == code

    check()


@given(case=broken_records())
def test_without_a_selection_every_code_may_come(case):
    assert case[1] in CODES and codes(case[0]) == [case[1]]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: broken_records(codes=("nope",)), "unknown: \\['nope'\\]"),
        (lambda: broken_records(codes=()), "non-empty selection"),
    ],
)
def test_bad_arguments_fail_at_once(call, message):
    with pytest.raises(ValueError, match=message):
        call()
