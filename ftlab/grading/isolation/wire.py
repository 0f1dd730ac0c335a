"""The wire between a grader and the child running learner code: JSON lines on two pipes, trusted for nothing.

A :class:`Wire` holds the grader's ends of the two pipes. Every answer is read with a deadline,
must be one JSON object per line (no NaN, at most 64 MB), and an outcome must be plain data:
:func:`checked_outcome` refuses handles, classes outside ftlab and malformed fields.
"""

from __future__ import annotations

import json
import os
import select
import time
from typing import Any

from ftlab.errors import FtlabError
from ftlab.grading.isolation.plain_data import LEARNER_API, NESTED, TOO_LARGE, crosses
from ftlab.grading.isolation.plain_data import MAX_DEPTH as PLAIN_DEPTH
from ftlab.grading.outcomes import Outcome

MAX_MESSAGE = 64 * 1024**2
MAX_DEPTH = 4 * PLAIN_DEPTH  # as JSON: a dataclass adds levels to what :func:`to_plain` counted
#: what a child may report; "protocol" and "ended" are the grader's verdicts, never the child's
_KINDS = {"value", "raised", "missing", "unloadable", "not_plain", "timeout"}


class Violation(FtlabError):
    """The child wrote something the protocol does not allow."""


class Expired(FtlabError):
    """No answer came before the deadline."""


class Wire:
    """The grader's ends of the request and answer pipes."""

    def __init__(self, requests: int, answers: int) -> None:
        self.requests, self.answers = requests, answers
        self._buffer = bytearray()
        self._scanned = 0  # bytes of the buffer known to hold no newline: each byte is looked at once
        self._ended = False

    def send(self, message: dict[str, Any]) -> None:
        """Send one request; a child that is gone is noticed when its answer is read."""
        view = memoryview(json.dumps(message, allow_nan=False).encode() + b"\n")
        try:
            while view:
                view = view[os.write(self.requests, view) :]
        except OSError:
            pass

    def pending(self) -> bool:
        """Whether the child wrote something nobody asked for yet (read without waiting)."""
        if self._buffer:
            return True
        if not self._ended and select.select([self.answers], [], [], 0)[0]:
            self._read()
        return bool(self._buffer)

    def receive(self, deadline: float | None) -> dict[str, Any] | None:
        """The next message, or None when the child closed its end (it ended).

        Raises :class:`Expired` at the deadline, :class:`Violation` for what the protocol forbids.
        """
        while (end := self._buffer.find(b"\n", self._scanned)) < 0:
            self._scanned = len(self._buffer)
            if self._scanned > MAX_MESSAGE:
                raise Violation(f"a message longer than {MAX_MESSAGE // 1024**2} MB")
            if self._ended:
                return None
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise Expired
            readable, _, _ = select.select([self.answers], [], [], wait)
            if not readable:
                raise Expired
            self._read()
        if end > MAX_MESSAGE:
            raise Violation(f"a message longer than {MAX_MESSAGE // 1024**2} MB")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        self._scanned = 0
        return _decoded(line)

    def _read(self) -> None:
        chunk = os.read(self.answers, 1 << 20)
        if chunk:
            self._buffer += chunk
        else:
            self._ended = True

    def close(self) -> None:
        for fd in (self.requests, self.answers):
            os.close(fd)


def _decoded(line: bytes) -> dict[str, Any]:
    try:
        message = json.loads(line, parse_constant=_no_constant)
    except (ValueError, RecursionError, MemoryError):
        raise Violation("a line that is not JSON") from None
    if not isinstance(message, dict):
        raise Violation("a message that is not a JSON object")
    return message


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def checked_outcome(data: Any) -> Outcome:
    """An outcome rebuilt from the child's answer, refusing anything but plain data."""
    if not isinstance(data, dict) or data.get("kind") not in _KINDS:
        raise Violation("an outcome of no known kind")
    texts = {k: data.get(k, "") for k in ("error_type", "builtin_type", "message", "traceback")}
    notes = data.get("notes", [])
    classes = data.get("error_classes", [])
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise Violation("an outcome with unexpected error classes")
    if set(data) - {"kind", "value", *texts, "notes", "error_classes"} or not all(
        isinstance(t, str) for t in texts.values()
    ):
        raise Violation("an outcome with unexpected fields")
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise Violation("an outcome with unexpected notes")
    value = data.get("value")
    problem = not_plain(value)
    if problem:
        return Outcome("not_plain", message=problem)
    return Outcome(data["kind"], value=value, notes=notes, error_classes=classes, **texts)


def not_plain(value: Any, depth: int = 0) -> str:
    """Why a decoded value is not plain data a grader accepts, or ""."""
    if depth > MAX_DEPTH:
        return f"{NESTED} {MAX_DEPTH} levels deep"
    if value is None or isinstance(value, (bool, int, float, str)):
        return ""
    if isinstance(value, list):
        return next((p for p in (not_plain(v, depth + 1) for v in value) if p), "")
    tag = value.get("$ftlab")
    if tag == "handle":
        return "a handle (a resource the grader hands in); return plain data only"
    if tag == "float" and value.get("repr") not in ("inf", "-inf", "nan"):
        return "a malformed float"
    if tag == "dataclass" and not crosses(str(value.get("class", "")).partition(":")[0]):
        return f"an object of a class outside {LEARNER_API}"
    return next((p for p in (not_plain(v, depth + 1) for v in value.values()) if p), "")


class Batch:
    """A request of several calls (``calls``): its id, how many answers it may get, which comes next.

    The child answers each call with ``{"id", "index", "outcome"}``, in turn, and stops at the
    first outcome that is not a value (an error, a timeout, a file that could not load): it may end
    the check, and a check that ends there must not have had its later calls made (learner code
    can keep state between calls). One answer per call at most, never out of turn.
    """

    def __init__(self, ident: str, size: int) -> None:
        self.ident, self.size, self.next = ident, size, 0

    def over(self, outcome: Outcome) -> bool:
        """Count an answer; whether it is the request's last (the child stops at one that is no value)."""
        self.next += 1
        return self.next >= self.size or Batch.stops(outcome)

    def answer(self, message: dict[str, Any]) -> Outcome:
        """The outcome the next answer carries; :class:`Violation` when the message is not that answer."""
        if message.get("id") != self.ident or set(message) != {"id", "index", "outcome"}:
            raise Violation("a message that answers no call the grader made")
        if message["index"] != self.next:
            raise Violation("an answer to a call out of turn")
        return checked_outcome(message["outcome"])

    @staticmethod
    def stops(outcome: Outcome) -> bool:
        """Whether the child stops a batch at this outcome (both sides decide it the same way)."""
        return outcome.kind != "value"


#: How the child's refusals of a value it could not send begin (``harness._encoded``).
TOO_LARGE_TO_SEND = "a value too large to send"
NOT_SENDABLE = "a value that could not be sent"
#: How a "not_plain" outcome begins when the value was refused for its size or depth, not its type.
OVERSIZED = (TOO_LARGE, NESTED, TOO_LARGE_TO_SEND, NOT_SENDABLE)


def oversized(outcome: Outcome) -> bool:
    """Whether a call's value was refused for its size or depth: the next call would likely cost as much."""
    return outcome.kind == "not_plain" and outcome.message.startswith(OVERSIZED)


def drain(wire: Wire, batch: Batch, deadline: float | None) -> tuple[bool, bool]:
    """Read a batch's remaining answers and throw them away.

    Whether its child must be stopped, and whether one of those calls hung (timed out, or no
    answer came by the deadline).
    """
    hung = False
    try:
        while (message := wire.receive(deadline)) is not None:
            outcome = batch.answer(message)
            hung = hung or outcome.kind == "timeout"
            if batch.over(outcome):
                return wire.pending(), hung  # more answers than calls
    except Expired:
        return True, True
    except Violation:
        pass
    return True, hung
