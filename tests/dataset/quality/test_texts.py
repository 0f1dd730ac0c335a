from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality import minhash, texts
from ftlab.dataset.quality.examples import answer_key
from ftlab.dataset.quality.normalize import digest, normalized_words

#: Texts where the byte-level path could go wrong: every kind of whitespace, case and compatibility
#: forms, a lone surrogate, words longer than the CRC table and texts without words.
ODD = [
    "",
    " \t\n ",
    "one",
    "two words",
    "Hello  World\n",
    "café NAÏVE 東京 ＦＵＬＬ ﬁle Straße ǅ",
    "a\u00a0b\u2028c\x85d\u1680e\u3000f\u2009g\x1ch\x1fi\u202fj\u205fk",
    "lone \ud800 surrogate",
    "x" * 64 + " " + "y" * 65 + " " + "€" * 40,
    "€100 and — dashes – and “quotes”",
]
_TEXT = st.lists(
    st.sampled_from(list("aB é東€ﬁß\t\n\u00a0\u2028\x85\u3000\x1c-@9") + ["\ud800", "x" * 70]), max_size=40
).map("".join)


def _word_by_word(batch: list[str]) -> tuple[list[int], list[int], np.ndarray]:
    words = [normalized_words(text) for text in batch]
    keys = [digest(" ".join(found).encode("utf-8", "surrogatepass")) for found in words]
    return keys, [len(found) for found in words], minhash.batch_signatures([w for w in words if w])


def test_the_odd_texts_get_the_words_digests_and_signatures_of_the_word_by_word_path():
    keys, counts, signature = texts.prompt_digests(ODD)
    expected_keys, expected_counts, expected_signature = _word_by_word(ODD)
    assert keys == expected_keys
    assert counts.tolist() == expected_counts
    assert (signature == expected_signature).all()


@given(st.lists(_TEXT, min_size=1, max_size=30))
def test_any_batch_gets_what_the_word_by_word_path_gives(batch: list[str]):
    keys, counts, signature = texts.prompt_digests(batch)
    expected_keys, expected_counts, expected_signature = _word_by_word(batch)
    assert (keys, counts.tolist()) == (expected_keys, expected_counts)
    assert signature.shape == expected_signature.shape and (signature == expected_signature).all()


def test_answer_digests_are_the_answer_keys_of_answers_ending_with_each_text():
    batch = [*ODD, "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ and 𐐀 too", "Category: Billing\nPriority: P1"]
    assert texts.answer_digests(batch) == [answer_key((text,)) for text in batch]
    assert texts.answer_digests([""]) == [answer_key(())]


@given(st.lists(_TEXT, min_size=1, max_size=30))
def test_any_batch_of_answers_gets_the_answer_keys(batch: list[str]):
    assert texts.answer_digests(batch) == [answer_key((text,)) for text in batch]


def test_a_batch_with_many_characters_that_fold_gets_the_word_by_word_digests():
    batch = ["ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ ÉCOLE", "a\x85b STRASSE Straße", "𐐀 \ud800 ǅ"]
    keys, counts, signature = texts.prompt_digests(batch)
    expected_keys, expected_counts, expected_signature = _word_by_word(batch)
    assert (keys, counts.tolist()) == (expected_keys, expected_counts)
    assert (signature == expected_signature).all()


def test_a_batch_with_thousands_of_non_ascii_characters_gets_the_word_by_word_digests():
    batch = ["Ébène 東京 Straße 𐐀 " * 500, "ǅ ＦＵＬＬ ﬁle\u00a0" * 300, "plain"]
    assert sum(not char.isascii() for char in "".join(batch)) > texts._MOST_SORTED
    keys, counts, signature = texts.prompt_digests(batch)
    expected_keys, expected_counts, expected_signature = _word_by_word(batch)
    assert (keys, counts.tolist()) == (expected_keys, expected_counts)
    assert (signature == expected_signature).all()
    assert texts.answer_digests(batch) == [answer_key((text,)) for text in batch]


def test_a_batch_is_encoded_as_it_is_and_folded_once_a_separator_inside_a_text_a_line_break():
    raw, folded = texts.encoded(["Café", "a\x1cB", "x"])
    assert raw == "Café\x1ca\nB\x1cx".encode()
    assert folded == texts._joined(["Café", "a\x1cB", "x"]) == "\x1ccafé\x1ca\nb\x1cx\x1c".encode()


@given(st.lists(st.tuples(_TEXT, st.lists(_TEXT, max_size=3).map(tuple)), min_size=1, max_size=20))
def test_a_batch_of_examples_gets_each_inputs_digests_and_each_last_answers_key(
    examples: list[tuple[str, tuple[str, ...]]],
):
    prompts = [prompt for prompt, _ in examples]
    answers = [said for _, said in examples]
    said = [answer for given in answers for answer in given]
    raw, keys, counts, signature, answer_keys = texts.batch_digests(prompts, answers, said)
    expected_keys, expected_counts, expected_signature = texts.prompt_digests(prompts)
    assert (keys, counts.tolist()) == (expected_keys, expected_counts.tolist())
    assert (signature == expected_signature).all()
    assert answer_keys == [answer_key(given) for given in answers]
    pieces = [text.replace("\x1c", "\n") for text in (*prompts, *said)]
    assert raw == b"\x1c" + "\x1c".join(pieces).encode("utf-8", "surrogatepass") + b"\x1c"
