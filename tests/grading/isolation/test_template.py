"""The coordinator's side of a template: folders emptied between submissions, bubblewrap only."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftlab.grading.isolation.sandbox import Sandbox, find_sandbox
from ftlab.grading.isolation.template import Template, empty, usable

BEST = find_sandbox()


def test_emptying_a_folder_removes_what_a_child_locked_and_keeps_the_folder(tmp_path):
    locked = tmp_path / "a" / "b"
    locked.mkdir(parents=True)
    (locked / "f").write_text("x")
    locked.chmod(0)
    (tmp_path / "a").chmod(0)
    (tmp_path / "link").symlink_to("/etc/passwd")
    empty(tmp_path)
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []
    assert Path("/etc/passwd").exists()


def test_templates_need_bubblewrap():
    assert not usable(Sandbox("process", reason="test"))
    assert not usable(Sandbox("unprivileged", reason="test", landlock=7))


@pytest.mark.skipif(not usable(BEST), reason="templates need bubblewrap and Landlock ABI 6+")
def test_a_reset_empties_the_slots_folders_and_a_stopped_template_cannot_be_reset():
    template = Template(BEST)
    try:
        slot = template.start()
        (slot.staging / "ex1_build_example.py").write_text("x")
        (slot.scratch / "left").mkdir()
        slot.staged = "somewhere"
        assert template.reset()
        assert list(slot.staging.iterdir()) == [] and list(slot.scratch.iterdir()) == []
        assert slot.staged == ""
        template.stop()
        assert not template.reset()
    finally:
        template.close()
    assert not template.folder.exists()
