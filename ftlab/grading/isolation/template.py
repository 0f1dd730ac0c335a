"""The grader's side of the template (:mod:`ftlab.grading.isolation.zygote`): start it, reset it.

One :class:`Template` per grading slot runs in bubblewrap with fixed mounts: the child library,
the slot's staging folder read-only at ``/submission`` and its scratch folder writable at its own
path. A grading worker gets the slot's :class:`Slot` (picklable: the control socket travels to the
worker as a descriptor), copies its submission into the staging folder and asks the template for
a child (:mod:`ftlab.grading.isolation.forked`). Between submissions the coordinator calls
:meth:`Template.reset`: every process in the sandbox is killed and ``/tmp``, staging and scratch
are emptied; a template that does not confirm is killed and started again. Everything the
template says is checked.
"""

from __future__ import annotations

import array
import json
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftlab.errors import FtlabError
from ftlab.grading.isolation import landlock
from ftlab.grading.isolation.library import child_library
from ftlab.grading.isolation.sandbox import HARNESS_LIB, Mount, Sandbox, child_environment

STAGING = "/submission"
WORKDIR = "/tmp/work"
START_TIMEOUT = 60.0  # the template's first answer comes once it is warm
ANSWER_TIMEOUT = 10.0
MIN_LANDLOCK = 6  # a forked child must be unable to signal (scope) and ptrace the template
_BOOT = (
    "import sys; sys.path[:0] = [{lib!r}]; "
    "from ftlab.grading.isolation.zygote import main; main({fd}, {keep!r})"
)


class TemplateFailure(FtlabError, RuntimeError):
    """The template did not answer as it should (the grader falls back to a fresh child)."""


@dataclass
class Slot:
    """What a worker needs to fork from a slot's template: its control socket and host folders."""

    control: socket.socket
    staging: Path
    scratch: Path
    staged: str = ""  # the submission a worker copied into staging (one per worker)


def started(sandbox: Sandbox, count: int) -> list[Template]:
    """``count`` started templates (at least one; they warm up while the first workers start), or none."""
    if not usable(sandbox):
        return []
    templates = [Template(sandbox) for _ in range(max(1, count))]
    for template in templates:
        template.start()
    return templates


def usable(sandbox: Sandbox) -> bool:
    """Whether templates can be used with this sandbox: bubblewrap, and Landlock that scopes signals."""
    return sandbox.isolated and landlock.abi() >= MIN_LANDLOCK


class Template:
    """A template process in bubblewrap and the folders of its slot (the coordinator's side)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.folder = Path(tempfile.mkdtemp(prefix="ftlab-slot-")).resolve()
        self.staging, self.scratch = self.folder / "staging", self.folder / "scratch"
        self.staging.mkdir()
        self.scratch.mkdir()
        self._process: subprocess.Popen[bytes] | None = None
        self.slot: Slot | None = None

    def start(self) -> Slot:
        """Start the template (not waiting for it to be warm: the first fork waits); its slot."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        mounts = [
            Mount(child_library(), HARNESS_LIB),
            Mount(self.staging, STAGING),
            Mount(self.scratch, str(self.scratch), writable=True),
        ]
        top = Path("/", *self.scratch.parts[1:3])  # its first two parts: /tmp/ftlab-slot-… on most hosts
        boot = _BOOT.format(lib=HARNESS_LIB, fd=theirs.fileno(), keep=[str(top)])
        argv = [sys.executable, "-I", "-B", "-X", "utf8", "-c", boot]
        command = self.sandbox.command(argv, mounts=mounts, workdir=WORKDIR)
        environment = child_environment(home=WORKDIR, tmpdir=WORKDIR)  # a child may write only there
        with open(self.folder / "template.log", "ab") as log:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, pass_fds=(theirs.fileno(),),
                env=environment, start_new_session=True,
            )  # fmt: skip
        theirs.close()
        self.slot = Slot(ours, self.staging, self.scratch)
        return self.slot

    def reset(self) -> bool:
        """Between submissions: nothing left running in the sandbox, every folder empty; False if broken."""
        empty(self.staging)
        empty(self.scratch)
        if self.slot is None:
            return False
        try:
            send(self.slot.control, {"op": "reset"})
            deadline = time.monotonic() + START_TIMEOUT
            while receive(self.slot.control, deadline).get("event") != "clean":
                pass  # an "ended" or "forked" a worker did not read
        except TemplateFailure:
            self.stop()
            return False
        empty(self.scratch)  # a child may have written here until it was killed
        self.slot.staged = ""
        return True

    def recycled(self) -> Template:
        """Reset for the next submission; a template that does not confirm it is clean is replaced."""
        if not self.reset():
            self.start()
        return self

    def stop(self) -> None:
        """Kill the template and everything in its sandbox."""
        process, self._process = self._process, None
        if self.slot is not None:
            self.slot.control.close()
            self.slot = None
        if process is not None:
            for pid in [*_children(process.pid), process.pid]:  # the namespace's init first: all goes with it
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            process.wait()

    def close(self) -> None:
        self.stop()
        empty(self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (bwrap's: the sandbox's init, which may not yet know its parent died)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def send(control: socket.socket, message: dict[str, Any], fds: tuple[int, ...] = ()) -> None:
    data = json.dumps(message).encode()
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    try:
        control.sendmsg([data], ancillary)
    except OSError as error:
        raise TemplateFailure(f"the template cannot be reached: {error}") from None


def receive(control: socket.socket, deadline: float) -> dict[str, Any]:
    """The template's next message (a JSON object), :class:`TemplateFailure` if none comes in time."""
    ready, _, _ = select.select([control], [], [], max(0.0, deadline - time.monotonic()))
    if not ready:
        raise TemplateFailure("no answer from the template in time")
    try:
        data = control.recv(65536)
        message = json.loads(data) if data else None
    except (OSError, ValueError) as error:
        raise TemplateFailure(f"the template sent something unreadable: {error}") from None
    if not isinstance(message, dict):
        raise TemplateFailure("the template has ended" if data == b"" else "the template sent a non-object")
    return message


def empty(folder: Path) -> None:
    """Remove everything inside ``folder`` (whatever its modes), keeping the folder itself."""
    if not folder.is_dir():
        return
    for root, dirs, _ in os.walk(folder):
        for name in dirs:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, stat.S_IRWXU)
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
