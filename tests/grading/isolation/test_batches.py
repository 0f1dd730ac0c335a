"""Calls in batches (``IsolatedBackend.call_many``): one request, one answer per call, as single calls say."""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.hangs import MAX_HANGS
from ftlab.grading.isolation.sandbox import Sandbox
from ftlab.grading.isolation.strikes import MAX_OVERSIZED
from ftlab.grading.isolation.wire import Wire
from ftlab.grading.outcomes import CallTimedOut
from ftlab.grading.seam import ExerciseProxy, LocalBackend

EX1 = find("ex1_build_example")
SOURCE = """
def build_example(a, b):
    if a == "bad":
        raise ValueError("bad input")
    if a == "loop":
        while True:
            pass
    return [a, b]
"""


def _calls(*firsts: str) -> list[tuple[list[Any], dict[str, Any]]]:
    return [([first, "b"], {}) for first in firsts]


def _said(outcomes) -> list[tuple[str, Any, str]]:
    return [(o.kind, o.value, o.error_type) for o in outcomes]


def test_a_batch_answers_each_call_as_a_single_call_would(start):
    batched, single = start(SOURCE).backend, start(SOURCE).backend
    calls = _calls("x", "bad", "y", "z")
    outcomes = list(batched.call_many(EX1, "build_example", calls))
    assert _said(outcomes) == _said(single.call(EX1, "build_example", *call) for call in calls)
    assert _said(outcomes)[:2] == [("value", ["x", "b"], ""), ("raised", None, "ValueError")]


def test_a_function_missing_from_the_file_is_missing_for_every_call_of_a_batch(start):
    backend = start(SOURCE).backend
    assert [o.kind for o in backend.call_many(EX1, "write_jsonl", _calls("x", "y"))] == ["missing"] * 2


def test_a_hang_in_a_batch_times_out_that_call_and_two_hangs_stop_the_function(start):
    proxy = start(SOURCE, timeout=0.5)
    outcomes = list(proxy.backend.call_many(EX1, "build_example", _calls("x", "loop", "y", "loop", "z")))
    assert [o.kind for o in outcomes] == ["value", "timeout", "value", "timeout", "timeout"]
    assert f"was not called again: it timed out {MAX_HANGS} times already" in outcomes[-1].message


def test_a_value_refused_for_its_size_twice_stops_the_function(start):
    huge = '    if a == "huge":\n        return "x" * 20_000_000\n    return [a, b]'
    proxy = start(SOURCE.replace("    return [a, b]", huge))
    outcomes = list(proxy.backend.call_many(EX1, "build_example", _calls("x", "huge", "y", "huge", "z")))
    assert [o.kind for o in outcomes] == ["value", "not_plain", "value", "not_plain", "not_plain"]
    assert outcomes[1].message.startswith("a value larger than 16 MiB")
    assert outcomes[-1].message.startswith("a value larger than 16 MiB")
    refused = f"was not called again: it returned such a value {MAX_OVERSIZED} times already"
    assert refused in outcomes[-1].message
    assert refused not in outcomes[3].message


def test_a_hang_in_a_call_nobody_asked_for_counts_against_the_budget_but_blames_no_function(start):
    proxy = start(SOURCE, timeout=0.5)
    values = proxy.each("build_example", [("x", "b"), ("loop", "b"), ("loop", "b")])
    assert next(values) == ["x", "b"]
    values.close()  # a check that failed at its first value asks for no more
    assert proxy.build_example("y", "b") == ["y", "b"], "the next call gets its own answer"
    assert proxy.backend.hangs.spent >= 0.5, "the child ran the hung call all the same"
    assert proxy.backend.hangs.refusal(EX1.slug, "build_example") is None


STATEFUL = """
seen = []

def build_example(a, b):
    seen.append(a)
    if a == "bad":
        raise ValueError("bad input")
    return [a, b]

def calls_seen():
    return list(seen)
"""


def _stop_at_the_error(proxy) -> list[str]:
    """A check that stops at the first error, then what the learner's function saw."""
    values = proxy.each("build_example", [("x", "b"), ("bad", "b"), ("y", "b"), ("z", "b")])
    with pytest.raises(ValueError):
        while True:
            next(values)
    values.close()
    return proxy.calls_seen()


def test_a_function_that_keeps_state_sees_the_calls_an_in_process_run_makes_when_a_check_stops_at_an_error(
    start, tmp_path
):
    isolated = start(STATEFUL)
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / EX1.filename).write_text(STATEFUL, encoding="utf-8")
    in_process = ExerciseProxy(LocalBackend(tmp_path / "local"), EX1)
    assert _stop_at_the_error(in_process) == ["x", "bad"]
    assert _stop_at_the_error(isolated) == ["x", "bad"]


def test_a_batch_stopped_at_an_error_goes_on_in_a_new_request_when_the_rest_are_asked_for(start):
    proxy = start(STATEFUL)
    outcomes = list(proxy.backend.call_many(EX1, "build_example", _calls("x", "bad", "y", "bad", "z")))
    assert [o.kind for o in outcomes] == ["value", "raised", "value", "raised", "value"]
    assert proxy.calls_seen() == ["x", "bad", "y", "bad", "z"]


def test_each_raises_the_learners_error_at_the_call_that_failed(start):
    proxy = start(SOURCE)
    values = proxy.each("build_example", [("x", "b"), ("bad", "b")])
    assert next(values) == ["x", "b"]
    with pytest.raises(ValueError, match="bad input"):
        next(values)


def test_a_check_that_names_its_calls_gets_the_answers_of_a_batch(start):
    proxy = start(SOURCE, timeout=0.5)
    with proxy.expect([("build_example", ("x", "b"), {}), ("build_example", ("loop", "b"), {})]):
        assert proxy.build_example("x", "b") == ["x", "b"]
        with pytest.raises(CallTimedOut):
            proxy.build_example("loop", "b")
    assert proxy.backend.hangs.spent >= 0.5


class _ScriptedChild:
    """A stand-in for the child process whose answers a test writes (what a tampered harness could send)."""

    def __init__(self, script: Callable[[dict[str, Any]], list[dict[str, Any]]]) -> None:
        requests_in, requests_out = os.pipe()
        answers_in, self._answers = os.pipe()
        self.wire = Wire(requests_out, answers_in)
        self.running = True
        self._requests, self._script = requests_in, script
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with os.fdopen(self._requests, "rb") as requests:
            for line in requests:  # a request's answers in one write: in the pipe together, as a
                # tampered harness would send them (one write each left a test racing this thread)
                answers = "".join(json.dumps(message) + "\n" for message in self._script(json.loads(line)))
                os.write(self._answers, answers.encode())

    def start(self) -> None:
        raise AssertionError("a scripted child is never restarted")

    def stop(self, wait: float = 0.0) -> int:
        self.running = False
        return 0

    def why(self, status: int) -> str:
        return "stopped"

    def close(self) -> None:
        self.running = False


def _scripted(tmp_path: Path, script: Callable[[dict[str, Any]], list[dict[str, Any]]]) -> IsolatedBackend:
    backend = IsolatedBackend(tmp_path, sandbox=Sandbox("process", reason="test"), timeout=2.0)
    backend._child = _ScriptedChild(script)  # type: ignore[assignment]
    return backend


def _answers(request: dict[str, Any], indexes: list[int]) -> list[dict[str, Any]]:
    ident = request["id"]
    value = {"kind": "value", "value": "forged"}
    return [{"id": ident, "event": "loaded", "notes": []}] + [
        {"id": ident, "index": i, "outcome": value} for i in indexes
    ]


def test_more_answers_than_calls_is_a_protocol_failure_not_a_value(tmp_path):
    backend = _scripted(tmp_path, lambda request: _answers(request, [0, 1, 2]))
    outcomes = list(backend.call_many(EX1, "build_example", _calls("x", "y")))
    assert [o.kind for o in outcomes] == ["value", "protocol"]
    assert "a second answer" in outcomes[1].message


def test_an_answer_out_of_turn_is_a_protocol_failure(tmp_path):
    backend = _scripted(tmp_path, lambda request: _answers(request, [0, 2, 1]))
    outcomes = list(itertools.islice(backend.call_many(EX1, "build_example", _calls("x", "y", "z")), 2))
    assert [o.kind for o in outcomes] == ["value", "protocol"]
    assert "out of turn" in outcomes[1].message


def test_a_batch_answer_without_its_index_is_a_protocol_failure(tmp_path):
    def script(request: dict[str, Any]) -> list[dict[str, Any]]:
        ident = request["id"]
        return [{"id": ident, "event": "loaded", "notes": []}, {"id": ident, "outcome": {"kind": "value"}}]

    backend = _scripted(tmp_path, script)
    outcome = next(backend.call_many(EX1, "build_example", _calls("x", "y")))
    assert outcome.kind == "protocol"
