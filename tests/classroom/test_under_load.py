"""The reference scores full marks while the machine is busy: no check depends on spare CPU.

Two CPU-bound processes per core run beside ``ftlab grade solutions`` (learner code isolated, as
the command runs it); a call's time limit is CPU-generous enough that load alone fails nothing.
No timing is asserted: only the score.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ftlab.cli.main import main
from ftlab.grading.isolation.sandbox import find_sandbox
from tests.paths import ROOT

SANDBOX = find_sandbox()
BURN = "while True:\n    pass\n"


@pytest.mark.skipif(not SANDBOX.isolated, reason=f"no sandbox on this machine: {SANDBOX.reason}")
def test_the_reference_scores_full_marks_beside_two_cpu_burners_per_core(tmp_path):
    burners = [
        subprocess.Popen([sys.executable, "-c", BURN], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2 * (os.cpu_count() or 1))
    ]
    try:
        out = tmp_path / "out"
        args = ["grade", str(ROOT / "solutions"), "--out", str(out), "--graders", str(ROOT / "graders")]
        code = main([*args, "--require-sandbox"])
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert code == 0
    lost = [(t["name"], t.get("output", "")) for t in results["tests"] if t["score"] != t["max_score"]]
    assert lost == []
    assert results["max_score"] > 0 and results["score"] == results["max_score"]
