"""The challenge's task: the held-out cases and how a triage reply is read."""

from __future__ import annotations

import pytest

from ftlab.course.triage import PROMPT, ChallengeError, parse_reply, read_cases, read_prompt
from ftlab.errors import FtlabError
from tests.paths import DATA

HELDOUT = DATA / "support_tickets_heldout.jsonl"
CATEGORIES = {"billing", "outage", "account", "bug", "feature_request", "data", "security", "cancellation"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Category: billing\nPriority: P2\nSummary: x", ("billing", "P2")),
        ("Category:  outage \r\nPriority:P1", ("outage", "P1")),
        ("Summary: only", ("", "")),
        ("The category: billing", ("", "")),
        ("", ("", "")),
    ],
)
def test_a_reply_gives_its_category_and_priority_lines(text, expected):
    assert parse_reply(text) == expected


def test_the_held_out_set_has_twenty_labelled_emails():
    cases = read_cases(HELDOUT)
    assert len(cases) == 20
    assert {c.category for c in cases} <= CATEGORIES and {c.priority for c in cases} <= {"P1", "P2", "P3"}


def test_a_missing_held_out_file_is_named(tmp_path):
    with pytest.raises(ChallengeError, match="nowhere.jsonl: no such file"):
        read_cases(tmp_path / "nowhere.jsonl")


def test_a_held_out_answer_without_labels_names_its_line(tmp_path):
    path = tmp_path / "heldout.jsonl"
    good = (
        '{"messages": [{"role": "user", "content": "hi"}, '
        '{"role": "assistant", "content": "Category: bug\\nPriority: P3"}]}'
    )
    bad = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "no labels"}]}'
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(ChallengeError, match="heldout.jsonl, line 2: needs a user email"):
        read_cases(path)


def test_a_challenge_error_is_an_ftlab_error_that_names_what_and_why():
    error = ChallengeError("train.jsonl", "no such file")
    assert isinstance(error, FtlabError) and str(error) == "train.jsonl: no such file"


def test_without_a_prompt_file_the_default_prompt_is_used():
    assert read_prompt(None) == PROMPT


def test_a_prompt_file_gives_its_text_without_surrounding_blank_lines(tmp_path):
    (tmp_path / "p.txt").write_text("\nYou triage.\n- billing: invoice.\n\n")
    assert read_prompt(tmp_path / "p.txt") == "You triage.\n- billing: invoice."


@pytest.mark.parametrize(
    ("content", "reason"), [(None, "no such file"), (b"  \n", "empty"), (b"\xff\xfe", "not UTF-8")]
)
def test_an_unusable_prompt_file_is_refused_naming_it(tmp_path, content, reason):
    path = tmp_path / "p.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ChallengeError, match=reason) as caught:
        read_prompt(path)
    assert caught.value.what == str(path)
