"""The student distribution: no solutions, no hidden checks, and pytest exercises/ still works."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ftlab.cli import main
from ftlab.dist import HiddenCheckLeft, build_student, strip_hidden

ROOT = Path(__file__).resolve().parent.parent

SOURCE = '''\
import pytest

SHOWN = [1, 2]

# inputs only the hidden check uses
SECRET = [41, 42]
DERIVED = [x + 1 for x in SECRET]


@pytest.mark.points(1, hint="shown")
def test_shown(exercise):
    assert SHOWN


# a hidden one
@pytest.mark.points(1, visibility="hidden", hint="hidden")
@pytest.mark.parametrize("x", DERIVED)
def test_hidden(exercise, x):
    assert x


class TestGroup:
    @pytest.mark.points(2, hint="kept", visibility="visible")
    def test_kept(self):
        pass

    @pytest.mark.points(2, hint="gone", visibility="hidden")
    def test_gone(self):
        pass
'''


def test_hidden_checks_and_the_values_only_they_used_are_stripped():
    text = strip_hidden(SOURCE)
    assert "test_hidden" not in text and "test_gone" not in text
    assert "SECRET" not in text and "DERIVED" not in text and "41" not in text and "a hidden one" not in text
    assert "test_shown" in text and "SHOWN = [1, 2]" in text and "test_kept" in text
    ast.parse(text)


def test_a_grader_without_hidden_checks_is_unchanged():
    source = '@pytest.mark.points(1, hint="h")\ndef test_a(exercise):\n    pass\n'
    assert strip_hidden(source) == source


def test_a_hidden_check_in_another_form_is_refused_not_shipped():
    source = 'import pytest\nCASES = [pytest.param(1, marks=pytest.mark.points(1, hint="h", visibility="hidden"))]\n'
    with pytest.raises(HiddenCheckLeft, match="line 2"):
        strip_hidden(source, path=Path("graders/test_x.py"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "student"
    build_student(ROOT, out)
    return out


def test_the_distribution_has_no_solutions_tests_or_instructor_pages(dist):
    names = {p.relative_to(dist).as_posix() for p in dist.rglob("*")}
    assert not [n for n in names if n.startswith(("solutions", "tests", "bench", "docs/instructor", "docs/grading", "docs/ci"))]
    assert {"exercises/ex1_build_example.py", "graders/test_ex1_build_example.py", "ftlab/plugin.py", "pyproject.toml"} <= names
    assert ".github/workflows/classroom.yml" in names


def test_no_grader_in_the_distribution_has_a_hidden_check(dist):
    for grader in dist.glob("graders/*.py"):
        assert 'visibility="hidden"' not in grader.read_text(encoding="utf-8"), grader.name


def _pytest(dist: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/", "-q", "-p", "no:cacheprovider", "--ftlab-json", "board.json"],
        cwd=dist, capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(dist)},
    )  # fmt: skip


def test_pytest_exercises_runs_in_the_distribution_without_the_hidden_checks(dist, tmp_path):
    import json

    done = _pytest(dist)
    assert done.returncode == 1 and "ftlab scoreboard" in done.stdout, done.stdout[-2000:] + done.stderr
    checks = json.loads((dist / "board.json").read_text())["tests"]
    assert checks and all(c["visibility"] == "visible" and c["points"] == 0 for c in checks)
    solved = tmp_path / "solved"
    shutil.copytree(dist, solved)
    for path in (ROOT / "solutions").glob("ex*.py"):
        shutil.copy(path, solved / "exercises" / path.name)
    done = _pytest(solved)
    assert done.returncode == 0, done.stdout[-2000:]
    assert all(c["status"] == "passed" for c in json.loads((solved / "board.json").read_text())["tests"])


def test_the_command_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "x").write_text("x")
    assert main(["dist", "student", str(tmp_path), "--kit", str(ROOT)]) == 1
    assert "is not empty" in capsys.readouterr().err
