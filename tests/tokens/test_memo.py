"""ftlab.tokens.memo: a bounded memo of token counts gives the measured count, and stays bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.tokens.memo import MAX_CHARS, MAX_ENTRIES, LengthMemo


class Measure:
    """A measure that counts characters, and how many times it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> int:
        self.calls += 1
        return len(text)


def test_a_recurring_string_is_measured_once() -> None:
    measure = Measure()
    memo = LengthMemo(measure)
    assert memo.known("system") is None
    assert [memo("system"), memo("system"), memo("user"), memo("system")] == [6, 6, 4, 6]
    assert measure.calls == 2
    assert memo.known("system") == 6 and memo.known("assistant") is None


@given(st.lists(st.text(max_size=12), max_size=60), st.integers(1, 6), st.integers(0, 30))
def test_every_count_is_the_measured_one_and_the_bounds_always_hold(
    texts: list[str], max_entries: int, max_chars: int
) -> None:
    memo = LengthMemo(len, max_entries=max_entries, max_chars=max_chars)
    for text in texts:
        assert memo(text) == len(text)
        assert len(memo) <= max_entries
        assert memo.chars <= max_chars


def test_a_string_longer_than_the_character_bound_is_never_remembered() -> None:
    measure = Measure()
    memo = LengthMemo(measure, max_chars=10)
    memo("x" * 11)
    memo("x" * 11)
    assert measure.calls == 2 and len(memo) == 0


def test_a_full_memo_forgets_and_starts_again() -> None:
    memo = LengthMemo(len, max_entries=2)
    for text in ("a", "b", "c"):
        memo(text)
    assert len(memo) == 1 and memo.chars == 1


def test_a_string_the_measure_fails_on_is_never_remembered() -> None:
    def failing(text: str) -> int:
        raise ValueError(text)

    memo = LengthMemo(failing)
    for _ in range(2):
        with pytest.raises(ValueError, match="boom"):
            memo("boom")
    assert len(memo) == 0


def test_the_default_bounds_are_small() -> None:
    assert MAX_ENTRIES <= 1024 and MAX_CHARS <= 4 * 2**20
