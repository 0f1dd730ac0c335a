"""The challenge's task: the held-out cases and how a triage reply is read."""

from __future__ import annotations

import pytest

from ftlab.course.triage import ChallengeError, parse_reply, read_cases
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
