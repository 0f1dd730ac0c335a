"""The student distribution: no solutions, no hidden checks, and pytest exercises/ still works."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ftlab.classroom.dist import build_student, hidden_left
from ftlab.cli.main import main
from tests.paths import ROOT


def _caches(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.name in {".hypothesis", "__pycache__", ".pytest_cache"} or p.suffix == ".pyc"
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The distribution, and the caches in it as built (before any test has run pytest in it)."""
    out = tmp_path_factory.mktemp("dist") / "student"
    build_student(ROOT, out)
    return out, _caches(out)


@pytest.fixture(scope="module")
def dist(built: tuple[Path, list[Path]]) -> Path:
    return built[0]


def test_the_distribution_has_no_solutions_tests_or_instructor_pages(dist):
    names = {p.relative_to(dist).as_posix() for p in dist.rglob("*")}
    assert not [
        n
        for n in names
        if n.startswith(("solutions", "tests", "bench", "docs/instructor", "docs/grading", "docs/ci"))
    ]
    assert {
        "exercises/ex1_build_example.py",
        "graders/test_ex1_build_example.py",
        "ftlab/grading/plugin.py",
        "pyproject.toml",
    } <= names
    assert ".github/workflows/classroom.yml" in names


def test_pytest_collects_no_hidden_check_from_the_distribution_but_does_from_the_kit(dist):
    assert hidden_left(dist) == []
    assert hidden_left(ROOT), "the kit's graders have hidden checks, so this test can tell"


def test_the_hidden_cases_inputs_do_not_ship(dist):
    kit = (ROOT / "graders" / "test_ex2_validate_record.py").read_text(encoding="utf-8")
    shipped = (dist / "graders" / "test_ex2_validate_record.py").read_text(encoding="utf-8")
    assert "three-problems" in kit and "three-problems" not in shipped


def _pytest(dist: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/", "-q", "-p", "no:cacheprovider",
         "--ftlab-json", "board.json"],
        cwd=dist, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(dist)},
    )  # fmt: skip


def test_pytest_exercises_runs_in_the_distribution_without_the_hidden_checks(dist, tmp_path):
    import json

    done = _pytest(dist)
    assert done.returncode == 1 and "ftlab scoreboard" in done.stdout, done.stdout[-2000:] + done.stderr
    checks = json.loads((dist / "board.json").read_text())["tests"]
    assert checks and all(c["visibility"] == "visible" and c["points"] == 0 for c in checks)
    solved = tmp_path / "solved"
    shutil.copytree(dist, solved)
    for path in [*(ROOT / "solutions").glob("ex*.py"), *(ROOT / "solutions").glob("my_dataset*.jsonl")]:
        shutil.copy(path, solved / "exercises" / path.name)
    done = _pytest(solved)
    assert done.returncode == 0, done.stdout[-2000:]
    assert all(c["status"] == "passed" for c in json.loads((solved / "board.json").read_text())["tests"])


def test_the_command_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "x").write_text("x")
    assert main(["dist", "student", str(tmp_path), "--kit", str(ROOT)]) == 1
    assert "is not empty" in capsys.readouterr().err


def test_the_distribution_has_no_cache_folders(built):
    _, caches = built  # as built: the shared distribution has run pytest since
    assert caches == []


def test_the_readme_is_written_for_learners(dist):
    readme = (dist / "README.md").read_text(encoding="utf-8")
    assert "## For learners" in readme and "pytest exercises/" in readme and "hidden checks" in readme
    for maintainers in ("## For maintainers", "## For instructors", "project's own test suite", "## Where"):
        assert maintainers not in readme


def test_the_learners_readme_keeps_the_introduction_and_drops_maintainers_paragraphs():
    from ftlab.classroom.dist import THIS_COPY, learner_readme

    text = (
        "# Kit\n\nIntro.\n\n## Two commands\n\nRun it.\n\nThe maintainers run more.\n\n## For maintainers\n\n"
    )
    assert learner_readme(text) == (f"# Kit\n\nIntro.\n\n{THIS_COPY}\n\n## Two commands\n\nRun it.\n")
