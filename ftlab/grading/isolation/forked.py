"""A harness child forked from a slot's warmed template instead of started fresh (``ftlab grade``'s batches).

:class:`ForkingProcess` is a :class:`~ftlab.grading.isolation.process.HarnessProcess` that copies
its submission into the slot's staging folder and asks the template
(:mod:`ftlab.grading.isolation.zygote`) for a child, which confines itself with Landlock before it
says it is ready (writes only in ``/tmp/work`` and the scratch folder; no signal or ptrace
reaching the template). Anything wrong with the template (no answer, a forged one, a child that
never says it is ready) gives the template up for this submission: a fresh child as before, with
the same outcome. A hang ends the forked child through the template; the next call gets a new fork.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from ftlab.grading.isolation.library import child_modules
from ftlab.grading.isolation.process import GrantingWire, HarnessProcess, SandboxFailure
from ftlab.grading.isolation.template import (
    ANSWER_TIMEOUT,
    STAGING,
    START_TIMEOUT,
    WORKDIR,
    Slot,
    TemplateFailure,
    receive,
    send,
)
from ftlab.grading.isolation.wire import Wire
from ftlab.values import is_strict_int


class ForkingProcess(HarnessProcess):
    """A harness process whose children come from ``slot``'s template while it behaves."""

    def __init__(self, root: Path, *, slot: Slot, **kwargs: Any) -> None:
        super().__init__(root, **kwargs)
        self.slot: Slot | None = slot
        self.fallbacks: list[str] = []  # why the template was given up (fresh children since)
        self._forked: ForkedChild | None = None

    @property
    def running(self) -> bool:
        return self._forked is not None or super().running

    def start(self) -> Wire:
        if self.slot is not None:
            try:
                return self._fork(self.slot)
            except TemplateFailure as failure:
                self._give_up(failure)
        return super().start()

    def stop(self, *, wait: float = 0.0) -> int | None:
        forked, self._forked = self._forked, None
        if forked is None:
            return super().stop(wait=wait)
        if self.wire is not None:
            self.wire.close()
            self.wire = None
        try:
            return forked.stop(wait)
        except TemplateFailure as failure:
            self._give_up(failure)
            return None

    def _fork(self, slot: Slot) -> Wire:
        """A child forked from the template, confined by Landlock; :class:`TemplateFailure` if not."""
        if not all(_under(c.path, slot.scratch) for c in self.shared):
            raise TemplateFailure("a shared folder outside the slot's scratch folder")
        _stage(slot, self._folder())
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        child = ForkedChild(slot)
        try:
            with open(self.private / "output.log", "ab") as log:
                child.fork(self._config(slot), (request_read, answer_write, log.fileno()))
        except TemplateFailure:
            os.close(request_write)
            os.close(answer_read)
            raise
        finally:
            os.close(request_read)
            os.close(answer_write)
        self._forked = child
        self.wire = GrantingWire(request_write, answer_read, grant=self._grant)
        try:
            return self._ready(True)
        except SandboxFailure as failure:
            raise TemplateFailure(str(failure)) from None

    def _config(self, slot: Slot) -> dict[str, Any]:
        return {
            "root": STAGING if self.root.is_dir() else f"{STAGING}/{self.root.name}",
            "timeout": self.timeout,
            "limits": self.limits.to_dict(),
            "sandboxed": True,
            "landlock": {"read": ["/"], "write": [WORKDIR, str(slot.scratch), "/dev/null"], "listed": []},
            "modules": child_modules(),
        }

    def _give_up(self, failure: TemplateFailure) -> None:
        """Stop using the template for this submission: fresh children from now on."""
        self.fallbacks.append(str(failure))
        forked, self._forked, self.slot = self._forked, None, None
        if self.wire is not None:
            self.wire.close()
            self.wire = None
        if forked is not None:
            try:
                forked.stop()
            except TemplateFailure:
                pass


def child_process(root: Path, *, slot: Slot | None, **options: Any) -> HarnessProcess:
    """The process that runs ``root``'s code: forked from ``slot``'s template, or a fresh one without."""
    return HarnessProcess(root, **options) if slot is None else ForkingProcess(root, slot=slot, **options)


def _stage(slot: Slot, folder: Path) -> None:
    """Copy what the child sees of the submission into the slot's staging folder (once per worker)."""
    if slot.staged == str(folder):
        return
    if slot.staged or any(slot.staging.iterdir()):
        raise TemplateFailure("the slot's staging folder holds another submission")
    slot.staged = str(folder)
    if folder.is_dir():
        shutil.copytree(folder, slot.staging, dirs_exist_ok=True, symlinks=True)
    else:
        shutil.copyfile(folder, slot.staging / folder.name)


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class ForkedChild:
    """A harness child forked by a template, as the worker sees it: started, asked to end, its status."""

    def __init__(self, slot: Slot) -> None:
        self.slot = slot
        self.pid = 0
        self.status: int | None = None

    def fork(self, config: dict[str, Any], fds: tuple[int, int, int]) -> None:
        """Ask for a child serving ``config`` on ``fds`` (in, out, log) (:class:`TemplateFailure`)."""
        send(self.slot.control, {"op": "fork", "config": config}, fds)
        answer = receive(self.slot.control, time.monotonic() + START_TIMEOUT)
        pid = answer.get("pid")
        if answer.get("event") != "forked" or not is_strict_int(pid) or pid < 2:
            raise TemplateFailure(f"the template answered {str(answer)[:100]} to a fork")
        self.pid, self.status = pid, None

    def stop(self, wait: float = 0.0) -> int | None:
        """End the child (after ``wait`` seconds for it to end by itself); its status as a shell says it."""
        if not self.pid:
            return self.status
        ended = self._ended(time.monotonic() + wait) if wait > 0 else None
        if ended is None:
            send(self.slot.control, {"op": "kill"})
            ended = self._ended(time.monotonic() + ANSWER_TIMEOUT)
        if ended is None:
            raise TemplateFailure("the template did not say its child ended")
        self.pid, self.status = 0, ended
        return ended

    def _ended(self, deadline: float) -> int | None:
        try:
            answer = receive(self.slot.control, deadline)
        except TemplateFailure as failure:
            if "no answer" in str(failure):
                return None
            raise
        status = answer.get("status")
        if answer.get("event") != "ended" or answer.get("pid") != self.pid or not is_strict_int(status):
            raise TemplateFailure(f"the template answered {str(answer)[:100]} instead of its child's end")
        return max(0, min(status, 255))
