"""The record strategies check their arguments and mean what they say."""

from __future__ import annotations

import pytest
from hypothesis import given

from ftlab.dataset.records import CODES, codes
from ftlab.dataset.strategies import broken_records, names, texts, valid_records


@given(text=texts(max_size=5))
def test_texts_always_have_a_visible_character_and_respect_the_size(text):
    assert text.strip() and len(text) <= 5


@given(name=names())
def test_names_are_valid_names(name):
    assert (
        codes(
            {
                "messages": [
                    {"role": "user", "content": "x", "name": name},
                    {"role": "assistant", "content": "y"},
                ]
            }
        )
        == []
    )


@pytest.mark.parametrize("code", list(CODES))
def test_each_code_has_a_breaker_that_breaks_only_that_rule(code):
    @given(case=broken_records(codes=(code,)))
    def check(case):
        assert codes(case[0]) == [code] and case[1] == code

    check()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: texts(max_size=0), "max_size must be at least 1"),
        (lambda: valid_records(max_turns=0), "max_turns must be at least 1"),
        (lambda: broken_records(codes=("nope",)), "unknown: \\['nope'\\]"),
        (lambda: broken_records(codes=()), "non-empty selection"),
    ],
)
def test_bad_arguments_fail_at_once(call, message):
    with pytest.raises(ValueError, match=message):
        call()
