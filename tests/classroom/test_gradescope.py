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
    results = _run_by_hand(autograder_zip, tmp_path, reference_upload())
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


@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf"])
def test_a_timeout_that_is_not_a_positive_finite_number_exits_2_with_a_message(tmp_path, capsys, value):
    from ftlab.cli.main import main

    with pytest.raises(SystemExit) as exit_:
        main(
            ["gradescope", "build", "--out", str(tmp_path / "a.zip"), "--kit", str(ROOT), "--timeout", value]
        )
    assert exit_.value.code == 2 and "argument --timeout: must be" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_the_budget_fits_gradescopes_default_limit_and_a_timeout_past_it_is_refused(tmp_path, capsys):
    from ftlab.classroom.gradescope import DEFAULT_BUDGET, GRADESCOPE_LIMIT
    from ftlab.cli.main import main

    assert DEFAULT_BUDGET < GRADESCOPE_LIMIT == 600
    zip_path = tmp_path / "a.zip"
    assert (
        main(
            [
                "gradescope",
                "build",
                "--out",
                str(zip_path),
                "--kit",
                str(ROOT),
                "--timeout",
                "100",
                "--budget",
                "50",
            ]
        )
        == 2
    )
    assert "longer than --budget" in capsys.readouterr().err
    with pytest.raises(ValueError, match="the timeout must be"):
        build_zip(zip_path, kit=ROOT, timeout=float("nan"))


def test_hidden_checks_are_after_published_unless_the_instructor_chooses(autograder_zip, tmp_path):
    from ftlab.classroom.exports import gradescope
    from tests.classroom.sample_results import alice

    with zipfile.ZipFile(autograder_zip) as archive:
        config = json.loads(archive.read("kit/ftlab-gradescope.json"))
    assert config["hidden_visibility"] == "after_published" and config["budget"] < 600
    hidden = [t for t in gradescope(alice(), hidden_visibility="hidden")["tests"] if "hidden" in t["tags"]]
    assert hidden and all(t["visibility"] == "hidden" for t in hidden)


def _find_python(folder: Path, version: str) -> subprocess.CompletedProcess[str]:
    """setup.sh's find_python with only a fake ``python3`` of ``version`` on the PATH."""
    function = SETUP_SH[SETUP_SH.index("find_python() {") : SETUP_SH.index("\n}\n") + 3]
    fake = folder / "python3"
    fake.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c 'import sys; sys.exit(sys.version_info < ({version}))'\n"
    )
    fake.chmod(0o755)
    return subprocess.run(
        ["/bin/bash", "-c", f"{function}\nfind_python"],
        env={"PATH": str(folder)},
        capture_output=True,
        text=True,
    )


def test_setup_takes_a_python_of_at_least_3_11_and_otherwise_says_which_image_to_pick(tmp_path):
    assert _find_python(tmp_path, "3, 11").stdout.strip() == str(tmp_path / "python3")
    assert _find_python(tmp_path, "99, 0").returncode == 1
    assert "ppa:deadsnakes/ppa" in SETUP_SH and "pick the Ubuntu 22.04 or 24.04 base image" in SETUP_SH


def reference_upload() -> list[Path]:
    """What a student with the reference answers uploads: the exercise files and the datasets."""
    return sorted([*(ROOT / "solutions").glob("ex*.py"), *(ROOT / "solutions").glob("my_dataset*.jsonl")])
