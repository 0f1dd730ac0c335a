from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ftlab.dataset import quality
from ftlab.dataset.quality import DUPLICATE, assess, assess_file, secrets
from ftlab.dataset.quality.assessment import Assessor
from ftlab.dataset.quality.normalize import digest, normalized_words
from ftlab.dataset.quality.similarity import NearInputs
from tests.dataset.quality.helpers import chat, email, triage
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


def _past_the_limit() -> list[dict[str, object]]:
    """700 distinct examples, then a duplicate, a near-duplicate and a secret past EXACT_LIMIT."""
    records: list[dict[str, object]] = [
        chat(f"{email(n)} Ünïcode  CAFÉ\u00a0{n}", triage("bug" if n % 2 else "billing")) for n in range(700)
    ]
    records[450] = records[20]
    records[500] = chat(f"{email(30)} ünïcode café 30 again", triage("billing"))
    records[600] = chat(email(600) + " mail tom.becker@fastmail.com", triage("billing"))
    return records


def test_past_the_limit_the_numpy_batch_finds_what_the_word_by_word_path_finds(monkeypatch):
    from ftlab.dataset.quality import minhash, scans, texts

    records = _past_the_limit()
    batched = assess(records)
    assert [(w.code, w.lines) for w in batched.warnings if w.code != quality.LABEL_IMBALANCE] == [
        (DUPLICATE, (21, 451)),
        (quality.NEAR_DUPLICATE, (31, 501)),
        (quality.SECRET, (601,)),
    ]

    def word_by_word(batch, data=b""):  # ``data``: the batch as texts.encoded folds it, not looked at
        words = [normalized_words(text) for text in batch]
        keys = [digest(" ".join(found).encode("utf-8", "surrogatepass")) for found in words]
        counts = np.array([len(found) for found in words])
        return keys, counts, minhash.batch_signatures([found for found in words if found])

    monkeypatch.setattr(texts, "prompt_digests", word_by_word)
    monkeypatch.setattr(scans, "secret_hints", lambda batch, data=b"", cut=None: [secrets.ANY] * len(batch))
    assert assess(records) == batched


def test_past_the_limit_each_check_gets_from_the_batch_what_it_gets_one_example_at_a_time():
    records = _past_the_limit()
    records[520] = chat(email(520), "category: BUG.")  # another shape, and drift in its style
    records[530] = chat(email(530) + " word" * 400, triage("bug"))  # an input far longer than the rest
    records[540] = chat(
        f"{email(541)} ünïcode café 541", triage("outage")
    )  # records[541]'s input, answered differently
    records[550] = {
        "messages": [{"role": "user", "content": email(550)}, {"role": "assistant", "content": ""}]
    }
    records[560] = chat(email(560), triage("bug"), system="You are another assistant.")
    batched = assess(records)
    one_by_one = Assessor(_near=NearInputs(limit=len(records)))  # never batched: word by word
    for number, record in enumerate(records, start=1):
        one_by_one.add(number, record)
    assert {w.code for w in batched.warnings} >= {
        quality.CONFLICT,
        quality.FORMAT_DRIFT,
        quality.LENGTH_OUTLIER,
    }
    alone = one_by_one.report()
    assert replace(alone, warnings=()) == replace(batched, warnings=())
    assert _but_similarity(alone) == _but_similarity(batched)  # word by word, near-duplicates are exact


def _but_similarity(report: quality.QualityReport) -> list[object]:
    """The warnings, those about near-duplicates as their lines (their similarity is estimated)."""
    return [(w.code, w.lines) if w.code == quality.NEAR_DUPLICATE else w for w in report.warnings]


@pytest.mark.parametrize("where", ["input", "answer"])
def test_past_the_limit_long_inputs_or_answers_settle_a_batch_before_it_is_full(where):
    from ftlab.dataset.quality import assessment

    assessor = Assessor()
    for number in range(1, 401):
        assessor.add(number, chat(email(number), triage("bug")))
    long_text = "word " * (assessment._BATCH_CHARS // 20)
    waiting = []
    for number in range(401, 411):
        if where == "input":
            assessor.add(number, chat(f"{email(number)} {long_text}", triage("bug")))
        else:  # the answers are scanned with the inputs, so they count too
            assessor.add(number, chat(email(number), f"{triage('bug')} {long_text}"))
        waiting.append(len(assessor._batch))
    assert 0 in waiting and max(waiting) < 110 < assessment._BATCH  # settled, though far from full
    assert assessor.report().examples == 410
