"""Properties of the quality pass, whatever the records."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ftlab.dataset.quality import DUPLICATE, assess
from ftlab.dataset.strategies import json_values, valid_records

_SPACES = st.sampled_from([" ", "  ", "\t", "\n", " \n "])


def respaced(*, text: str) -> st.SearchStrategy[str]:
    """``text`` with other whitespace between its words and around it, maybe in capitals."""
    words = text.split()

    def build(gaps: list[str], pad: str, upper: bool) -> str:
        joined = pad + "".join(word + gap for word, gap in zip(words, gaps, strict=True))
        return joined.upper() if upper else joined

    return st.builds(
        build, st.lists(_SPACES, min_size=len(words), max_size=len(words)), _SPACES, st.booleans()
    )


def restyled_copies(*, record: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A copy of a chat record whose string contents differ only in whitespace and case."""
    messages = record["messages"]
    contents = [
        respaced(text=m["content"])
        if isinstance(m.get("content"), str) and m["content"].split()
        else st.none()
        for m in messages
    ]

    def build(new: list[str | None]) -> dict[str, Any]:
        out = copy.deepcopy(record)
        for message, text in zip(out["messages"], new, strict=True):
            if text is not None:
                message["content"] = text
        return out

    return st.tuples(*contents).map(lambda t: build(list(t)))


@settings(max_examples=60, deadline=None)
@given(st.data(), valid_records(max_turns=2, tools=False))
def test_a_files_duplicates_are_found_whatever_the_whitespace_and_case(data: st.DataObject, record: Any):
    twin = data.draw(restyled_copies(record=record))
    report = assess([record, {"messages": []}, twin])
    assert (DUPLICATE, (1, 3)) in [(w.code, w.lines) for w in report.warnings]


@settings(max_examples=100, deadline=None)
@given(st.lists(json_values(max_leaves=20) | st.none(), max_size=8), st.none() | st.lists(json_values()))
def test_assess_never_raises_on_any_json_values(records: list[Any], validation: list[Any] | None):
    report = assess(records, validation=validation)
    assert 0 <= report.format_share <= 1
    assert all(line >= 1 for warning in report.warnings for line in warning.lines)


@settings(max_examples=40, deadline=None)
@given(st.lists(valid_records(max_turns=2), min_size=1, max_size=12))
def test_every_warning_names_lines_of_the_file_and_a_sentence(records: list[Any]):
    report = assess(records)
    assert report.examples == len(records)
    for warning in report.warnings:
        assert warning.lines and all(1 <= line <= len(records) for line in warning.lines)
        assert warning.message[:1].isupper()
