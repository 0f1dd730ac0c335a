from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality import scans
from ftlab.dataset.quality.secrets import EMAILS, KEYS, PHONES, findings


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
    alone = [scans.secret_hints([text])[0] for text in batch]
    assert alone == scans.secret_hints(batch)
    assert alone == [0, 0, PHONES, PHONES, PHONES, PHONES, EMAILS, KEYS, KEYS]


def test_a_text_is_hinted_for_each_kind_it_may_hold_and_only_those():
    batch = [
        "mail tom.becker@fastmail.com, call +1 415 867 5309",
        "key sk-proj-4fQ9zL2mT8xVb1Rk7NcW3pYh6GdJs0Ae, x@y",
        "plain",
        "sk-x and AKIA, too short to be keys; feature_request",
    ]
    assert scans.secret_hints(batch) == [EMAILS | PHONES, KEYS | EMAILS, 0, 0]


_SECRETISH = st.lists(
    st.sampled_from(
        [*"0123456789 .()-+@skAKIAgh_xoPRIVTE\né東\x1c", "\ud800"]
        + ["call", "tel", "(415) ", "867-5309", "+44 20"]
    )
).map("".join)


@given(st.lists(_SECRETISH))
def test_findings_of_the_hinted_kinds_only_are_all_the_findings(batch: list[str]):
    for text, hinted in zip(batch, scans.secret_hints(batch), strict=True):
        assert list(findings(text, hinted)) == list(findings(text))
        if not hinted:
            assert list(findings(text)) == []


def test_a_phone_after_a_long_run_of_other_digits_in_the_same_text_is_hinted():
    text = "orders 503 2024-07-18 2024-07-19, then call 0612 34 56 78"
    assert scans.secret_hints([text]) == [PHONES]
    assert scans.secret_hints(["orders 503 2024-07-18 2024-07-19 1234567"]) == [0]


def test_a_slack_token_shorter_than_a_keys_run_is_hinted_and_a_long_word_without_its_hint_is_not():
    batch = ["token xoxb-k3j5h7g9f2 here", "feature_request xo x 12345678901234", "x" * 19, "y" * 20]
    assert [found[0] for found in findings(batch[0])] == ["a Slack token"]
    assert scans.secret_hints(batch) == [KEYS, 0, 0, KEYS]


@given(st.lists(st.booleans(), max_size=70), st.integers(1, 25))
def test_runs_mark_each_position_that_starts_that_many_true_flags(flags: list[bool], length: int):
    expected = [all(flags[at : at + length]) for at in range(len(flags) - length + 1)]
    assert scans.runs(np.array(flags, dtype=bool), length).tolist() == expected


def test_a_key_at_the_very_end_of_a_batch_is_hinted():
    for key in ("xoxb-k3j5h7g9f2", "AKIAJ3KQ7XZP2MW4LRTB", "-----BEGIN PRIVATE KEY-----"):
        assert scans.secret_hints(["plain", f"ends with {key}"]) == [0, KEYS]
        assert scans.secret_hints([key]) == [KEYS]


def test_a_phone_number_at_an_answers_start_is_hinted_by_the_words_before_it_in_the_input():
    prompt, answer = "please call", "0612 34 56 789"  # 11 digits: a phone number after "call" only
    assert [found[0] for found in findings(f"{prompt}\n{answer}")] == ["a phone number"]
    assert scans.secret_hints([prompt, answer]) == [0, 0]  # apart, nothing says it is one
    assert scans.example_hints(scans.secret_hints([prompt, answer], cut=1), [(answer,)]) == [PHONES]


@given(st.lists(st.tuples(_SECRETISH, st.lists(_SECRETISH, max_size=3).map(tuple)), min_size=1))
def test_examples_scanned_as_inputs_and_answers_apart_are_hinted_for_all_their_findings(
    examples: list[tuple[str, tuple[str, ...]]],
):
    prompts = [prompt for prompt, _ in examples]
    answers = [said for _, said in examples]
    pieces = [*prompts, *(answer for said in answers for answer in said)]
    raw = "\x1c".join(piece.replace("\x1c", "\n") for piece in pieces).encode("utf-8", "surrogatepass")
    for data in (b"", b"\x1c" + raw + b"\x1c"):
        hints = scans.example_hints(scans.secret_hints(pieces, data, cut=len(prompts)), answers)
        for (prompt, said), hinted in zip(examples, hints, strict=True):
            text = "\n".join((prompt, *said))
            assert list(findings(text, hinted)) == list(findings(text))
