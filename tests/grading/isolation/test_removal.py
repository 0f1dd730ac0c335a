"""Removing a folder tree: everything in it goes, subfolders side by side, and no symlink is followed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from ftlab.grading.isolation import removal
from ftlab.grading.isolation.removal import remove_tree


def _tree(top: Path, folders: int = 30) -> Path:
    """A scratch folder as a grading run leaves it: a folder per test, some nested, files, symlinks."""
    runs = top / "pytest"
    runs.mkdir(parents=True)
    for index in range(folders):
        folder = runs / f"test_{index}0"
        folder.mkdir()
        (folder / "data.jsonl").write_text("{}\n" * index)
        if index % 5 == 0:
            (folder / "deeper" / "still").mkdir(parents=True)
            (folder / "deeper" / "still" / "file").write_text("x")
    (top / "a file").write_text("at the top")
    return top


def test_a_tree_of_folders_files_and_nested_folders_is_removed_whole(tmp_path):
    remove_tree(_tree(tmp_path / "scratch"))
    assert not (tmp_path / "scratch").exists()


@pytest.mark.parametrize("depth", [1, 12])
def test_a_chain_of_single_folders_is_removed_whatever_its_depth(tmp_path, depth):
    deepest = tmp_path.joinpath("scratch", *[f"level{i}" for i in range(depth)])
    deepest.mkdir(parents=True)
    (deepest / "file").write_text("x")
    remove_tree(tmp_path / "scratch")
    assert not (tmp_path / "scratch").exists()


def test_symlinks_inside_are_removed_and_what_they_point_to_is_untouched(tmp_path):
    outside = tmp_path / "outside"
    (outside / "kept").mkdir(parents=True)
    (outside / "kept" / "precious").write_text("keep me")
    scratch = _tree(tmp_path / "scratch")
    (scratch / "to a folder").symlink_to(outside)
    (scratch / "pytest" / "test_00" / "to a file").symlink_to(outside / "kept" / "precious")
    remove_tree(scratch)
    assert not scratch.exists()
    assert (outside / "kept" / "precious").read_text() == "keep me"


def test_a_symlink_or_a_file_given_as_the_tree_is_left_as_shutil_rmtree_leaves_it(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "inside").write_text("x")
    (tmp_path / "link").symlink_to(target)
    (tmp_path / "plain").write_text("x")
    remove_tree(tmp_path / "link")
    remove_tree(tmp_path / "plain")
    remove_tree(tmp_path / "missing")  # nothing to do, and no error
    assert (tmp_path / "link").is_symlink() and (target / "inside").exists()
    assert (tmp_path / "plain").exists()


def test_the_subfolders_are_removed_several_at_once(tmp_path, monkeypatch):
    running, most = 0, 0
    lock = threading.Lock()
    plain = removal.shutil.rmtree

    def counted(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # long enough for the other threads to start theirs
        plain(*args, **kwargs)
        with lock:
            running -= 1

    monkeypatch.setattr(removal.shutil, "rmtree", counted)
    remove_tree(_tree(tmp_path / "scratch", folders=16))
    assert not (tmp_path / "scratch").exists()
    assert most > 1, "subfolders were removed one after the other"


@pytest.mark.skipif(os.geteuid() == 0, reason="root removes a folder whatever its mode")
def test_what_cannot_be_removed_stays_without_an_error(tmp_path):
    scratch = _tree(tmp_path / "scratch")
    locked = scratch / "pytest" / "test_10"
    locked.chmod(0o500)
    try:
        remove_tree(scratch)
        assert (locked / "data.jsonl").exists() and not (scratch / "pytest" / "test_20").exists()
    finally:
        locked.chmod(0o700)
