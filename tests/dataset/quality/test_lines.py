from __future__ import annotations

from ftlab.dataset.quality.lines import line_list, subject


def test_lines_are_listed_as_a_sentence_reads_them():
    assert line_list([4]) == "line 4"
    assert line_list([4, 9]) == "lines 4 and 9"
    assert line_list([4, 9, 15]) == "lines 4, 9 and 15"


def test_a_long_list_is_cut_with_a_count_of_the_rest():
    assert line_list(list(range(1, 15)), shown=3) == "lines 1, 2, 3 and 11 more"


def test_the_verb_agrees_with_the_number_of_lines():
    assert subject([4], "has", "have") == "Line 4 has"
    assert subject([4, 5], "has", "have") == "Lines 4 and 5 have"
