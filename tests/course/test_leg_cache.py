"""The challenge's cache: keys change with every input, results round-trip, writes leave no debris."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ftlab.course.leg_cache import (
    LegCache,
    default_folder,
    file_digest,
    folder_digest,
    folder_stamp,
    key_of,
)
from ftlab.course.legs import LegResult

RESULT = LegResult(
    "prompt", 20, 10, 9, 8, 300.0, 12.0, 0.0001, 0.0, "a note", "a model", 0.25, None
)  # fmt: skip


def test_a_key_changes_with_any_part_and_not_with_the_order_of_parts():
    assert key_of(a=1, b="x") == key_of(b="x", a=1)
    assert len({key_of(a=1, b="x"), key_of(a=2, b="x"), key_of(a=1, b="y"), key_of(a=1)}) == 4


def test_a_saved_result_comes_back_equal_and_a_missing_one_is_none(tmp_path: Path):
    cache = LegCache(tmp_path / "cache")
    assert cache.result("k1") is None

    path = cache.save("k1", RESULT)

    assert cache.result("k1") == RESULT and path.parent == tmp_path / "cache" / "results"
    assert [p.name for p in path.parent.iterdir()] == ["k1.json"]  # the staging file is gone


def test_a_result_saved_again_replaces_the_first(tmp_path: Path):
    cache = LegCache(tmp_path)
    cache.save("k", RESULT)
    cache.save("k", replace(RESULT, both_right=1))
    assert cache.result("k") == replace(RESULT, both_right=1)


@pytest.mark.parametrize("text", ["{not json", '{"name": "prompt"}', "[]"])
def test_an_unreadable_or_foreign_entry_is_treated_as_absent(tmp_path: Path, text: str):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "k.json").write_text(text)
    assert LegCache(tmp_path).result("k") is None


def test_an_adapter_counts_only_once_its_config_is_there(tmp_path: Path):
    cache = LegCache(tmp_path)
    cache.adapter("k").mkdir(parents=True)
    assert not cache.has_adapter("k")
    (cache.adapter("k") / "adapter_config.json").write_text("{}")
    assert cache.has_adapter("k") and cache.adapter("k") == tmp_path / "adapters" / "k"


def test_digests_follow_the_content_of_files_and_pages(tmp_path: Path):
    (tmp_path / "a.md").write_text("one")
    (tmp_path / "notes.txt").write_text("not a page")
    before, page = folder_digest(tmp_path), file_digest(tmp_path / "a.md")
    (tmp_path / "notes.txt").write_text("changed, but not a page")
    assert folder_digest(tmp_path) == before
    (tmp_path / "a.md").write_text("two")
    assert folder_digest(tmp_path) != before and file_digest(tmp_path / "a.md") != page


def test_a_model_folder_stamp_changes_when_a_file_is_added(tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")
    before = folder_stamp(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"x")
    assert folder_stamp(tmp_path) != before


def test_the_default_folder_follows_ftlab_cache_then_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("FTLAB_CACHE", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine" / "challenge"
    monkeypatch.delenv("FTLAB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "ftlab" / "challenge"
