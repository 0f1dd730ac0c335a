from __future__ import annotations

import zlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality import minhash, texts
from ftlab.dataset.quality.examples import answer_key
from ftlab.dataset.quality.normalize import digest, normalized_words
from ftlab.dataset.quality.secrets import EMAILS, KEYS, PHONES, findings

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


def test_word_crcs_are_zlibs_for_short_and_long_words():
    words = [b"a", b"ab", b"caf\xc3\xa9", b"x" * 255, b"y" * 256, b"z" * 257, b"w" * 300, b"v"]
    data = b" " + b" ".join(words) + b"\x1c"
    begins = np.array([data.index(word, 1) for word in words])
    ends = begins + np.array([len(w) for w in words])
    spaced = np.frombuffer(data, dtype=np.uint8)
    crcs = texts._word_crcs(spaced, data, begins, ends)
    assert crcs.tolist() == [zlib.crc32(word) for word in words]


def test_a_text_with_a_secret_is_hinted_and_a_plain_one_is_not():
    batch = [
        "the invoice of 2024-07-18 is late (P2)",
        "invoices 503 2024-07-18 and 2024-07-19",  # 11 digits in a row, yet not written like a phone
        "call +1 415 867 5309",
        "(415) 867-5309",
        "my mobile is 0612 34 56 78",
        "reach me on +44 20 7946 0958",
        "mail tom.becker@fastmail.com",
        "key sk-proj-4fQ9zL2mT8xVb1Rk7NcW3pYh6GdJs0Ae",
        "ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hI6",
    ]
    alone = [texts.secret_hints([text])[0] for text in batch]
    assert alone == texts.secret_hints(batch)
    assert alone == [0, 0, PHONES, PHONES, PHONES, PHONES, EMAILS, KEYS, KEYS]


def test_a_text_is_hinted_for_each_kind_it_may_hold_and_only_those():
    batch = [
        "mail tom.becker@fastmail.com, call +1 415 867 5309",
        "key sk-proj-4fQ9zL2mT8xVb1Rk7NcW3pYh6GdJs0Ae, x@y",
        "plain",
        "sk-x and AKIA, too short to be keys; feature_request",
    ]
    assert texts.secret_hints(batch) == [EMAILS | PHONES, KEYS | EMAILS, 0, 0]


_SECRETISH = st.lists(
    st.sampled_from(
        [*"0123456789 .()-+@skAKIAgh_xoPRIVTE\né東\x1c", "\ud800"]
        + ["call", "tel", "(415) ", "867-5309", "+44 20"]
    )
).map("".join)


@given(st.lists(_SECRETISH))
def test_findings_of_the_hinted_kinds_only_are_all_the_findings(batch: list[str]):
    for text, hinted in zip(batch, texts.secret_hints(batch), strict=True):
        assert list(findings(text, hinted)) == list(findings(text))
        if not hinted:
            assert list(findings(text)) == []


def test_a_phone_after_a_long_run_of_other_digits_in_the_same_text_is_hinted():
    text = "orders 503 2024-07-18 2024-07-19, then call 0612 34 56 78"
    assert texts.secret_hints([text]) == [PHONES]
    assert texts.secret_hints(["orders 503 2024-07-18 2024-07-19 1234567"]) == [0]


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


def test_the_ramp_is_each_position_modulo_256_at_any_length():
    for size in (1, 256, 70_000, (1 << 24) + 5, 3):
        assert (texts._ramp(size) == np.arange(size, dtype=np.uint32) % 256).all()
    assert len(texts._ramp(1)) == 1 and len(texts._RAMP) <= 1 << 24
