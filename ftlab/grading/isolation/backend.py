"""The isolating backend: learner code runs in a sandboxed child process, never in the grader's.

:class:`IsolatedBackend` is a :class:`ftlab.grading.seam.Backend`: the same grader suites run
through it as through the in-process one. It starts :mod:`ftlab.grading.isolation.harness` in a sandbox (see
:mod:`ftlab.grading.isolation.sandbox`), sends each call as a JSON line on a private pipe and reads back a plain
outcome, trusting nothing: an answer must be plain data (no handles), carry the id of the
request, and come within the call's time limit. A child that hangs is killed ("timed out after
N s") and a fresh one starts for the next call; a child that ends itself mid-call (``os._exit``)
fails that call only.

What the child can see (bubblewrap): the Python runtime, the ftlab package (mounted at
``/ftlab/lib``), the submission (read-only, at ``/submission``), and the run's temporary folder
at its own path, writable: every ``tmp_path`` a grader hands to the learner's code lives there,
and so does anything a grader sets up to be reached from inside, such as the mock API's Unix
socket (:class:`IsolationPlugin` tells ``ftlab.grading.mock_api`` to serve there). Other host paths can be
handed in as :class:`Channel`.
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
from typing import Any

import pytest

from ftlab.grading.exercises import Exercise
from ftlab.grading.isolation.sandbox import HARNESS_LIB, Limits, Mount, Sandbox, harness_package
from ftlab.grading.isolation.wire import Expired, Violation, Wire, checked_outcome
from ftlab.grading.mock_api import MOCK_ADDRESS, unix_socket
from ftlab.grading.seam import Outcome
from ftlab.grading.settings import BACKEND_FACTORY, call_timeout

GRACE = 2.0
STARTUP_TIMEOUT = 60.0
MIN_LOAD_TIMEOUT = 30.0
MAX_STARTS = 100
MAX_FAILS = 3  # a function that hangs or ends the process this many times is not run again
SANDBOX_ROOT = "/submission"
SANDBOX_WORKDIR = "/tmp/work"
_BOOT = "import sys; sys.path.insert(0, {lib!r}); from ftlab.grading.isolation.harness import main; main()"
_TIMED_OUT = "timed out after {:g} s: is there an endless loop, or a wait that never ends?"


class SandboxFailure(RuntimeError):
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


class IsolatedBackend:
    """Runs one implementation root's code in a child process, restarting it when it dies or hangs."""

    def __init__(
        self,
        root: Path,
        *,
        sandbox: Sandbox,
        timeout: float,
        shared: Sequence[Channel] = (),
        limits: Limits = Limits(),
    ) -> None:
        self.root = root.resolve()
        self.sandbox = sandbox
        self.timeout = timeout
        self.shared = list(shared)
        self.limits = limits
        self.description = (
            f"{'sandboxed' if sandbox.isolated else 'unsandboxed'} child process ({self.root.name})"
        )
        self.notes: list[str] = []
        self.failures: list[str] = []  # the child could not start: the grader's problem, not the learner's
        self.starts = 0
        self._private = Path(tempfile.mkdtemp(prefix="ftlab-child-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._wire: Wire | None = None
        self._next_id = 0
        self._loaded: set[str] = set()
        self._unloadable: dict[str, Outcome] = {}
        self._hangs: dict[tuple[str, str], int] = {}
        self._exits: dict[tuple[str, str], int] = {}

    # -- the Backend protocol -----------------------------------------------------------------

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        if exercise.slug in self._unloadable:
            return self._unloadable[exercise.slug]
        key = (exercise.slug, function)
        if self._hangs.get(key, 0) >= MAX_FAILS:
            return Outcome(
                "timeout",
                message=_TIMED_OUT.format(self.timeout)
                + f" ({function}() hung {MAX_FAILS} times; it is not run again)",
            )
        if self._exits.get(key, 0) >= MAX_FAILS:
            return Outcome(
                "raised",
                error_type="ProcessEnded",
                message=f"{function}() ended the Python process running your code {MAX_FAILS} times; it is not run again",
            )
        if self._process is None:
            if self.starts >= MAX_STARTS:
                return Outcome(
                    "raised",
                    error_type="ProcessEnded",
                    message=f"the process running your code ended {MAX_STARTS} times; the grader stopped restarting it",
                )
            try:
                self._start()
            except SandboxFailure as failure:
                self.failures.append(str(failure))
                raise
        ident, self._next_id = self._next_id, self._next_id + 1
        loaded = exercise.slug in self._loaded
        wire = self._wire
        assert wire is not None
        try:
            wire.send(
                {"id": ident, "exercise": exercise.slug, "function": function, "args": args, "kwargs": kwargs}
            )
            deadline = self._deadline(
                self.timeout + GRACE if loaded else max(MIN_LOAD_TIMEOUT, 3 * self.timeout)
            )
            while True:
                message = wire.receive(deadline)
                if message is None:
                    return self._ended(exercise, function, loaded)
                if message.get("id") != ident:
                    raise Violation(f"an answer to request {message.get('id')!r} while waiting for {ident}")
                if message.get("event") == "loaded" and not loaded:
                    loaded = True
                    self._loaded.add(exercise.slug)
                    self.notes.extend(str(n) for n in message.get("notes", []))
                    deadline = self._deadline(self.timeout + GRACE)
                elif "outcome" in message:
                    outcome = checked_outcome(message["outcome"])
                    if outcome.kind == "unloadable":
                        self._unloadable[exercise.slug] = outcome
                    if outcome.kind == "timeout":
                        self._hung(exercise, function)
                    return outcome
                else:
                    raise Violation(f"an unexpected message {sorted(message)}")
        except Expired:
            self._stop()
            if not loaded:
                return self._cache_unloadable(
                    exercise,
                    f"importing it did not finish within {max(MIN_LOAD_TIMEOUT, 3 * self.timeout):g} s (an endless loop at the top level?)",
                )
            self._hung(exercise, function)
            return Outcome("timeout", message=_TIMED_OUT.format(self.timeout))
        except Violation as violation:
            self._stop()
            return Outcome(
                "raised",
                error_type="ProtocolViolation",
                message=f"the process running your code wrote on the grader's private channel: {violation}",
            )

    def close(self) -> None:
        """Stop the child and remove its private folder."""
        self._stop()
        shutil.rmtree(self._private, ignore_errors=True)

    def output(self, limit: int = 4000) -> str:
        """The end of what the learner's code printed (for the instructor's log)."""
        try:
            data = (self._private / "output.log").read_bytes()
        except OSError:
            return ""
        text = data[-limit:].decode("utf-8", "replace")
        return (f"[... {len(data) - limit} bytes cut]\n" if len(data) > limit else "") + text

    # -- the child ----------------------------------------------------------------------------

    def _start(self) -> None:
        self.starts += 1
        self._loaded.clear()
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
        argv = [sys.executable, "-I", "-B", "-X", "utf8", "-c", _BOOT.format(lib=lib), json.dumps(config)]
        command = self.sandbox.command(argv, mounts=self._mounts(), workdir=workdir)
        with open(self._private / "output.log", "ab") as output:
            try:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                    pass_fds=(request_read, answer_write),
                    env=self._environment(workdir),
                    cwd=None if self.sandbox.isolated else workdir,
                    start_new_session=True,
                )
            except OSError as error:
                raise SandboxFailure(str(error)) from None
            finally:
                os.close(request_read)
                os.close(answer_write)
        self._wire = wire = Wire(request_write, answer_read)
        try:
            ready = wire.receive(self._deadline(STARTUP_TIMEOUT, always=True))
        except (Expired, Violation):
            ready = None
        if ready != {"event": "ready"}:
            self._stop()
            tail = self.output(800).strip().splitlines()
            raise SandboxFailure(tail[-1] if tail else "it ended before saying it was ready")

    def _layout(self) -> tuple[str, str, str]:
        """Where the harness, the submission and the working folder are, as the child sees them."""
        if self.sandbox.isolated:
            root = SANDBOX_ROOT if self.root.is_dir() else f"{SANDBOX_ROOT}/{self.root.name}"
            return HARNESS_LIB, root, SANDBOX_WORKDIR
        lib = self._private / "lib"
        if not lib.exists():
            lib.mkdir()
            (lib / "ftlab").symlink_to(harness_package(), target_is_directory=True)
        workdir = self._private / "work"
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

    def _stop(self, *, wait: float = 0.0) -> int | None:
        """Stop the child (after ``wait`` seconds for it to end by itself); its exit status."""
        process, self._process = self._process, None
        if self._wire is not None:
            self._wire.close()
            self._wire = None
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

    def _ended(self, exercise: Exercise, function: str, loaded: bool) -> Outcome:
        why = self._why(self._stop(wait=2.0))
        if not loaded:
            return self._cache_unloadable(
                exercise,
                f"it ended the Python process while being imported ({why}); don't exit at the top level of your file",
            )
        key = (exercise.slug, function)
        self._exits[key] = self._exits.get(key, 0) + 1
        return Outcome(
            "raised",
            error_type="ProcessEnded",
            message=f"{function}() ended the Python process running your code ({why}): return a value instead of exiting",
        )

    def _why(self, status: int | None) -> str:
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

    def _cache_unloadable(self, exercise: Exercise, reason: str) -> Outcome:
        outcome = Outcome("unloadable", message=reason)
        self._unloadable[exercise.slug] = outcome
        return outcome

    def _hung(self, exercise: Exercise, function: str) -> None:
        key = (exercise.slug, function)
        self._hangs[key] = self._hangs.get(key, 0) + 1

    def _deadline(self, seconds: float, *, always: bool = False) -> float | None:
        """``seconds`` from now; none at all when calls have no time limit (``--ftlab-timeout 0``)."""
        return time.monotonic() + seconds if always or self.timeout > 0 else None


class IsolationPlugin:
    """Makes a pytest run grade through :class:`IsolatedBackend`: ``pytest.main(args, plugins=[IsolationPlugin(...)])``."""

    def __init__(
        self, *, sandbox: Sandbox, limits: Limits = Limits(), channels: Sequence[Channel] = ()
    ) -> None:
        self.sandbox = sandbox
        self.limits = limits
        self.channels = list(channels)
        self.backends: list[IsolatedBackend] = []
        self.outputs: list[str] = []
        self._scratch: Path | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        self._scratch = Path(tempfile.mkdtemp(prefix="ftlab-scratch-")).resolve()
        config.option.basetemp = str(self._scratch / "pytest")  # every tmp_path lives in the shared folder
        config.stash[BACKEND_FACTORY] = self._backend
        config.stash[MOCK_ADDRESS] = (
            unix_socket  # no network inside: the mock API listens in the shared folder
        )

    def _backend(self, config: pytest.Config, root: Path) -> IsolatedBackend:
        assert self._scratch is not None
        shared = [Channel(self._scratch), *self.channels]
        backend = IsolatedBackend(
            root, sandbox=self.sandbox, timeout=call_timeout(config), shared=shared, limits=self.limits
        )
        self.backends.append(backend)
        return backend

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        for backend in self.backends:
            self.outputs.append(backend.output())
            backend.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    @property
    def notes(self) -> list[str]:
        """Notes the children reported (a notebook's failed cells), each once."""
        return list(dict.fromkeys(n for b in self.backends for n in b.notes))

    @property
    def failures(self) -> list[str]:
        """Why a child could not start, each once (when not empty, the run's scores mean nothing)."""
        return list(dict.fromkeys(f for b in self.backends for f in b.failures))
