"""A class run an instructor can rely on: every learner under their own name, results kept as they
finish, a run stopped and resumed, one student regraded, a class graded in shards and merged.

These run ``ftlab grade`` for real (workers, the harness child) with a one-exercise grader and
``--sandbox none``: the sandbox is not the point here, and it keeps them fast.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from ftlab.cli.main import main
from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("one_forkserver")  # the runs in this process share it

GRADER = """
import pytest

@pytest.mark.points(1, task=1, hint="return a dict")
def test_returns_a_dict(exercise):
    assert isinstance(exercise.build_example("a", "b"), dict)

@pytest.mark.points(1, task=1, hint="with a messages list")
def test_has_messages(exercise):
    assert exercise.build_example("a", "b")["messages"] == ["a", "b"]
"""
RIGHT = 'def build_example(user, assistant):\n    return {"messages": [user, assistant]}\n'


@pytest.fixture(scope="module")
def graders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("graders")
    (folder / "test_ex1_build_example.py").write_text(GRADER, encoding="utf-8")
    return folder


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _notebook(path: Path, *sources: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), str(path))
    return path


def _grade(graders: Path, out: Path, *arguments: str) -> int:
    return main(
        ["grade", *arguments, "--graders", str(graders), "--out", str(out), "--sandbox", "none", "-j", "2"]
    )


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as stream:
        return {row["submission"]: row for row in csv.DictReader(stream)}


def test_every_learner_is_graded_once_under_their_own_name_and_path(graders, tmp_path, capsys):
    room = tmp_path / "class"
    _write(room / "dup.py", RIGHT)
    _notebook(room / "dup.ipynb", RIGHT)
    _write(room / "dup" / "ex1_build_example.py", RIGHT)
    _write(room / "José García.py", RIGHT)
    _write(room / "李雷" / "ex1_build_example.py", RIGHT)
    _notebook(
        room / "nb" / "lab.ipynb",
        "from helpers import pair",
        "def build_example(u, a):\n    return pair(u, a)",
    )
    _write(room / "nb" / "helpers.py", 'def pair(u, a):\n    return {"messages": [u, a]}\n')
    _write(room / "nb" / "scratch.py", "x = 1\n")
    assert _grade(graders, tmp_path / "out", str(room)) == 0, capsys.readouterr().err
    rows = _rows(tmp_path / "out")
    paths = {name: row["path"] for name, row in rows.items()}
    assert paths == {
        "dup": str(room / "dup"), "dup.ipynb": str(room / "dup.ipynb"), "dup.py": str(room / "dup.py"),
        "José García": str(room / "José García.py"), "李雷": str(room / "李雷"),
        "nb": str(room / "nb" / "lab.ipynb"),
    }  # fmt: skip
    assert {name: row["score"] for name, row in rows.items()} == dict.fromkeys(paths, "2")
    assert all((tmp_path / "out" / name / "feedback.md").is_file() for name in rows)


def test_a_glob_of_notebooks_names_each_by_its_folder(graders, tmp_path, capsys):
    for name in ("ana", "ben"):
        _notebook(tmp_path / "x" / name / "lab.ipynb", RIGHT)
    assert _grade(graders, tmp_path / "out", str(tmp_path / "x" / "*" / "lab.ipynb")) == 0
    assert list(_rows(tmp_path / "out")) == ["ana", "ben"]


SLOW = """
import os, time
def build_example(user, assistant):
    with open({pids!r}, "a") as log:
        log.write(f"{{os.getpid()}}\\n")
    while not os.path.exists({go!r}):
        time.sleep(0.1)
    return {{"messages": [user, assistant]}}
"""


def _start(graders: Path, out: Path, *arguments: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "ftlab.cli.main", "grade", *arguments, "--graders", str(graders)]
    command += ["--out", str(out), "--sandbox", "none", "-j", "2", "--timeout", "120"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds:g} s for {what}"
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


@pytest.fixture
def stuck_class(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A class of three: two that finish, one whose code waits (writing its pid) until a file appears."""
    room, pids, go = tmp_path / "class", tmp_path / "pids.txt", tmp_path / "go"
    _write(room / "ana.py", RIGHT)
    _write(room / "ben.py", RIGHT.replace("[user, assistant]", "[user]"))
    _write(room / "zed.py", SLOW.format(pids=str(pids), go=str(go)))
    return room, pids, go


def test_a_stopped_run_keeps_what_finished_resume_does_the_rest_and_a_regrade_keeps_the_others(
    graders, tmp_path, stuck_class, capsys
):
    room, pids, go = stuck_class
    out = tmp_path / "out"
    run = _start(graders, out, str(room))
    _wait_for(lambda: (out / "ana" / "results.json").is_file() and pids.is_file(), "a first result")
    _wait_for(lambda: (out / "ben" / "results.json").is_file(), "the second result")
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and "Traceback" not in err
    assert (
        err.strip().splitlines()[-1].startswith("ftlab grade: stopped by SIGINT; 2 of 3 submissions graded")
    )
    assert not any(_alive(int(pid)) for pid in pids.read_text().split())
    assert {n: r["score"] for n, r in _rows(out).items()} == {"ana": "2", "ben": "1"}
    assert len(json.loads((out / "results.json").read_text(encoding="utf-8"))["submissions"]) == 2

    go.touch()
    assert _grade(graders, out, str(room), "--resume") == 0
    assert "[1/1] zed: graded 2/2" in capsys.readouterr().err
    before = _rows(out)
    assert list(before) == ["ana", "ben", "zed"]

    _write(room / "ben.py", RIGHT)
    (out / "ben" / "stale.txt").write_text("from the first grading", encoding="utf-8")
    assert _grade(graders, out, str(room / "ben.py")) == 0
    after = _rows(out)
    assert after["ben"]["score"] == "2" and {n: after[n] for n in ("ana", "zed")} == {
        n: before[n] for n in ("ana", "zed")
    }
    assert not (out / "ben" / "stale.txt").exists()


def test_sigterm_stops_the_workers_and_the_learners_code_with_them(graders, tmp_path, stuck_class):
    room, pids, _ = stuck_class
    run = _start(graders, tmp_path / "out", str(room / "zed.py"), str(room / "ana.py"))
    _wait_for(pids.is_file, "the learner's code to start")
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143 and "Traceback" not in err
    assert "stopped by SIGTERM" in err.strip().splitlines()[-1]
    assert not any(_alive(int(pid)) for pid in pids.read_text().split())


def _comparable(out: Path) -> dict[str, object]:
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for submission in results["submissions"]:
        submission["results"].pop("execution_time")
    own = {p.parent.name: p.read_text(encoding="utf-8") for p in out.glob("*/feedback.md")}
    return {
        "gradebook": (out / "gradebook.csv").read_text(encoding="utf-8"),
        "results": results,
        "feedback": own,
    }


def test_a_class_graded_in_three_shards_and_merged_gives_the_reports_of_one_run(graders, tmp_path, capsys):
    room = tmp_path / "class"
    for index, name in enumerate(["ana", "ben", "cy", "dee", "eve", "fay"]):
        _write(room / f"{name}.py", RIGHT if index % 2 else RIGHT.replace("[user, assistant]", "[]"))
    assert _grade(graders, tmp_path / "one", str(room)) == 0
    for k in (1, 2, 3):
        _grade(graders, tmp_path / f"shard{k}", str(room), "--shard", f"{k}/3")
    shards = [str(tmp_path / f"shard{k}") for k in (1, 2, 3)]
    assert main(["grade", "--merge", *shards, "--out", str(tmp_path / "merged")]) == 0
    assert _comparable(tmp_path / "merged") == _comparable(tmp_path / "one")
    summary = (tmp_path / "merged" / "summary.md").read_text(encoding="utf-8")
    assert summary == (tmp_path / "one" / "summary.md").read_text(encoding="utf-8")


def test_one_class_run_writes_the_lms_export_the_check_table_the_class_page_and_the_similarity_report(
    graders, tmp_path, capsys
):
    for name in ("ana", "ben"):
        _write(tmp_path / "class" / f"{name}.py", RIGHT)
    _write(tmp_path / "class" / "cid.py", "def build_example(user, assistant):\n    return []\n")
    out = tmp_path / "out"
    assert _grade(graders, out, str(tmp_path / "class")) == 0, capsys.readouterr().err
    canvas = (out / "canvas.csv").read_text(encoding="utf-8")
    assert all(f"{name},,,{name}," in canvas for name in ("ana", "ben", "cid")), canvas
    with (out / "checks.csv").open(encoding="utf-8", newline="") as stream:
        table = list(csv.DictReader(stream))
    assert [row[next(iter(row))] for row in table] == ["(points possible)", "ana", "ben", "cid"]
    assert "<svg" in (out / "class.html").read_text(encoding="utf-8")
    assert (out / "similarity.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
