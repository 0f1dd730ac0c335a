"""Folders the user may not search or write: ``ftlab`` says so and exits 2, as any user, root too.

Root reads and writes through a folder's permissions, so when the suite runs as root (CI, Docker)
each case runs the command as an unprivileged account (``nobody``, or ``FTLAB_GRADER_USER``: the
account the grading sandbox uses) with a copy of ftlab that account can read. Nothing is skipped
for being root; only a machine with no usable unprivileged account skips, saying why.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ftlab.grading.isolation.account import child_account
from tests.paths import ROOT

PROGRAM = "import sys; from ftlab.cli.main import main; sys.exit(main(sys.argv[1:]))"
LINE = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def place() -> Iterator[Path]:
    """A folder every user may search (tmp_path is private to root when root runs the suite)."""
    folder = Path(tempfile.mkdtemp(prefix="ftlab-permissions-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):  # give back what a case locked, so it can be removed
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def ftlab_cli(place: Path) -> Run:
    """Run ``ftlab ARGS`` as this user, or as an unprivileged account when this user is root."""
    if os.geteuid() != 0:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return lambda *argv: subprocess.run([sys.executable, "-c", PROGRAM, *argv], capture_output=True,
                                            text=True, env=env, timeout=120)  # fmt: skip
    account = child_account()
    if isinstance(account, str):
        pytest.skip(f"running as root and no unprivileged account can run ftlab here: {account}")
    copy = place / "lib"
    shutil.copytree(ROOT / "ftlab", copy / "ftlab", ignore=shutil.ignore_patterns("__pycache__"))
    folders = [str(copy), *(p for p in site.getsitepackages() if os.path.isdir(p))]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join(folders), "LANG": "C.UTF-8"}
    return lambda *argv: subprocess.run(
        [account.python, "-S", "-c", PROGRAM, *argv], capture_output=True, text=True, env=env,
        timeout=120, user=account.uid, group=account.gid, extra_groups=[], cwd="/",
    )  # fmt: skip


def test_a_file_in_a_folder_the_user_cannot_search_exits_2_saying_permission_denied(place, ftlab_cli):
    folder = place / "locked"
    folder.mkdir()
    (folder / "train.jsonl").write_text(LINE, "utf-8")
    folder.chmod(0)
    done = ftlab_cli("validate", str(folder / "train.jsonl"))
    assert done.returncode == 2, done.stderr
    assert "Permission denied" in done.stderr and "Traceback" not in done.stderr


def test_a_report_into_a_read_only_folder_exits_2_and_writes_nothing(place, ftlab_cli):
    data = place / "train.jsonl"
    data.write_text(LINE, "utf-8")
    data.chmod(0o644)
    folder = place / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    done = ftlab_cli("report", str(data), "-o", str(folder / "report.html"))
    assert done.returncode == 2, done.stderr
    assert f"cannot write in the folder {folder}" in done.stderr and "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []
