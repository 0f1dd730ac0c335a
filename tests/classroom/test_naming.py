"""Submission names: the learner's own, unique, the same every run, safe as a folder name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftlab.classroom.naming import MAX_NAME_BYTES, entry_name, glob_name, safe_name, unique_names


@pytest.mark.parametrize("name", ["José García", "李雷", "韩梅梅", "o'brien", "=cmd"])
def test_a_name_the_file_system_allows_is_kept_as_it_is(name):
    assert safe_name(name) == name


UNSAFE = [("a/b", "a_b"), ("..", "submission"), (".hidden", "hidden"), ("tab\there", "tab_here"),
          ("a\\b", "a_b"), ("", "submission")]  # fmt: skip


@pytest.mark.parametrize(("name", "safe"), UNSAFE)
def test_separators_control_characters_and_leading_dots_are_replaced(name, safe):
    assert safe_name(name) == safe


def test_a_very_long_name_is_cut_and_stays_distinct():
    one, two = safe_name("é" * 200 + "1"), safe_name("é" * 200 + "2")
    assert one != two and len(one.encode()) <= MAX_NAME_BYTES and len(two.encode()) <= MAX_NAME_BYTES


def test_names_that_clash_are_told_apart_by_kind_then_by_number():
    named = [("dup", ""), ("dup", ".py"), ("dup", ".ipynb"), ("a", ".py"), ("A", ".py"), ("solo", ".py")]
    assert unique_names(named) == ["dup", "dup.py", "dup.ipynb", "a", "A-2", "solo"]


def test_the_same_class_gets_the_same_names_every_time():
    named = [("dup", ""), ("dup", ".py"), ("x", ".py"), ("x", ".py")]
    assert unique_names(named) == unique_names(list(named))


def test_a_file_is_named_by_its_stem_a_folder_by_its_name(tmp_path):
    (tmp_path / "José García.py").write_text("")
    (tmp_path / "李雷").mkdir()
    assert entry_name(tmp_path / "José García.py") == "José García"
    assert entry_name(tmp_path / "李雷") == "李雷"
    assert entry_name(tmp_path / "李雷" / "..") == tmp_path.name


def test_a_glob_names_each_match_by_the_part_its_wildcard_matched():
    assert glob_name("x/*/lab.ipynb", "x/ana/lab.ipynb") == ("ana", True)
    assert glob_name("x/*.py", "x/bob.py") == ("bob", False)
    assert glob_name(str(Path("x", "*", "work", "lab.ipynb")), "x/cy/work/lab.ipynb") == ("cy", True)


def test_a_numbered_name_never_takes_a_learners_own_name():
    named = [("dup", ".py"), ("dup", ".py"), ("dup-2", ".py")]
    assert unique_names(named) == ["dup", "dup-3", "dup-2"]
