"""``ftlab validate`` and ``ftlab report`` with the quality pass: --validation, --json, a closed pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ftlab.cli.main import CLOSED_PIPE, main
from ftlab.dataset.jsonl import write_jsonl
from tests.paths import DATA, ROOT

HELDOUT = DATA / "support_tickets_heldout.jsonl"
PLANTED = {
    "duplicate_example": [1, 4],
    "near_duplicate_input": [2, 7],
    "conflicting_answers": [3, 10],
    "format_drift": [13],
    "system_prompt_differs": [16],
    "length_outlier": [19],
    "secret_or_personal_data": [22],
    "validation_overlap": [25],
    "label_imbalance": [30],
}


def test_json_names_every_planted_line_under_its_quality_code_and_the_file_stays_valid(capsys):
    status = main(["validate", str(DATA / "quality_problems.jsonl"), "--validation", str(HELDOUT), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["valid"] is True
    assert {w["code"]: w["lines"] for w in out["quality"]["warnings"]} == PLANTED
    assert out["quality"]["counts"] == {code: 1 for code in PLANTED}
    assert out["n_warnings"] == len(PLANTED) + 1  # and few_examples


def test_without_validation_there_is_no_overlap_warning(capsys):
    main(["validate", str(DATA / "quality_problems.jsonl"), "--json"])
    codes = {w["code"] for w in json.loads(capsys.readouterr().out)["quality"]["warnings"]}
    assert codes == set(PLANTED) - {"validation_overlap"}


def test_a_missing_validation_file_exits_2_naming_it(tmp_path, capsys):
    status = main(
        ["validate", str(DATA / "support_tickets.jsonl"), "--validation", str(tmp_path / "v.jsonl")]
    )
    assert status == 2
    assert f"{tmp_path / 'v.jsonl'}: no such file" in capsys.readouterr().err


def test_the_html_report_takes_the_validation_file_too(tmp_path, capsys):
    page = tmp_path / "report.html"
    assert (
        main(["report", str(DATA / "quality_problems.jsonl"), "-o", str(page), "--validation", str(HELDOUT)])
        == 0
    )
    assert 'data-code="validation_overlap"' in page.read_text("utf-8")


def test_a_closed_pipe_ends_the_command_quietly_with_status_141(tmp_path: Path):
    records = [{"messages": [{"role": "user", "content": f"q{n}"}]} for n in range(3000)]  # an error each
    path = tmp_path / "many.jsonl"
    write_jsonl(records, path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ftlab.cli.main", "validate", str(path), "--json", "--max-lines", "3000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -1` does once it has its line
    status = process.wait(timeout=120)
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert first == b"{\n"
    assert (status, stderr) == (CLOSED_PIPE, "")
    assert CLOSED_PIPE == 141
