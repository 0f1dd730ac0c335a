"""The ledger: each submission's record and folder written as it is graded, read back to resume and merge."""

from __future__ import annotations

import json

import pytest

from ftlab.classroom.ledger import Ledger, UnreadableLedger, merged, ordered
from ftlab.classroom.runner import Graded
from tests.classroom.sample_results import alice


def _graded(name: str) -> Graded:
    return Graded(name, f"class/{name}.py", "graded", board=alice().board)


def test_a_saved_record_reads_back_the_same(tmp_path):
    ledger = Ledger(tmp_path)
    ledger.save(_graded("José García"), own_folder=False)
    assert ledger.load()["José García"].to_dict() == _graded("José García").to_dict()


def test_a_submission_folder_is_written_whole_and_a_stale_one_replaced(tmp_path):
    ledger = Ledger(tmp_path)
    (tmp_path / "ana").mkdir()
    (tmp_path / "ana" / "old.txt").write_text("from an earlier grading")
    ledger.save(_graded("ana"), own_folder=True)
    assert sorted(p.name for p in (tmp_path / "ana").iterdir()) == ["feedback.md", "results.json"]
    assert json.loads((tmp_path / "ana" / "results.json").read_text())["score"] == alice().board.points


def test_an_unreadable_record_is_skipped_so_it_gets_graded_again(tmp_path):
    ledger = Ledger(tmp_path)
    ledger.save(_graded("ana"), own_folder=False)
    (ledger.folder / "ben.json").write_text("{half a record")
    assert list(ledger.load()) == ["ana"]


def test_shards_merge_into_one_class_in_the_order_of_names(tmp_path):
    for shard, names in (("s1", ["zoe", "ana"]), ("s2", ["李雷", "Bob"])):
        ledger = Ledger(tmp_path / shard)
        ledger.sandbox = "a test sandbox"
        for name in names:
            ledger.save(_graded(name), own_folder=True)
    results, sandbox = merged([tmp_path / "s1", tmp_path / "s2"])
    assert [g.name for g in results] == ["ana", "Bob", "zoe", "李雷"] and sandbox == "a test sandbox"


def test_merging_a_folder_that_is_no_grading_output_says_so(tmp_path):
    with pytest.raises(UnreadableLedger, match="is it an --out folder"):
        merged([tmp_path])


def test_order_ignores_case():
    assert [g.name for g in ordered([_graded("b"), _graded("A"), _graded("a")])] == ["A", "a", "b"]
