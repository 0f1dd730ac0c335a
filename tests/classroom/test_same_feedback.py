"""Two gradings of one submission give byte-identical feedback: no ids, paths or addresses that change.

The submission fails checks in every exercise, in the ways whose feedback could vary from one run
to the next: an unfinished stub (a traceback), codes missing (values), errors that leave out the
job they are about (the mock's job ids), a value that is not plain data and an error whose
message holds an object's default repr (a memory address).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ftlab.cli.main import main
from ftlab.grading.isolation.sandbox import find_sandbox
from tests.paths import ROOT

SANDBOX = find_sandbox()

EX2_MISSES_CODES = '''

_every_code = validate_record


def validate_record(record):
    """Wrong: stops at the first code."""
    return _every_code(record)[:1]
'''

EX3_NOT_PLAIN = '''

_right_count, _right_estimate = count_tokens, estimate_training_cost


class Estimate:
    def __init__(self, numbers):
        self.numbers = numbers


def count_tokens(messages, model="gpt-4o-mini"):
    """Wrong: an unknown model is a LookupError holding an object's default repr."""
    try:
        return _right_count(messages, model)
    except ValueError:
        raise LookupError(f"no encoding for {model!r} in {object()}") from None


def estimate_training_cost(examples, model, n_epochs="auto"):
    """Wrong: an object, not a dict."""
    return Estimate(_right_estimate(examples, model, n_epochs))
'''

EX4_VAGUE_ERRORS = '''

_right_wait = wait_for_job


def wait_for_job(*args, **kwargs):
    """Wrong: a failed or cancelled job is an error that says neither which job nor why."""
    try:
        return _right_wait(*args, **kwargs)
    except RuntimeError:
        raise RuntimeError("the job did not work") from None
'''


def _submission(folder: Path) -> Path:
    shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for slug in ("ex1_build_example", "ex5_decide_approach"):
        shutil.copy(ROOT / "exercises" / f"{slug}.py", folder / f"{slug}.py")
    for slug, wrong in [
        ("ex2_validate_record", EX2_MISSES_CODES),
        ("ex3_estimate_tokens", EX3_NOT_PLAIN),
        ("ex4_submit_job", EX4_VAGUE_ERRORS),
    ]:
        path = folder / f"{slug}.py"
        path.write_text(path.read_text(encoding="utf-8") + wrong, encoding="utf-8")
    return folder


def _grade(submission: Path, out: Path) -> tuple[bytes, dict[str, Any]]:
    args = ["grade", str(submission), "--out", str(out), "--graders", str(ROOT / "graders")]
    assert main([*args, "--require-sandbox", "--jobs", "1"]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    results.pop("execution_time", None)
    return (out / "feedback.md").read_bytes(), results


@pytest.mark.skipif(not SANDBOX.isolated, reason=f"no sandbox on this machine: {SANDBOX.reason}")
def test_grading_one_submission_twice_gives_byte_identical_feedback(tmp_path):
    submission = _submission(tmp_path / "submission")
    first_md, first = _grade(submission, tmp_path / "first")
    second_md, second = _grade(submission, tmp_path / "second")
    failed = [t["name"] for t in first["tests"] if t["status"] != "passed"]
    assert {name.split(".")[0] for name in failed} == {"1", "2", "3", "4", "5"}, (
        "every exercise fails a check"
    )
    assert 0 < first["score"] < first["max_score"]
    assert first_md.decode() == second_md.decode()
    assert first_md == second_md
    assert first == second
