"""Markdown reports: the class summary and each learner's feedback, exactly as their golden files."""

from __future__ import annotations

from ftlab.classroom.markdown import escaped, feedback_md, summary_md
from tests.classroom.sample_results import SECRET, alice, golden, the_class


def test_the_summary_and_feedback_match_their_golden_files():
    golden("summary.md", summary_md(the_class(), sandbox="bubblewrap sandbox"))
    golden("summary_one.md", summary_md([alice()]))
    golden("feedback_alice.md", feedback_md(alice()))


def test_markdown_characters_in_names_show_as_themselves_on_one_line():
    assert escaped("a|b *c* [d]\nnext") == "a\\|b \\*c\\* \\[d\\] next"


def test_feedback_never_shows_what_a_hidden_check_expected():
    text = feedback_md(alice())
    assert SECRET not in text and "(hidden check: details are not shown)" in text


def test_one_submission_gets_its_feedback_inside_the_summary():
    text = summary_md([alice()])
    assert "## What to fix next" in text and "Feedback for" not in text
    assert "## Not graded, or graded with notes" not in summary_md([alice()])
    assert "## Not graded, or graded with notes" in summary_md(the_class())
