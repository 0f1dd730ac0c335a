"""``ftlab notebook build``: writes lab.ipynb from exercises/; ``--check`` exits 1 when it is stale."""

from __future__ import annotations

import json

from ftlab.cli.main import main
from tests.paths import ROOT

EXERCISES = str(ROOT / "exercises")


def test_build_writes_a_notebook_that_check_then_finds_up_to_date(tmp_path, capsys):
    out = tmp_path / "lab.ipynb"
    assert main(["notebook", "build", "--exercises", EXERCISES, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["cells"]
    assert main(["notebook", "build", "--exercises", EXERCISES, "--out", str(out), "--check"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {out}", f"{out} is up to date"]


def test_check_on_a_stale_notebook_exits_1_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "lab.ipynb"
    out.write_text("{}", encoding="utf-8")
    assert main(["notebook", "build", "--exercises", EXERCISES, "--out", str(out), "--check"]) == 1
    assert "is out of date" in capsys.readouterr().err and out.read_text(encoding="utf-8") == "{}"


def test_a_folder_without_exercise_files_exits_1_naming_it(tmp_path, capsys):
    out = tmp_path / "lab.ipynb"
    assert main(["notebook", "build", "--exercises", str(tmp_path), "--out", str(out)]) == 1
    assert f"no exercise files (ex*_*.py) in {tmp_path}" in capsys.readouterr().err and not out.exists()
