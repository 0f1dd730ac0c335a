"""The sandbox: bubblewrap when it works here, a plain process otherwise, and it says which."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from ftlab.grading.isolation.sandbox import (
    Limits,
    Mount,
    Sandbox,
    find_sandbox,
    unprivileged,
)
from tests.paths import ROOT

BEST = find_sandbox()
needs_sandbox = pytest.mark.skipif(not BEST.isolated, reason=f"no sandbox: {BEST.reason}")


def _run(sandbox: Sandbox, code: str, *, mounts=()) -> subprocess.CompletedProcess[str]:
    command = sandbox.command([sys.executable, "-I", "-c", code], mounts=list(mounts), workdir="/tmp/work")
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})


def test_turning_the_sandbox_off_says_so_plainly():
    sandbox = find_sandbox(enabled=False)
    assert not sandbox.isolated
    assert "NOT sandboxed" in sandbox.describe() and "--no-sandbox" in sandbox.describe()


def test_a_plain_process_runs_the_command_as_given():
    assert Sandbox("process", reason="x").command(["python", "-c", "pass"], mounts=[], workdir="/tmp") == [
        "python",
        "-c",
        "pass",
    ]


def test_without_bwrap_the_reason_names_the_package(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    sandbox = find_sandbox()
    assert not sandbox.isolated and "apt-get install bubblewrap" in sandbox.reason


def test_limits_survive_a_round_trip():
    limits = Limits(cpu_seconds=5, memory_bytes=1 << 28, processes=8, file_bytes=1 << 20, open_files=64)
    assert Limits.from_dict(limits.to_dict()) == limits


@needs_sandbox
def test_the_sandbox_hides_the_project_and_shows_only_its_mounts(tmp_path):
    (tmp_path / "visible.txt").write_text("yes")
    solutions = str(ROOT / "solutions")
    code = f"import os; print(os.path.exists({solutions!r}), os.listdir('/data'))"
    done = _run(BEST, code, mounts=[Mount(tmp_path, "/data")])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "['visible.txt']"]


@needs_sandbox
def test_read_only_mounts_cannot_be_written(tmp_path):
    done = _run(BEST, "open('/data/new.txt', 'w')", mounts=[Mount(tmp_path, "/data")])
    assert done.returncode != 0 and "Read-only file system" in done.stderr
    assert not (tmp_path / "new.txt").exists()


@needs_sandbox
def test_the_sandbox_has_no_network_not_even_to_this_machine():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        code = (
            f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "    print('connected')\nexcept OSError as e:\n    print('refused')"
        )
        done = _run(BEST, code)
        server.settimeout(0.1)
        with pytest.raises(TimeoutError):
            server.accept()
    assert done.stdout.strip() == "refused"


def test_sandbox_none_is_the_plain_process_of_no_sandbox():
    assert find_sandbox(mode="none") == find_sandbox(enabled=False)
    assert not find_sandbox(mode="none").protected


def test_without_bwrap_a_root_grader_runs_learner_code_as_an_unprivileged_user(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("os.geteuid", lambda: 0)
    sandbox = find_sandbox()
    assert sandbox.kind in ("unprivileged", "process")  # "process" only when no Python is in the user's reach
    if sandbox.kind == "unprivileged":
        assert sandbox.uid != 0 and "apt-get install bubblewrap" in sandbox.reason
        assert f"unprivileged user {sandbox.user}" in sandbox.describe()


def test_without_bwrap_a_non_root_grader_gets_landlock_when_the_kernel_has_it(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    monkeypatch.setattr("ftlab.grading.isolation.landlock.abi", lambda: 6)
    sandbox = find_sandbox()
    assert sandbox.kind == "process" and sandbox.landlock == 6 and sandbox.protected
    assert "NOT sandboxed" not in sandbox.describe()
    assert "child process running as you + Landlock ABI 6" in sandbox.describe()
    assert "cannot signal the grader" in sandbox.describe()


def test_sandbox_user_needs_a_root_grader(monkeypatch):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    sandbox = find_sandbox(mode="user")
    assert sandbox.kind == "process" and "needs the grader to run as root" in sandbox.reason


def test_an_older_landlock_says_what_it_does_not_guard():
    text = Sandbox("unprivileged", reason="x", user="nobody", uid=65534, gid=65534, landlock=3).describe()
    assert "Landlock ABI 3" in text and "NOT guarded: no network (TCP), cannot signal the grader" in text


def test_an_unprivileged_user_without_landlock_is_not_called_sandboxed():
    sandbox = Sandbox("unprivileged", reason="x", user="nobody", uid=65534, gid=65534)
    assert not sandbox.protected and "NOT fully sandboxed" in sandbox.describe()


def test_a_grader_user_that_does_not_exist_is_said(monkeypatch):
    monkeypatch.setenv("FTLAB_GRADER_USER", "no-such-user-here")
    sandbox = unprivileged("x", landlock=7)
    assert sandbox.kind == "process" and "FTLAB_GRADER_USER=no-such-user-here" in sandbox.reason
