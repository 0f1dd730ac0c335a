"""Validating whole files: the sample data, the broken file, and files that can't be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftlab.records import CODES
from ftlab.validation import UnusableFile, validate_file

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("name", ["support_tickets.jsonl", "support_tickets_heldout.jsonl"])
def test_the_sample_datasets_are_valid(name):
    report = validate_file(DATA / name)
    assert report.ok and report.problems == []
    assert report.n_examples >= 20


def test_the_sample_dataset_is_big_enough_to_teach_with():
    assert validate_file(DATA / "support_tickets.jsonl").n_examples >= 50


def test_the_broken_file_triggers_every_code_once_on_the_lines_its_note_names():
    report = validate_file(DATA / "broken.jsonl")
    counts = report.counts()
    assert set(CODES) | {"invalid_json", "invalid_utf8", "blank_line"} == set(counts)
    assert all(n == 1 for n in counts.values())
    note = (DATA / "broken.md").read_text(encoding="utf-8")
    for item in report.problems:
        assert f"| {item.line} | `{item.problem.code}`" in note, f"broken.md does not name line {item.line} as {item.problem.code}"


def test_a_missing_file_or_a_folder_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="no such file"):
        validate_file(tmp_path / "nope.jsonl")
    with pytest.raises(UnusableFile, match="is a folder"):
        validate_file(tmp_path)


def test_report_totals(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text('{"messages": []}\n\n{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n')
    report = validate_file(path)
    assert (report.n_lines, report.n_examples, len(report.errors), len(report.warnings), report.ok) == (3, 2, 1, 1, False)
    assert report.to_dict()["counts"] == {"blank_line": 1, "missing_messages_list": 1}
