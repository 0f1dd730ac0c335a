"""The isolating backend: learner code runs in a sandboxed child process, never in the grader's.

:class:`IsolatedBackend` is a :class:`ftlab.grading.seam.Backend`: the same grader suites run
through it as through the in-process one. It starts :mod:`ftlab.grading.isolation.harness` in a
sandbox (a :class:`~ftlab.grading.isolation.process.HarnessProcess`, see
:mod:`ftlab.grading.isolation.sandbox`), sends each call as a JSON line on a private pipe and
reads back a plain outcome, trusting nothing: an answer must be plain data (no handles), carry
the id of the request, and come within the call's time limit. A child that hangs is killed
("timed out after N s") and a fresh one starts for the next call; a child that ends itself
mid-call (``os._exit``) fails that call only. Calls can go in batches (:meth:`~IsolatedBackend.call_many`).
:class:`ftlab.grading.isolation.session.IsolationPlugin` makes a pytest run grade through it.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ftlab.grading.exercises import Exercise
from ftlab.grading.isolation.forked import child_process
from ftlab.grading.isolation.hangs import HangBudget
from ftlab.grading.isolation.process import Channel, SandboxFailure
from ftlab.grading.isolation.sandbox import Limits, Sandbox
from ftlab.grading.isolation.strikes import Strikes, process_ended
from ftlab.grading.isolation.template import Slot
from ftlab.grading.isolation.wire import Batch, Expired, Violation, checked_outcome, drain
from ftlab.grading.outcomes import Outcome
from ftlab.grading.seam import once_per_exercise

GRACE = 2.0
MAX_STARTS = 100
MAX_BATCH = 64  # calls in one request of :meth:`IsolatedBackend.call_many`
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
        self._child = child_process(
            self.root, slot=slot, sandbox=sandbox, timeout=timeout, shared=self.shared, limits=self.limits
        )
        self._loaded: set[str] = set()
        self._unloadable: dict[str, Outcome] = {}
        self._said: set[str] = set()  # exercises whose load error a check has reported
        self.hangs = HangBudget(timeout)
        self.strikes = Strikes()  # functions that ended the process or returned too much too often
        self._sent = False  # whether this call's request went out (a violation after it is the call's)
        self._batch: Batch | None = None  # a batch whose answers are not all read yet
        self._limit = self._load_limit = self._called = self._started = 0.0  # this call's limits, times

    def call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        return once_per_exercise(self._call(exercise, function, args, kwargs), exercise.slug, self._said)

    def call_many(
        self, exercise: Exercise, function: str, calls: Sequence[tuple[list[Any], dict[str, Any]]]
    ) -> Iterator[Outcome]:
        """One outcome per call, as :meth:`call` gives them, from requests of up to :data:`MAX_BATCH` calls.

        The child stops a request at its first outcome that is no value (the rest go in the next,
        if asked for). Answers are read (and counted: hangs, exits) when asked for; a caller that
        stops at a value has the rest thrown away, a hang among them counted in the budget only.
        """
        done = 0
        while done < len(calls):
            for outcome in self._batched(exercise, function, calls[done : done + MAX_BATCH]):
                done += 1
                yield once_per_exercise(outcome, exercise.slug, self._said)

    def _call(self, exercise: Exercise, function: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        refusal = self._ready(exercise, function)
        if refusal is not None:
            return refusal
        ident = secrets.token_hex(16)  # unguessable: a forged answer cannot name the request it answers
        self._begin()
        call = {"args": args, "kwargs": kwargs, "timeout": self._limit}
        return self._guarded(exercise, function, lambda: self._exchange(exercise, function, ident, call))

    def _batched(
        self, exercise: Exercise, function: str, calls: Sequence[tuple[list[Any], dict[str, Any]]]
    ) -> Iterator[Outcome]:
        """The outcomes of one request of several calls; fewer when the child stopped (or was stopped)."""
        if len(calls) == 1:
            return (yield self._call(exercise, function, *calls[0]))
        refusal = self._ready(exercise, function)
        if refusal is not None:
            return (yield refusal)
        batch = Batch(secrets.token_hex(16), len(calls))
        self._begin()
        request = {"calls": [{"args": a, "kwargs": k} for a, k in calls], "timeout": self._limit}
        yield self._guarded(
            exercise, function, lambda: self._exchange(exercise, function, batch.ident, request, batch)
        )
        while self._batch is batch:
            yield self._guarded(exercise, function, lambda: self._next_answer(exercise, function, batch))

    def _ready(self, exercise: Exercise, function: str) -> Outcome | None:  # None: the child is ready
        self._drain()
        refusal = self._refusal(exercise, function)
        if refusal is None and not self._child.running:
            self._start()
        return refusal

    def _begin(self) -> None:  # a request's limits and times
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
        refused = self.hangs.refusal(exercise.slug, function)
        if refused is not None:
            return Outcome("timeout", message=refused)
        struck = self.strikes.refusal(exercise.slug, function)
        if struck is not None:
            return struck
        if not self._child.running and self.starts >= MAX_STARTS:
            return process_ended(
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

    def _exchange(
        self, exercise: Exercise, function: str, ident: str, call: dict[str, Any], batch: Batch | None = None
    ) -> Outcome:
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
            elif batch is not None:  # the first answer of a batch
                outcome = batch.answer(message)
                self._batch = None if batch.over(outcome) else batch
                return self._finished(exercise, function, outcome, last=self._batch is None)
            elif set(message) == {"id", "outcome"}:
                return self._finished(exercise, function, checked_outcome(message["outcome"]))
            else:
                raise Violation("a message of no known kind")

    def _next_answer(self, exercise: Exercise, function: str, batch: Batch) -> Outcome:
        """The answer to a batch's next call (the child may have sent it long ago)."""
        wire = self._child.wire
        assert wire is not None
        self._called = time.monotonic()
        message = wire.receive(self._deadline(self._limit + GRACE))
        if message is None:
            self._batch = None
            return self._ended(exercise, function, True)
        outcome = batch.answer(message)
        if batch.over(outcome):
            self._batch = None
        return self._finished(exercise, function, outcome, last=self._batch is None)

    def _drain(self) -> None:
        """Throw away the answers of a batch nobody asks for (a check stopped); a hang there costs budget."""
        batch, self._batch = self._batch, None
        wire = self._child.wire
        if batch is None or wire is None:
            return
        started = time.monotonic()
        stop, hung = drain(wire, batch, self._deadline(self._limit + GRACE))
        if hung:
            self.hangs.waited(max(time.monotonic() - started, self._limit))
        if stop:
            self._child.stop()  # it hung, ended or broke the rules: a fresh child answers the next call

    def _finished(self, exercise: Exercise, function: str, outcome: Outcome, *, last: bool = True) -> Outcome:
        wire = self._child.wire
        assert wire is not None
        if last and wire.pending():
            raise Violation("a second answer to one request")
        if outcome.kind == "unloadable":
            self._unloadable[exercise.slug] = outcome
        elif exercise.slug not in self._loaded:
            raise Violation("an answer before your file was loaded")
        self.strikes.answered(exercise.slug, function, outcome)
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
        self.strikes.exited(exercise.slug, function)
        return process_ended(f"{function}() ended the Python process running your code ({why})")

    def _cache_unloadable(self, exercise: Exercise, reason: str) -> Outcome:
        outcome = Outcome("unloadable", message=reason)
        self._unloadable[exercise.slug] = outcome
        return outcome

    def _deadline(self, seconds: float) -> float | None:
        """``seconds`` from now; none at all when calls have no time limit (``--ftlab-timeout 0``)."""
        return time.monotonic() + seconds if self.timeout > 0 else None
