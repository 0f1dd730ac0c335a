from __future__ import annotations

from ftlab.dataset.quality import DUPLICATE, assess


def _chat(user: str, answer: str = "Category: bug") -> dict[str, object]:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}


def test_every_line_of_a_duplicate_group_is_named_once_in_one_warning():
    records = [_chat("a"), _chat("b"), _chat("a"), _chat("c"), _chat("a")]
    report = assess(records)
    assert [(w.code, w.lines) for w in report.warnings] == [(DUPLICATE, (1, 3, 5))]
    assert "lines 1, 3 and 5" in report.warnings[0].message.lower()


def test_duplicates_are_found_whatever_the_whitespace_and_case():
    records = [_chat("Hello  there\n", "Category: Bug"), _chat(" hello there", "category:   bug")]
    assert [w.lines for w in assess(records).warnings if w.code == DUPLICATE] == [(1, 2)]


def test_examples_that_differ_in_a_word_are_not_exact_duplicates():
    assert DUPLICATE not in assess([_chat("hello there"), _chat("hello here")]).codes()
