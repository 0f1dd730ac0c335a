from __future__ import annotations

from ftlab.dataset.quality.normalize import digest, jaccard, normalize, normalized_words, shingles


def test_normalising_folds_case_whitespace_and_compatibility_forms():
    assert normalize("  Hello\t\nWORLD  ﬁne ") == "hello world fine"


def test_equal_texts_have_equal_digests_and_others_not():
    assert digest("a b") == digest("a b")
    assert digest("a b") != digest("a c")


def test_shingles_are_runs_of_three_words_or_the_whole_short_text():
    assert shingles(normalized_words("a b c d")) == {"a b c", "b c d"}
    assert shingles(normalized_words("a b")) == {"a b"}
    assert shingles([]) == set()


def test_jaccard_is_shared_over_all_and_zero_for_two_empty_sets():
    assert jaccard({"a", "b"}, {"b", "c"}) == 1 / 3
    assert jaccard(set(), set()) == 0.0


def test_the_normalised_words_are_what_normalising_joins():
    assert normalized_words(" A\tB,  ﬁ ") == ["a", "b,", "fi"] == normalize(" A\tB,  ﬁ ").split()
