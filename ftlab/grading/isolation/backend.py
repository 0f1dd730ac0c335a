"""The isolating backend: learner code runs in a sandboxed child process, never in the grader's.

:class:`IsolatedBackend` is a :class:`ftlab.grading.seam.Backend`: the same grader suites run
through it as through the in-process one. It starts :mod:`ftlab.grading.isolation.harness` in a
sandbox (a :class:`~ftlab.grading.isolation.process.HarnessProcess`, see
:mod:`ftlab.grading.isolation.sandbox`), sends each call as a JSON line on a private pipe and
reads back a plain outcome, trusting nothing: an answer must be plain data (no handles), carry
the id of the request, and come within the call's time limit. A child that hangs is killed
("timed out after N s") and a fresh one starts for the next call; a child that ends itself
mid-call (``os._exit``) fails that call only. :class:`IsolationPlugin` makes a pytest run grade
through it, and tells ``ftlab.grading.mock_api`` to serve where the sandbox can reach it.
"""

from __future__ import annotations

import dataclasses
import secrets
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.exercises import Exercise
from ftlab.grading.isolation.forked import ForkingProcess
from ftlab.grading.isolation.hangs import HangBudget
from ftlab.grading.isolation.process import Channel, HarnessProcess, SandboxFailure
from ftlab.grading.isolation.sandbox import Limits, Sandbox
from ftlab.grading.isolation.template import Slot
from ftlab.grading.isolation.wire import Expired, Violation, checked_outcome
from ftlab.grading.mock_api import MOCK_ADDRESS, unix_socket
from ftlab.grading.outcomes import Outcome
from ftlab.grading.seam import once_per_exercise
from ftlab.grading.settings import BACKEND_FACTORY, call_timeout

GRACE = 2.0
MAX_STARTS = 100
MAX_FAILS = 3  # a function that ends the process this many times is not run again (hangs: hangs.py)
_TIMED_OUT = "timed out after {:g} s: is there an endless loop, or a wait that never ends?"


class IsolatedBackend:
    """Runs one implementation root's code in a child process, restarting it when it dies or hangs."""

    def __init__(
        self,
        root: Path,
        *,
        sandbox: Sandbox,
        timeout: float,
        shared: Sequence[Channel] = (),
        limits: Limits | None = None,
        slot: Slot | None = None,
    ) -> None:
        self.root = root.resolve()
        self.sandbox = sandbox
        self.timeout = timeout
        self.shared = list(shared)
        self.limits = limits or Limits()
        self.description = (
            f"{'sandboxed' if sandbox.protected else 'unsandboxed'} child process ({self.root.name})"
        )
        self.notes: list[str] = []
        self.failures: list[str] = []  # the child could not start: the grader's problem, not the learner's
        self.starts = 0
        if slot is None:
            self._child = HarnessProcess(
                self.root, sandbox=sandbox, timeout=timeout, shared=self.shared, limits=self.limits
            )
        else:
            self._child = ForkingProcess(
                self.root, slot=slot, sandbox=sandbox, timeout=timeout, shared=self.shared, limits=self.limits
            )
        self._loaded: set[str] = set()
        self._unloadable: dict[str, Outcome] = {}
        self._said: set[str] = set()  # exercises whose load error a check has reported
        self.hangs = HangBudget(timeout)
        self._exits: dict[tuple[str, str], int] = {}
        self._sent = False  # whether this call's request went out (a violation after it is the call's)
        self._limit = self._load_limit = self._called = 0.0  # this call's limits and when it began

    # -- the Backend protocol -----------------------------------------------------------------

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        return once_per_exercise(self._call(exercise, function, args, kwargs), exercise.slug, self._said)

    def _call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        refusal = self._refusal(exercise, function)
        if refusal is not None:
            return refusal
        if not self._child.running:
            self._start()
        ident = secrets.token_hex(16)  # unguessable: a forged answer cannot name the request it answers
        self._sent = False
        self._limit = limit = self.hangs.limit()
        started = time.monotonic()
        call = {"args": args, "kwargs": kwargs, "timeout": limit}
        try:
            return self._exchange(exercise, function, ident, call)
        except Expired:
            self._child.stop()
            if exercise.slug not in self._loaded:
                self.hangs.import_hung(time.monotonic() - started)
                return self._cache_unloadable(
                    exercise,
                    f"importing it did not finish within {self._load_limit:g} s "
                    "(an endless loop at the top level?)",
                )
            self.hangs.hung(exercise.slug, function, time.monotonic() - self._called)
            return Outcome("timeout", message=_TIMED_OUT.format(limit) + self.hangs.note(limit))
        except Violation as violation:
            self._child.stop()  # a fresh child answers the next call
            outcome = Outcome("protocol", message=str(violation))
            if self._sent and exercise.slug not in self._loaded:  # at import: it would do it every time
                self._unloadable[exercise.slug] = outcome
            return outcome

    def close(self) -> None:
        """Stop the child and remove its private folder."""
        self._child.close()

    def output(self, limit: int = 4000) -> str:
        """The end of what the learner's code printed (for the instructor's log)."""
        return self._child.output(limit)

    # -- one call -------------------------------------------------------------------------------

    def _refusal(self, exercise: Exercise, function: str) -> Outcome | None:
        """A call's outcome when it is not made: a file that cannot load, a function that failed too often."""
        if exercise.slug in self._unloadable:
            return self._unloadable[exercise.slug]
        key = (exercise.slug, function)
        refused = self.hangs.refusal(exercise.slug, function)
        if refused is not None:
            return Outcome("timeout", message=refused)
        if self._exits.get(key, 0) >= MAX_FAILS:
            return _process_ended(
                f"{function}() ended the Python process running your code {MAX_FAILS} times; "
                "it is not run again"
            )
        if not self._child.running and self.starts >= MAX_STARTS:
            return _process_ended(
                f"the process running your code ended {MAX_STARTS} times; the grader stopped restarting it"
            )
        return None

    def _start(self) -> None:
        self.starts += 1
        self._loaded.clear()
        try:
            self._child.start()
        except SandboxFailure as failure:
            self.failures.append(str(failure))
            raise

    def _exchange(self, exercise: Exercise, function: str, ident: str, call: dict[str, Any]) -> Outcome:
        """Send one request and read answers until its outcome; :class:`Expired` or :class:`Violation`."""
        wire = self._child.wire
        assert wire is not None
        if wire.pending():
            raise Violation("a message before the grader asked for anything")
        wire.send({"id": ident, "exercise": exercise.slug, "function": function, **call})
        self._sent = True
        loaded = exercise.slug in self._loaded
        self._load_limit = self.hangs.load_limit()
        self._called = time.monotonic()
        deadline = self._deadline(self._limit + GRACE if loaded else self._load_limit)
        while True:
            message = wire.receive(deadline)
            if message is None:
                return self._ended(exercise, function, exercise.slug in self._loaded)
            if message.get("id") != ident:
                raise Violation("a message that answers no request the grader made")
            if message.get("event") == "loaded" and set(message) <= {"id", "event", "notes"}:
                if exercise.slug in self._loaded:
                    raise Violation("a second message saying your file was loaded")
                self._loaded.add(exercise.slug)
                notes = message.get("notes", [])
                self.notes.extend(str(n) for n in (notes if isinstance(notes, list) else []))
                self._called = time.monotonic()
                deadline = self._deadline(self._limit + GRACE)
            elif set(message) == {"id", "outcome"}:
                return self._finished(exercise, function, checked_outcome(message["outcome"]))
            else:
                raise Violation("a message of no known kind")

    def _finished(self, exercise: Exercise, function: str, outcome: Outcome) -> Outcome:
        wire = self._child.wire
        assert wire is not None
        if wire.pending():
            raise Violation("a second answer to one request")
        if outcome.kind == "unloadable":
            self._unloadable[exercise.slug] = outcome
        elif exercise.slug not in self._loaded:
            raise Violation("an answer before your file was loaded")
        if outcome.kind == "timeout":
            self.hangs.hung(exercise.slug, function, time.monotonic() - self._called)
            note = self.hangs.note(self._limit)
            if note:
                outcome = dataclasses.replace(outcome, message=outcome.message + note)
        return outcome

    def _ended(self, exercise: Exercise, function: str, loaded: bool) -> Outcome:
        status = self._child.stop(wait=2.0)
        why = self._child.why(status)
        if not loaded:
            return self._cache_unloadable(
                exercise,
                f"it ended the Python process while being imported ({why}); "
                "don't exit at the top level of your file",
            )
        key = (exercise.slug, function)
        self._exits[key] = self._exits.get(key, 0) + 1
        return _process_ended(f"{function}() ended the Python process running your code ({why})")

    def _cache_unloadable(self, exercise: Exercise, reason: str) -> Outcome:
        outcome = Outcome("unloadable", message=reason)
        self._unloadable[exercise.slug] = outcome
        return outcome

    def _deadline(self, seconds: float) -> float | None:
        """``seconds`` from now; none at all when calls have no time limit (``--ftlab-timeout 0``)."""
        return time.monotonic() + seconds if self.timeout > 0 else None


def _process_ended(message: str) -> Outcome:
    return Outcome("ended", message=message)


class IsolationPlugin:
    """Makes a pytest run grade through :class:`IsolatedBackend`.

    ``pytest.main(args, plugins=[IsolationPlugin(...)])``.
    """

    def __init__(
        self,
        *,
        sandbox: Sandbox,
        limits: Limits | None = None,
        channels: Sequence[Channel] = (),
        slot: Slot | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.slot = slot  # a template to fork children from (bubblewrap, ``ftlab grade``'s batches)
        self.limits = limits or Limits()
        self.channels = list(channels)
        self.backends: list[IsolatedBackend] = []
        self.outputs: list[str] = []
        self._scratch: Path | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        inside = self.slot.scratch if self.slot is not None else None  # mounted in the template's sandbox
        self._scratch = Path(tempfile.mkdtemp(prefix="ftlab-scratch-", dir=inside)).resolve()
        config.option.basetemp = str(self._scratch / "pytest")  # every tmp_path lives in the shared folder
        config.stash[BACKEND_FACTORY] = self._backend
        # no network inside: the mock API listens in the shared folder
        config.stash[MOCK_ADDRESS] = unix_socket

    def _backend(self, config: pytest.Config, root: Path) -> IsolatedBackend:
        assert self._scratch is not None
        shared = [Channel(self._scratch), *self.channels]
        backend = IsolatedBackend(
            root,
            sandbox=self.sandbox,
            timeout=call_timeout(config),
            shared=shared,
            limits=self.limits,
            slot=self.slot if not self.backends else None,  # one submission per slot: the first root
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
