"""docs/lab.md's step B4 quotes what its commands print: the sample's training cost, and the
break-even after each change the prose suggests (the step's own output is checked by test_lab_guide)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ftlab.cli.main import main
from tests.docs.test_lab_guide import GUIDE, STEPS
from tests.paths import ROOT

SCRIPT = "my_break_even.py"
B4 = GUIDE.read_text(encoding="utf-8").split("### B4.", 1)[1].split("\n### ", 1)[0]


def _script() -> str:
    return next(step.files[SCRIPT] for step in STEPS if SCRIPT in step.files)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lab folder as B4 finds it: the sample data, and exercise 3 done."""
    folder = tmp_path_factory.mktemp("b4")
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "exercises").mkdir()
    shutil.copy(ROOT / "solutions" / "ex3_estimate_tokens.py", folder / "exercises")
    return folder


def _run(kit: Path, script: str) -> str:
    (kit / SCRIPT).write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OPENAI_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run(
        [sys.executable, SCRIPT], cwd=kit, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _changed(old: str, new: str) -> str:
    script = _script()
    assert script.count(old) == 1, f"{SCRIPT} in lab.md no longer has {old!r}"
    return script.replace(old, new)


def test_b4_quotes_the_training_cost_ftlab_validate_prints_for_the_sample(capsys):
    main(["validate", str(ROOT / "data" / "support_tickets.jsonl")])  # in-process: the same printing
    [cost] = re.findall(r"^\s*cost\s+(\$[\d.]+)\s*$", capsys.readouterr().out, re.MULTILINE)
    assert f"the same {cost} that `ftlab validate data/support_tickets.jsonl`" in " ".join(B4.split())


def test_b4_prices_the_training_from_the_samples_own_tokens_and_marks_its_assumption():
    script = _script()
    assert "data/support_tickets.jsonl" in script and "estimate_training_cost(examples" in script
    assert "training_cost_usd=training[" in script and "# ASSUMED" in script
    assert "0.26" not in B4


def test_ten_requests_a_day_take_the_days_b4_says(kit):
    printed = _run(kit, _changed("requests_per_day=1000,", "requests_per_day=10,"))
    days = re.search(r"([\d.]+) days at 10/day \(does not pay within a month\)", printed)
    assert days is not None, printed
    assert f"to 10 and run it again: {days[1]} days, over a month" in " ".join(B4.split())


def test_a_100_token_prompt_never_pays_back_as_b4_says(kit):
    printed = _run(kit, _changed("prompt_tokens=1500,", "prompt_tokens=100,"))
    assert "never pays back" in printed and "to 100: it never pays back" in " ".join(B4.split())


def test_the_numbers_b4_offers_without_exercise_3_give_the_same_break_even(kit):
    fallback = re.search(r"Put `training_cost_usd=([\d.]+)` and `n_examples=(\d+)` in instead", B4)
    assert fallback is not None
    script = _changed('n_examples=training["n_examples"],', f"n_examples={fallback[2]},")
    script = script.replace('training_cost_usd=training["cost_usd"],', f"training_cost_usd={fallback[1]},")
    assert _run(kit, script).splitlines()[-1] == _run(kit, _script()).splitlines()[-1]
