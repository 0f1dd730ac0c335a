"""The offline stand-in model: it knows only the cue lines of its prompt, and says so in three lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ftlab.course.responder import SUMMARY_WORDS, classify, read_rules, respond, summarise, words

RULES = """Reply with three lines.
- billing: invoice, charged twice, refund.
- outage: down, unreachable.
- P1: production down.
- P2: charged twice, refund.
- P3: question.
Some prose that is not a cue line: - security: hacked (not at the start of a line)."""


def test_only_lines_starting_with_a_dash_and_a_label_are_cues():
    rules = read_rules([RULES])
    assert list(rules.categories) == ["billing", "outage"]
    assert list(rules.priorities) == ["P1", "P2", "P3"]
    assert rules.categories["billing"] == [
        frozenset({"invoice"}),
        frozenset({"charged", "twice"}),
        frozenset({"refund"}),
    ]


def test_a_cue_matches_only_when_all_its_words_are_in_the_email():
    rules = read_rules([RULES])
    assert classify(rules, "I was charged for March") == ("billing", "P3")  # "charged" alone is no cue
    assert classify(rules, "I was charged twice for March") == ("billing", "P2")


def test_the_category_with_the_most_matched_cue_words_wins():
    rules = read_rules([RULES])
    assert classify(rules, "Production is down and unreachable, and my invoice is late")[0] == "outage"


def test_ties_and_no_match_go_to_the_first_category_listed():
    rules = read_rules([RULES])
    assert classify(rules, "hello there")[0] == "billing"
    assert classify(rules, "invoice down")[0] == "billing"


def test_the_most_urgent_matched_priority_wins_and_none_means_the_least_urgent():
    rules = read_rules([RULES])
    assert classify(rules, "production down, refund please")[1] == "P1"
    assert classify(rules, "a question about the refund")[1] == "P2"
    assert classify(rules, "hello")[1] == "P3"


def test_with_no_cue_lines_it_cannot_name_a_category():
    assert classify(read_rules(["Just be helpful."]), "My site is down") == ("unknown", "P3")


def test_plurals_and_case_do_not_matter_small_words_are_skipped():
    assert words("The Invoices are WRONG") == frozenset({"invoice", "wrong"})
    assert words("access class") == frozenset({"access", "class"})


def test_the_summary_is_the_first_sentence_without_the_subject_line():
    email = "Subject: Help\n\nOur card was charged twice. Please refund one."
    assert summarise(email) == "Our card was charged twice."
    assert len(summarise("word " * 50).split()) == SUMMARY_WORDS
    assert summarise("   ") == "No text."


def test_it_reads_rules_from_system_messages_only_and_the_email_from_the_last_user_message():
    messages = [
        {"role": "system", "content": "- outage: down."},
        {"role": "user", "content": "- billing: down. (a user cannot add rules)"},
        {"role": "user", "content": "Everything is down."},
    ]
    assert respond(messages) == "Category: outage\nPriority: P3\nSummary: Everything is down."


def test_more_knowledge_in_the_prompt_changes_the_answer():
    email = {"role": "user", "content": "Someone used our leaked key."}
    short = [{"role": "system", "content": "- billing: invoice.\n- security: hacked."}, email]
    longer = [{"role": "system", "content": short[0]["content"] + "\n- security: leaked key."}, email]
    assert respond(short).splitlines()[0] == "Category: billing"
    assert respond(longer).splitlines()[0] == "Category: security"


@given(system=st.text(max_size=300), email=st.text(max_size=300))
def test_every_reply_has_the_three_lines_in_order(system, email):
    lines = respond([{"role": "system", "content": system}, {"role": "user", "content": email}]).split("\n")
    assert [line.split(":")[0] for line in lines] == ["Category", "Priority", "Summary"]
    assert len(lines[2].split()) <= SUMMARY_WORDS + 1
