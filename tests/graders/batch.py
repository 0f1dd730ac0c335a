"""Many implementations graded in one pytest run: one process, not one per implementation.

Each implementation gets a folder holding its exercise file, beside a link to ``graders/``: the
layout ``pytest exercises/`` grades, so one run grades every folder with its exercise's grader,
and a check's result is its folder's by its node id. The run is a subprocess (an in-process run
would import, and then forget, the HTTP stack the mock uses) with the environment pytester gives
its runs. When the graders' tests moved here from one run per implementation, every
implementation's checks had the same status, points and feedback as in a run of its own, but for
the file path a traceback line names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT


def linked(folder: Path, name: str, exercise: str, path: Path) -> Path:
    """A folder ``name`` in ``folder`` whose ``<exercise>.py`` is a link to the implementation ``path``."""
    (folder / name).mkdir()
    (folder / name / f"{exercise}.py").symlink_to(path)
    return folder / name


def grade_folders(folder: Path, names: list[str]) -> dict[str, dict]:
    """Each folder's results (``--ftlab-json``'s shape, with its own score and max_score), by name."""
    (folder / "graders").symlink_to(ROOT / "graders")
    out = folder / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "TOX_ENV_DIR")}
    env |= {"HOME": str(folder), "USERPROFILE": str(folder), "PY_COLORS": "0"}  # as pytester's runs
    options = ["-p", "no:cacheprovider", "-q", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(folder)]
    options += ["--basetemp", str(folder / "basetemp"), "--ftlab-json", str(out)]
    # native tracebacks, as ``ftlab grade`` asks for: the plugin puts each failed check's feedback in
    # its traceback's place, so pytest's long ones (an AST parse of the file per entry, a third of
    # the run) were built to be thrown away; the results file is byte for byte the same either way
    options += ["--tb=native"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *(str(folder / name) for name in names), *options],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "INTERNALERROR" not in run.stdout + run.stderr and out.is_file(), run.stdout[-3000:] + run.stderr
    results: dict[str, dict] = {name: {"tests": []} for name in names}
    for check in json.loads(out.read_text(encoding="utf-8"))["tests"]:
        results[check["nodeid"].split("/", 1)[0]]["tests"].append(check)
    for one in results.values():
        one["score"] = round(sum(t["points"] for t in one["tests"]), 4)
        one["max_score"] = round(sum(t["max_points"] for t in one["tests"]), 4)
    return results
