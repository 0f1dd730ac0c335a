"""The Gradescope autograder zip, unpacked and run by hand in a folder laid out like /autograder."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from ftlab.classroom.gradescope import SETUP_SH, build_zip, one_submission
from tests.classroom.test_exports import GRADESCOPE_SCHEMA
from tests.paths import ROOT


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zip") / "autograder.zip"
    build_zip(path, kit=ROOT, timeout=5)
    return path


def _run_by_hand(zip_path: Path, folder: Path, upload: list[Path]) -> dict:
    """Lay out ``folder`` as Gradescope does, run ``run_autograder``, return results.json."""
    root = folder / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    for path in upload:
        shutil.copy(path, root / "submission" / path.name)
    environment = {
        **os.environ,
        "FTLAB_AUTOGRADER_ROOT": str(root),
        "FTLAB_AUTOGRADER_PYTHON": sys.executable,
        "PYTHONPATH": str(root / "source" / "kit"),
    }
    done = subprocess.run(
        ["bash", str(root / "run_autograder")],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_the_zip_has_the_two_scripts_at_its_root_and_no_solutions(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert names[:2] == ["setup.sh", "run_autograder"]
    assert all(modes[n] & stat.S_IXUSR for n in ("setup.sh", "run_autograder"))
    assert "kit/graders/test_ex1_build_example.py" in names and "kit/ftlab/grading/plugin.py" in names
    assert not [n for n in names if "solutions" in n or n.startswith("kit/tests/") or "__pycache__" in n]


def test_setup_installs_bubblewrap_and_the_kit():
    assert (
        "apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap" in SETUP_SH
    )
    assert "pip install /autograder/source/kit" in SETUP_SH
    assert subprocess.run(["bash", "-n"], input=SETUP_SH, text=True).returncode == 0


def test_building_twice_gives_the_same_zip(tmp_path):
    build_zip(tmp_path / "a.zip", kit=ROOT)
    build_zip(tmp_path / "b.zip", kit=ROOT)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_run_by_hand_the_zip_writes_valid_results_for_a_reference_upload(autograder_zip, tmp_path):
    results = _run_by_hand(autograder_zip, tmp_path, sorted((ROOT / "solutions").glob("ex*.py")))
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == results["max_score"] == sum(t["max_score"] for t in results["tests"]) > 0


def test_run_by_hand_an_upload_with_nothing_to_grade_still_gets_results(autograder_zip, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("sorry")
    results = _run_by_hand(autograder_zip, tmp_path, [notes])
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 0 and "found no exercise files" in results["output"]


def test_an_upload_is_always_one_submission(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "b.ipynb").write_text("{}")
    assert one_submission(tmp_path).kind == "unknown"
    (tmp_path / "b.ipynb").unlink()
    assert one_submission(tmp_path).kind == "notebook"
