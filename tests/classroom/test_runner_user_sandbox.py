"""The attacks of ``tests/class/attacks/`` graded in the unprivileged-user sandbox (``--sandbox user``).

The same attacks, reference and stub as ``test_runner.py`` grades in the default sandbox, graded
again through the real command in the other sandbox: each must score exactly as it does there.
A module of its own so that, under xdist, it runs beside that module's class grading, not after it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.classroom.test_runner import EXPECTED, TIMEOUT, TRICKS, build_attacks
from tests.paths import ROOT


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(not _is_root(), reason="--sandbox user runs learner code as another user: only root can")
def test_the_attacks_score_the_same_in_the_unprivileged_user_sandbox(tmp_path):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    build_attacks(folder)
    shutil.copytree(ROOT / "solutions", folder / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "exercises", folder / "stub", ignore=shutil.ignore_patterns("__pycache__"))
    command = [
        sys.executable,
        "-m",
        "ftlab.cli.main",
        "grade",
        str(folder),
        "--sandbox",
        "user",
        "--out",
        str(out),
    ]
    command += ["--graders", str(ROOT / "graders"), "--timeout", f"{TIMEOUT:g}", "--jobs", "2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    scores = {s["name"]: s["results"]["score"] for s in report["submissions"]}
    full = next(s["results"]["max_score"] for s in report["submissions"] if s["name"] == "reference")
    assert scores == {
        name: full if name == "reference" else sum(EXPECTED[name]) for name in [*TRICKS, "reference", "stub"]
    }
