"""``ftlab gradescope build`` writes the autograder zip; ``ftlab gradescope run`` grades inside it."""

from __future__ import annotations

import json
import subprocess
import zipfile

import pytest

from ftlab.classroom.gradescope import RUN_AUTOGRADER
from ftlab.cli.main import main
from tests.paths import ROOT


def test_the_command_writes_the_zip_and_says_what_is_in_it(tmp_path, capsys):
    assert main(["gradescope", "build", "--out", str(tmp_path / "ag.zip"), "--kit", str(ROOT)]) == 0
    assert "grader suites)" in capsys.readouterr().out
    assert main(["gradescope", "build", "--out", str(tmp_path / "x.zip"), "--kit", str(tmp_path)]) == 1


def test_the_build_options_go_into_the_zips_config(tmp_path, capsys):
    out = tmp_path / "ag.zip"
    argv = ["gradescope", "build", "--out", str(out), "--kit", str(ROOT), "--timeout", "7"]
    assert main([*argv, "--visibility", "hidden"]) == 0
    with zipfile.ZipFile(out) as archive:
        config = json.loads(archive.read("kit/ftlab-gradescope.json"))
    assert config == {
        "timeout": 7.0,
        "visibility": "hidden",
        "budget": 510.0,
        "hidden_visibility": "after_published",
    }


def test_the_autograders_run_script_calls_the_run_subcommand():
    assert 'exec "$PYTHON" -m ftlab.cli.main gradescope run --root "$ROOT"' in RUN_AUTOGRADER
    assert subprocess.run(["bash", "-n"], input=RUN_AUTOGRADER, text=True).returncode == 0


def test_run_always_leaves_results_json_and_exits_0(tmp_path, capsys):
    (tmp_path / "submission").mkdir()
    assert main(["gradescope", "run", "--root", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and results["tests"] == []


def test_run_without_a_root_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["gradescope", "run"])
    assert stop.value.code == 2
    assert "--root" in capsys.readouterr().err
