from __future__ import annotations

import json
from pathlib import Path

from ftlab.dataset import quality
from ftlab.dataset.quality import DUPLICATE, assess, assess_file
from tests.paths import ROOT

DATA = ROOT / "data"


def test_records_that_are_not_chat_examples_are_skipped_not_counted():
    report = assess([None, 5, "x", [], {"messages": "no"}, {"input": 1}])
    assert report.examples == 0
    assert report.warnings == ()


def test_a_file_is_assessed_line_by_line_skipping_lines_that_do_not_parse(tmp_path: Path):
    chat = json.dumps(
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    )
    path = tmp_path / "train.jsonl"
    path.write_text(f"{chat}\n{{broken\n\n{chat}\n", encoding="utf-8")
    report = assess_file(path)
    assert report.examples == 2
    assert [(w.code, w.lines) for w in report.warnings] == [(DUPLICATE, (1, 4))]


def test_every_planted_problem_of_the_sample_is_found_on_its_line_and_nothing_else():
    report = assess_file(DATA / "quality_problems.jsonl", validation=DATA / "support_tickets_heldout.jsonl")
    assert [(w.code, w.lines) for w in report.warnings] == [
        (quality.DUPLICATE, (1, 4)),
        (quality.NEAR_DUPLICATE, (2, 7)),
        (quality.CONFLICT, (3, 10)),
        (quality.FORMAT_DRIFT, (13,)),
        (quality.SYSTEM_PROMPT, (16,)),
        (quality.LENGTH_OUTLIER, (19,)),
        (quality.SECRET, (22,)),
        (quality.OVERLAP, (25,)),
        (quality.LABEL_IMBALANCE, (30,)),
    ]
    assert report.codes() == set(quality.CODES)


def test_the_sample_training_set_raises_only_its_customers_e_mail_addresses():
    """The one quality finding on data/support_tickets.jsonl: real-looking e-mail addresses in 5 e-mails."""
    report = assess_file(DATA / "support_tickets.jsonl", validation=DATA / "support_tickets_heldout.jsonl")
    assert [(w.code, w.lines) for w in report.warnings] == [(quality.SECRET, (3, 43, 66, 70, 72))]
    assert "an e-mail address" in report.warnings[0].message
    assert report.dominant_format == "Category: … / Priority: … / Summary: …"
    assert (report.examples, report.format_share, report.system_prompts) == (72, 1.0, 1)
    assert report.labels == {
        "billing": 12,
        "outage": 12,
        "account": 11,
        "bug": 10,
        "data": 9,
        "feature_request": 8,
        "security": 8,
        "cancellation": 6,
    }


def test_a_large_file_is_assessed_by_minhash_with_the_same_findings(tmp_path: Path):
    from tests.dataset.quality.helpers import chat, email, triage

    records = [chat(email(n), triage(["billing", "bug", "outage"][n % 3])) for n in range(400)]
    records[350] = chat(email(7) + " thanks", triage("bug"))
    records[399] = records[10]
    report = assess(records)
    assert [(w.code, w.lines) for w in report.warnings] == [
        (quality.NEAR_DUPLICATE, (8, 351)),
        (quality.DUPLICATE, (11, 400)),
    ]
