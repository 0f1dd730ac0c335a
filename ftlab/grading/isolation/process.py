"""The harness process: one child running learner code, started in the sandbox, spoken to over a wire.

What the child can see (bubblewrap): the Python runtime, the ftlab package (mounted at
``/ftlab/lib``), the submission (read-only, at ``/submission``), and the run's temporary folder
at its own path, writable: every ``tmp_path`` a grader hands to the learner's code lives there,
and so does anything a grader sets up to be reached from inside, such as the mock API's Unix
socket. Other host paths can be handed in as :class:`Channel`. Its environment is clean: no API
key or token of the grader's reaches it. What it prints goes to a private log, never to the wire.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ftlab.errors import FtlabError
from ftlab.grading.isolation.sandbox import HARNESS_LIB, Limits, Mount, Sandbox, harness_package
from ftlab.grading.isolation.wire import Expired, Violation, Wire

STARTUP_TIMEOUT = 60.0
SANDBOX_ROOT = "/submission"
SANDBOX_WORKDIR = "/tmp/work"
#: The child's whole program; its configuration is written into it, so it reads no command line.
_BOOT = (
    "import sys; sys.path.insert(0, {lib!r}); "
    "from ftlab.grading.isolation.harness import main; main({config!r})"
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
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self) -> Wire:
        """Start the child and wait until it says it is ready; its wire (:class:`SandboxFailure` if not)."""
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        lib, root, workdir = self._layout()
        config = {
            "root": root,
            "timeout": self.timeout,
            "in_fd": request_read,
            "out_fd": answer_write,
            "limits": self.limits.to_dict(),
            "sandboxed": self.sandbox.isolated,
            "parent": 0 if self.sandbox.isolated else os.getpid(),
        }
        boot = _BOOT.format(lib=lib, config=json.dumps(config))
        argv = [sys.executable, "-I", "-B", "-X", "utf8", "-c", boot]
        command = self.sandbox.command(argv, mounts=self._mounts(), workdir=workdir)
        try:
            self._process = self._spawn(command, workdir, pass_fds=(request_read, answer_write))
        finally:
            os.close(request_read)
            os.close(answer_write)
        self.wire = wire = Wire(request_write, answer_read)
        try:
            ready = wire.receive(time.monotonic() + STARTUP_TIMEOUT)
        except (Expired, Violation):
            ready = None
        if ready != {"event": "ready"}:
            self.stop()
            tail = self.output(800).strip().splitlines()
            raise SandboxFailure(tail[-1] if tail else "it ended before saying it was ready")
        return wire

    def _spawn(
        self, command: list[str], workdir: str, *, pass_fds: tuple[int, int]
    ) -> subprocess.Popen[bytes]:
        with open(self.private / "output.log", "ab") as output:
            try:
                return subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                    pass_fds=pass_fds,
                    env=self._environment(workdir),
                    cwd=None if self.sandbox.isolated else workdir,
                    start_new_session=True,
                )
            except OSError as error:
                raise SandboxFailure(str(error)) from None

    def _layout(self) -> tuple[str, str, str]:
        """Where the harness, the submission and the working folder are, as the child sees them."""
        if self.sandbox.isolated:
            root = SANDBOX_ROOT if self.root.is_dir() else f"{SANDBOX_ROOT}/{self.root.name}"
            return HARNESS_LIB, root, SANDBOX_WORKDIR
        lib = self.private / "lib"
        if not lib.exists():
            lib.mkdir()
            (lib / "ftlab").symlink_to(harness_package(), target_is_directory=True)
        workdir = self.private / "work"
        workdir.mkdir(exist_ok=True)
        return str(lib), str(self.root), str(workdir)

    def _mounts(self) -> list[Mount]:
        target = SANDBOX_ROOT if self.root.is_dir() else f"{SANDBOX_ROOT}/{self.root.name}"
        mounts = [Mount(harness_package(), f"{HARNESS_LIB}/ftlab"), Mount(self.root, target)]
        return mounts + [Mount(c.path, str(c.path), writable=c.writable) for c in self.shared]

    def _environment(self, workdir: str) -> dict[str, str]:
        """A clean environment: no API keys or tokens of the grader's reach the learner's code."""
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": workdir,
            "TMPDIR": "/tmp" if self.sandbox.isolated else workdir,
        }

    def stop(self, *, wait: float = 0.0) -> int | None:
        """Stop the child (after ``wait`` seconds for it to end by itself); its exit status."""
        process, self._process = self._process, None
        if self.wire is not None:
            self.wire.close()
            self.wire = None
        if process is None:
            return None
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
