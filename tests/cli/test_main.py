"""``ftlab validate``: exit codes, line-numbered output and JSON, as a learner runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ftlab.cli.main import main
from tests.paths import DATA


def test_a_valid_file_exits_0_and_says_so(capsys):
    assert main(["validate", str(DATA / "support_tickets.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "72 examples, 0 errors, 0 warnings" in out and "valid: ready to upload" in out


def test_the_broken_file_exits_1_naming_every_line_and_code(capsys):
    assert main(["validate", str(DATA / "broken.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "  line 3: error data_type: each line must be a JSON object, got a list" in out
    assert "  line 16: error invalid_utf8:" in out and "  line 7: warning blank_line:" in out
    assert "not valid: fix the errors above" in out


def test_json_output_is_machine_readable(capsys):
    assert main(["validate", str(DATA / "broken.jsonl"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (
        report["valid"] is False and report["n_errors"] == 14 and report["n_warnings"] == 2
    )  # the blank line, and fewer than 50 examples
    assert {
        "line": 3,
        "code": "data_type",
        "severity": "error",
        "message": "each line must be a JSON object, got a list",
    } in report["problems"]


def test_a_missing_file_exits_2_with_one_line_and_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ftlab.cli.main", "validate", str(tmp_path / "nope.jsonl")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"ftlab validate: {tmp_path / 'nope.jsonl'}: no such file"
    assert result.stdout == ""


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "ftlab"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("ftlab ")
