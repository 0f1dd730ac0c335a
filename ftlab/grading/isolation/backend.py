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
from collections.abc import Iterator, Sequence
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
MAX_BATCH = (
    64  # calls in one request of :meth:`IsolatedBackend.call_many` (what a check that stops early wastes)
)
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
        self._batch: _Batch | None = None  # a batch whose answers are not all read yet
        self._limit = self._load_limit = self._called = self._started = (
            0.0  # this call's limits, when it began
        )

    # -- the Backend protocol -----------------------------------------------------------------

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        return once_per_exercise(self._call(exercise, function, args, kwargs), exercise.slug, self._said)

    def call_many(
        self, exercise: Exercise, function: str, calls: Sequence[tuple[list[Any], dict[str, Any]]]
    ) -> Iterator[Outcome]:
        """One outcome per call, as :meth:`call` would give them one by one, read as they are asked for.

        The calls go to the child in requests of up to :data:`MAX_BATCH`; the child answers each
        call in turn and stops a request at a call that timed out. An answer is read (and counted:
        hangs, exits) only when it is asked for, so a caller that stops early is graded as if the
        calls after it were never made; the child's answers it did not ask for are thrown away.
        """
        done = 0
        while done < len(calls):
            for outcome in self._batched(exercise, function, calls[done : done + MAX_BATCH]):
                done += 1
                yield once_per_exercise(outcome, exercise.slug, self._said)

    def _call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        self._drain()
        refusal = self._refusal(exercise, function)
        if refusal is not None:
            return refusal
        if not self._child.running:
            self._start()
        ident = secrets.token_hex(16)  # unguessable: a forged answer cannot name the request it answers
        self._begin()
        call = {"args": args, "kwargs": kwargs, "timeout": self._limit}
        return self._guarded(exercise, function, lambda: self._exchange(exercise, function, ident, call))

    def _batched(
        self, exercise: Exercise, function: str, calls: Sequence[tuple[list[Any], dict[str, Any]]]
    ) -> Iterator[Outcome]:
        """The outcomes of one request of several calls; fewer when the child stopped (or was stopped)."""
        if len(calls) == 1:
            yield self._call(exercise, function, *calls[0])
            return
        self._drain()
        refusal = self._refusal(exercise, function)
        if refusal is not None:
            yield refusal
            return
        if not self._child.running:
            self._start()
        batch = _Batch(secrets.token_hex(16), len(calls))
        self._begin()
        request = {"calls": [{"args": a, "kwargs": k} for a, k in calls], "timeout": self._limit}
        first = self._guarded(
            exercise, function, lambda: self._exchange(exercise, function, batch.ident, request)
        )
        self._batch = batch if not batch.over(first) and self._child.running else None
        yield first
        while self._batch is batch:
            yield self._guarded(exercise, function, lambda: self._next_answer(exercise, function, batch))

    def _begin(self) -> None:
        self._sent = False
        self._limit = self.hangs.limit()
        self._started = time.monotonic()

    def _guarded(self, exercise: Exercise, function: str, exchange: Any) -> Outcome:
        """An exchange's outcome, or the grader's verdict when the child hung or broke the rules."""
        try:
            return exchange()
        except Expired:
            self._batch = None
            self._child.stop()
            if exercise.slug not in self._loaded:
                self.hangs.import_hung(time.monotonic() - self._started)
                return self._cache_unloadable(
                    exercise,
                    f"importing it did not finish within {self._load_limit:g} s "
                    "(an endless loop at the top level?)",
                )
            self.hangs.hung(exercise.slug, function, time.monotonic() - self._called)
            return Outcome("timeout", message=_TIMED_OUT.format(self._limit) + self.hangs.note(self._limit))
        except Violation as violation:
            self._batch = None
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
            elif set(message) == ({"id", "index", "outcome"} if "calls" in call else {"id", "outcome"}):
                if "calls" in call and message["index"] != 0:
                    raise Violation("an answer to a call out of turn")
                outcome = checked_outcome(message["outcome"])
                return self._finished(exercise, function, outcome, last=_Batch.last(call, outcome))
            else:
                raise Violation("a message of no known kind")

    def _next_answer(self, exercise: Exercise, function: str, batch: _Batch) -> Outcome:
        """The answer to a batch's next call (the child may have sent it long ago)."""
        wire = self._child.wire
        assert wire is not None
        self._called = time.monotonic()
        message = wire.receive(self._deadline(self._limit + GRACE))
        if message is None:
            self._batch = None
            return self._ended(exercise, function, True)
        if message.get("id") != batch.ident or set(message) != {"id", "index", "outcome"}:
            raise Violation("a message that answers no call the grader made")
        if message["index"] != batch.next:
            raise Violation("an answer to a call out of turn")
        outcome = checked_outcome(message["outcome"])
        if batch.over(outcome):
            self._batch = None
        return self._finished(exercise, function, outcome, last=self._batch is None)

    def _drain(self) -> None:
        """Throw away the answers of a batch nobody asked for any more (a check stopped early)."""
        batch, self._batch = self._batch, None
        wire = self._child.wire
        while batch is not None and wire is not None:
            try:
                message = wire.receive(self._deadline(self._limit + GRACE))
            except (Expired, Violation):
                message = None
            answer = (
                checked_or_none(message) if message is not None and message.get("id") == batch.ident else None
            )
            if answer is None:
                self._child.stop()  # it hung, ended or broke the rules: a fresh child answers the next call
                return
            if batch.over(answer):
                if wire.pending():
                    self._child.stop()  # more answers than calls
                return

    def _finished(self, exercise: Exercise, function: str, outcome: Outcome, *, last: bool = True) -> Outcome:
        wire = self._child.wire
        assert wire is not None
        if last and wire.pending():
            raise Violation("a second answer to one request")
        if outcome.kind == "unloadable":
            self._unloadable[exercise.slug] = outcome
        elif exercise.slug not in self._loaded:
            raise Violation("an answer before your file was loaded")
        if outcome.kind == "timeout":  # it ran for its limit at least (the answer may have waited since)
            self.hangs.hung(exercise.slug, function, max(time.monotonic() - self._called, self._limit))
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


class _Batch:
    """A request of several calls: its id, how many answers it may get, which one comes next."""

    def __init__(self, ident: str, size: int) -> None:
        self.ident, self.size, self.next = ident, size, 0

    def over(self, outcome: Outcome | None) -> bool:
        """Count an answer; whether it is the request's last (the child stops at one that timed out)."""
        self.next += 1
        return outcome is None or self.next >= self.size or _Batch.stops(outcome)

    @staticmethod
    def stops(outcome: Outcome) -> bool:
        return outcome.kind in ("timeout", "unloadable")

    @staticmethod
    def last(request: dict[str, Any], outcome: Outcome) -> bool:
        """Whether a request's first answer is its last."""
        return "calls" not in request or len(request["calls"]) == 1 or _Batch.stops(outcome)


def checked_or_none(message: dict[str, Any]) -> Outcome | None:
    """The outcome a batch's answer carries, or None when it is not one."""
    if set(message) != {"id", "index", "outcome"}:
        return None
    try:
        return checked_outcome(message["outcome"])
    except Violation:
        return None


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
