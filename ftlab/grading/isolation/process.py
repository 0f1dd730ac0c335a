"""The harness process: one child running learner code, started in the sandbox, spoken to over a wire.

What the child can see (bubblewrap): the Python runtime, the child library (the learner API and
the harness, not the engine: :mod:`ftlab.grading.isolation.library`, mounted at ``/ftlab/lib``),
the submission (read-only, at ``/submission``), and the run's temporary folder at its own path,
writable: every ``tmp_path`` a grader hands to the learner's code lives there, and so does
anything a grader sets up to be reached from inside, such as the mock API's Unix socket. Other
host paths can be handed in as :class:`Channel`. Its environment is clean: no API key or token
of the grader's reaches it. What it prints goes to a private log, never to the wire.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftlab.errors import FtlabError
from ftlab.grading.cells import is_cell_file
from ftlab.grading.exercises import warms_for
from ftlab.grading.isolation.landlock import hand_over, readable_copy, runtime_paths, site_packages
from ftlab.grading.isolation.library import child_library, child_modules
from ftlab.grading.isolation.sandbox import (
    HARNESS_LIB,
    SYSTEM_FILES,
    SYSTEM_LINKS,
    Limits,
    Mount,
    Sandbox,
    child_environment,
)
from ftlab.grading.isolation.wire import Expired, Violation, Wire

STARTUP_TIMEOUT = 60.0
SANDBOX_ROOT = "/submission"
SANDBOX_WORKDIR = "/tmp/work"
#: the process groups of the children this process has running (see :func:`stop_all`)
_RUNNING: set[int] = set()
#: The child's whole program; its configuration is written into it, so it reads no command line.
_BOOT = (
    "import sys; sys.path[:0] = {paths!r}; from ftlab.grading.isolation.harness import main; main({config!r})"
)


class SandboxFailure(FtlabError, RuntimeError):
    """The child that runs learner code could not start (the grader's problem, not the learner's)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return f"the process that runs the learner's code could not start: {self.reason}"


@dataclass(frozen=True)
class Channel:
    """A host path (a Unix socket, a file, a folder) made visible at the same path inside the sandbox."""

    path: Path
    writable: bool = True


class HarnessProcess:
    """One implementation root's harness child: started, stopped, and explained when it ends."""

    def __init__(
        self, root: Path, *, sandbox: Sandbox, timeout: float, shared: Sequence[Channel], limits: Limits
    ) -> None:
        self.root, self.sandbox, self.timeout = root, sandbox, timeout
        self.shared, self.limits = list(shared), limits
        self.private = Path(tempfile.mkdtemp(prefix="ftlab-child-"))
        self.wire: Wire | None = None
        self.protection = ""  # what the child reported it enforced (Landlock), "" for none
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self) -> Wire:
        """Start the child and wait until it says it is ready; its wire (:class:`SandboxFailure` if not)."""
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        lib, root, workdir = self._layout()
        landlock = self._landlock(lib, root, workdir)
        config = {
            "root": root,
            "timeout": self.timeout,
            "in_fd": request_read,
            "out_fd": answer_write,
            "limits": self.limits.to_dict(),
            "sandboxed": self.sandbox.isolated,
            "parent": 0 if self.sandbox.isolated else os.getpid(),
            "landlock": landlock,
            "modules": child_modules(),
            "warms": warms_for(self.root),  # what its exercises load lazily (None: it may run any)
        }
        paths = [lib] + (site_packages() if self.sandbox.python else [])
        boot = _BOOT.format(paths=paths, config=json.dumps(config))
        argv = [sys.executable, "-I", "-B", "-X", "utf8", "-c", boot]
        command = self.sandbox.command(argv, mounts=self._mounts(), workdir=workdir)
        try:
            self._process = self._spawn(command, workdir, pass_fds=(request_read, answer_write))
            _RUNNING.add(self._process.pid)
        finally:
            os.close(request_read)
            os.close(answer_write)
        self.wire = GrantingWire(request_write, answer_read, grant=self._grant)
        return self._ready(bool(landlock))

    def _ready(self, landlock: bool) -> Wire:
        """Wait for the child's "ready"; the wire, or :class:`SandboxFailure` (the child is stopped)."""
        wire = self.wire
        assert wire is not None
        try:
            ready = wire.receive(time.monotonic() + STARTUP_TIMEOUT)
        except (Expired, Violation):
            ready = None
        if not isinstance(ready, dict) or ready.get("event") != "ready":
            self.stop()
            tail = self.output(800).strip().splitlines()
            raise SandboxFailure(tail[-1] if tail else "it ended before saying it was ready")
        self.protection = str(ready.get("protection", ""))
        if landlock and not self.protection:
            self.stop()
            raise SandboxFailure("it did not confine itself with Landlock, so it may not run learner code")
        return wire

    def _spawn(
        self, command: list[str], workdir: str, *, pass_fds: tuple[int, int]
    ) -> subprocess.Popen[bytes]:
        sandbox = self.sandbox
        user = {"user": sandbox.uid, "group": sandbox.gid, "extra_groups": []} if sandbox.uid >= 0 else {}
        with open(self.private / "output.log", "ab") as output:
            try:
                return subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                    pass_fds=pass_fds,
                    env=self._environment(workdir),
                    cwd=None if sandbox.isolated else workdir,
                    start_new_session=True,
                    **user,  # type: ignore[call-overload]
                )
            except OSError as error:
                raise SandboxFailure(str(error)) from None

    def _layout(self) -> tuple[str, str, str]:
        """Where the harness, the submission and the working folder are, as the child sees them."""
        if self.sandbox.isolated:
            inside = SANDBOX_ROOT if self.root.is_dir() else f"{SANDBOX_ROOT}/{self.root.name}"
            return HARNESS_LIB, inside, SANDBOX_WORKDIR
        workdir, root = self.private / "work", self.root
        workdir.mkdir(exist_ok=True)
        if self.sandbox.uid >= 0:  # another user: a readable copy of the submission, a folder of its own
            self.private.chmod(0o711)
            folder = self._folder()
            copy = self.private / "submission" / folder.name
            if not copy.exists():
                readable_copy(folder, copy)
            root = copy if folder == self.root else copy / self.root.name
            os.chown(workdir, self.sandbox.uid, self.sandbox.gid)
            self._grant()
        return str(child_library()), str(root), str(workdir)

    def _landlock(self, lib: str, root: str, workdir: str) -> dict[str, list[str]] | None:
        """The paths a Landlock child may read, write and list (None: no Landlock for this sandbox)."""
        if self.sandbox.isolated or not self.sandbox.landlock:
            return None
        read, listed = runtime_paths([*SYSTEM_LINKS, *SYSTEM_FILES])
        if self.sandbox.python:
            read.append(self.sandbox.python)
        write = [workdir] + [str(c.path) for c in self.shared if c.writable]
        seen = str(Path(root).parent) if self._folder() != self.root else root
        read += [lib, seen] + [str(c.path) for c in self.shared if not c.writable]
        return {"read": read, "write": write, "listed": listed}

    def _grant(self) -> None:
        """Hand the shared folders to the child's user (before each request: tmp_path folders come and go)."""
        if self.sandbox.uid >= 0:
            for channel in self.shared:
                hand_over(channel.path, self.sandbox.uid, self.sandbox.gid)

    def _folder(self) -> Path:
        """What the child sees of the submission: the root, or a notebook's folder (its helper modules)."""
        return self.root.parent if self.root.is_file() and is_cell_file(self.root) else self.root

    def _mounts(self) -> list[Mount]:
        folder = self._folder()
        target = SANDBOX_ROOT if folder.is_dir() else f"{SANDBOX_ROOT}/{folder.name}"
        mounts = [Mount(child_library(), HARNESS_LIB), Mount(folder, target)]
        return mounts + [Mount(c.path, str(c.path), writable=c.writable) for c in self.shared]

    def _environment(self, workdir: str) -> dict[str, str]:
        """A clean environment: no API keys or tokens of the grader's reach the learner's code."""
        return child_environment(home=workdir, tmpdir="/tmp" if self.sandbox.isolated else workdir)

    def stop(self, *, wait: float = 0.0) -> int | None:
        """Stop the child (after ``wait`` seconds for it to end by itself); its exit status."""
        process, self._process = self._process, None
        if self.wire is not None:
            self.wire.close()
            self.wire = None
        if process is None:
            return None
        _RUNNING.discard(process.pid)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the child's whole session: what it started goes too
        except (ProcessLookupError, PermissionError):
            pass
        return process.wait()

    def why(self, status: int | None) -> str:
        """Why the child ended, from its exit status, in the learner's terms."""
        if status is None:
            return "it was stopped"
        if self.sandbox.isolated and status > 128:
            status = -(status - 128)
        if status >= 0:
            return f"exit status {status}"
        if -status == signal.SIGXCPU:
            return f"it used more than {self.limits.cpu_seconds} s of CPU time"
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"

    def output(self, limit: int = 4000) -> str:
        """The end of what the learner's code printed (for the instructor's log)."""
        try:
            data = (self.private / "output.log").read_bytes()
        except OSError:
            return ""
        text = data[-limit:].decode("utf-8", "replace")
        return (f"[... {len(data) - limit} bytes cut]\n" if len(data) > limit else "") + text

    def close(self) -> None:
        """Stop the child and remove its private folder."""
        self.stop()
        shutil.rmtree(self.private, ignore_errors=True)


def stop_all() -> None:
    """Kill every child this process started that still runs, with whatever it started (on SIGTERM)."""
    for pid in list(_RUNNING):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    _RUNNING.clear()


class GrantingWire(Wire):
    """A wire that calls ``grant()`` before each request."""

    def __init__(self, requests: int, answers: int, *, grant: Callable[[], None]) -> None:
        super().__init__(requests, answers)
        self._grant = grant

    def send(self, message: dict[str, Any]) -> None:
        self._grant()
        super().send(message)
