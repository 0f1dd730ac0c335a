from __future__ import annotations

import json
from pathlib import Path

from ftlab.dataset.quality import DUPLICATE, assess, assess_file


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
