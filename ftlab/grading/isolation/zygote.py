"""The template ("zygote"): a warmed harness in the sandbox that forks a fresh child per submission.

Started once per grading slot inside bubblewrap (by :mod:`ftlab.grading.isolation.template`), it
imports the harness, warms everything (it forks children for any submission), and never runs
learner code. It speaks JSON datagrams on a Unix ``SOCK_SEQPACKET`` socket (its only file
besides stdio):

- ``{"op": "fork", "config": {...}}`` with three descriptors (requests, answers, log): fork a
  child that applies its limits and Landlock (no writes outside ``/tmp/work`` and the scratch folder,
  no signal or ptrace reaching the template) and serves that config (``harness.serve``);
  answers ``{"event": "forked", "pid"}``;
- ``{"op": "kill"}``: end the child; ``{"op": "reset"}``: end everything, answer ``{"event": "clean"}``.

Whenever its child ends (or is ended), it kills every other process in its PID namespace
(``kill(-1)``), reaps them, empties ``/tmp`` (but the way to the scratch mount), and says
``{"event": "ended", "pid", "status"}`` (``status`` as a shell reports it: 128 + signal), so
nothing a submission started outlives it.
It is not dumpable: a child cannot read or write its memory through ``/proc`` or ptrace.
"""

from __future__ import annotations

import array
import ctypes
import gc
import json
import os
import random
import selectors
import shutil
import signal
import socket
import sys
import traceback
from typing import Any

from ftlab.grading.isolation import harness
from ftlab.grading.warmup import warm

WORKDIR = "/tmp/work"
MAX_DATAGRAM = 1 << 20
_PR_SET_DUMPABLE, _PR_SET_CHILD_SUBREAPER = 4, 36


def main(control_fd: int, keep: list[str]) -> None:
    """Run the template on the inherited control socket ``control_fd`` until the grader closes it.

    ``keep``: folders in ``/tmp`` that lead to the scratch mount (never emptied here).
    """
    harness._die_with_parent(0)
    _prctl(_PR_SET_DUMPABLE, 0)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)  # what a child leaves behind is ours to reap
    warm()  # in one thread: the forkserver's imports and encodings use the other core meanwhile
    gc.freeze()  # what every child inherits is never collected: no child walks it again
    Template(socket.socket(fileno=control_fd), keep).run()


class Template:
    """Forks one child at a time and cleans up after it."""

    def __init__(self, control: socket.socket, keep: list[str]) -> None:
        self.control, self.keep = control, set(keep)
        self.child = 0
        self.pidfd = -1

    def run(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.control, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self.control and not self._request(selector):
                        self.finish(kill=True)
                        return
                    if key.fd == self.pidfd:
                        selector.unregister(self.pidfd)
                        self.finish(kill=False)

    def _request(self, selector: selectors.BaseSelector) -> bool:
        """Handle one datagram; False when the grader has gone."""
        fds = array.array("i")
        message, ancillary, _, _ = self.control.recvmsg(MAX_DATAGRAM, socket.CMSG_SPACE(16))
        if not message:
            return False
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
        request = json.loads(message)
        op = request.get("op")
        if op == "fork" and len(fds) == 3 and not self.child:
            self.fork(request["config"], list(fds))
            selector.register(self.pidfd, selectors.EVENT_READ)
        elif op in ("kill", "reset") and self.child:
            selector.unregister(self.pidfd)
            self.finish(kill=True)
        elif op == "reset":
            self.sweep()
        for fd in fds:
            os.close(fd)
        if op == "reset":
            self.send({"event": "clean"})
        return True

    def fork(self, config: dict[str, Any], fds: list[int]) -> None:
        pid = os.fork()
        if pid == 0:
            _child(config, fds)  # never returns
        self.child, self.pidfd = pid, os.pidfd_open(pid)
        self.send({"event": "forked", "pid": pid})

    def finish(self, *, kill: bool) -> None:
        """End the child (SIGKILL when ``kill``), then everything else; say how it ended."""
        pid, self.child = self.child, 0
        if not pid:
            return
        if kill:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(self.pidfd)
        self.pidfd = -1
        code = os.waitstatus_to_exitcode(status)
        self.sweep()
        self.send({"event": "ended", "pid": pid, "status": 128 - code if code < 0 else code})

    def sweep(self) -> None:
        """Kill every other process in this PID namespace, reap them, and empty ``/tmp``."""
        for _ in range(2):
            try:
                os.kill(-1, signal.SIGKILL)  # every process we may signal but ourselves and init
            except ProcessLookupError:
                pass
            while True:
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    break
        for entry in os.scandir("/tmp"):
            if entry.path in self.keep:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        os.makedirs(WORKDIR, exist_ok=True)

    def send(self, message: dict[str, Any]) -> None:
        self.control.send(json.dumps(message).encode())


def _child(config: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: only the given descriptors, fresh randomness, then serve the submission."""
    try:
        requests, answers, log = fds
        os.dup2(log, 1)
        os.dup2(log, 2)
        keep = {0, 1, 2, requests, answers}
        for name in os.listdir("/proc/self/fd"):
            if int(name) not in keep:
                try:
                    os.close(int(name))
                except OSError:
                    pass
        harness._die_with_parent(0)
        random.seed()
        os.chdir(WORKDIR)
        harness.serve({**config, "in_fd": requests, "out_fd": answers, "parent": 0})
        code = 0
    except BaseException:  # noqa: BLE001 - whatever ends the child, it must not return into the template
        traceback.print_exc()
        code = 70
    sys.stdout.flush()
    os._exit(code)


def _prctl(option: int, value: int) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
