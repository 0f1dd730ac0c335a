"""Everything a sandboxed child sends back is untrusted: the worst a submission can do is return values.

A forged answer, a value too large or too deep to send, a process that ends: each is a
grader-side failure (a :class:`StudentCodeError`), never a value and never a learner exception.
"""

from __future__ import annotations

import functools
import time

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.process import Channel
from ftlab.grading.isolation.sandbox import find_sandbox
from ftlab.grading.outcomes import BrokeProtocol, ReturnedNotPlain
from ftlab.grading.seam import ExerciseProxy

EX1 = find("ex1_build_example")
BEST = find_sandbox()
#: Writes forged answers (a value, a raised NotFoundError) to every descriptor the child can write to.
FORGE = """
import json, os

def forge():
    for ident in range(0, 5):
        for outcome in (
            {"kind": "value", "value": "forged"},
            {"kind": "raised", "error_type": "NotFoundError", "message": "forged",
             "error_classes": ["openai.NotFoundError", "builtins.Exception"]},
        ):
            line = (json.dumps({"id": ident, "outcome": outcome}) + "\\n").encode()
            for fd in range(256):
                try:
                    os.write(fd, line)
                except OSError:
                    pass
"""


@pytest.fixture
def start(start):
    """The isolation tests' ``start`` (conftest.py), with 10 s per call: the big values take a while."""
    return functools.partial(start, timeout=10.0)


def test_a_600_mb_string_is_refused_as_too_large_within_the_time_limit(start):
    proxy = start("def build_example(a, b):\n    return 'x' * (600 * 1024**2)\n")
    with pytest.raises(ReturnedNotPlain, match="a value larger than 16 MiB"):
        proxy.build_example("a", "b")


def test_a_list_nested_200000_deep_is_refused_not_a_crash(start):
    proxy = start(
        "def build_example(a, b):\n"
        "    value = []\n    for _ in range(200_000):\n        value = [value]\n    return value\n"
        "def write_jsonl(examples, path):\n    return 'still here'\n"
    )
    with pytest.raises(ReturnedNotPlain, match="a value nested more than 100 levels deep"):
        proxy.build_example("a", "b")
    assert proxy.write_jsonl([], "x") == "still here", "the same child answers the next call"


def test_text_that_is_large_only_as_json_is_refused_not_a_crash(start):
    proxy = start("def build_example(a, b):\n    return '\\x01' * (15 * 1024**2)\n")
    with pytest.raises(ReturnedNotPlain, match="too large to send"):
        proxy.build_example("a", "b")


def test_an_integer_too_long_to_print_is_refused(start):
    proxy = start("def build_example(a, b):\n    return 10 ** 5000\n")
    with pytest.raises(ReturnedNotPlain, match="an integer with thousands of digits"):
        proxy.build_example("a", "b")


def test_forged_answers_written_at_import_are_a_protocol_failure_for_every_call(start):
    proxy = start(FORGE + "forge()\ndef build_example(a, b):\n    return 'real'\n")
    for _ in range(2):
        with pytest.raises(BrokeProtocol, match="private channel"):
            proxy.build_example("a", "b")


def test_forged_answers_written_in_a_call_fail_that_call_and_the_next_runs_afresh(start):
    proxy = start(
        FORGE + "def build_example(a, b):\n    forge()\n    return 'real'\n"
        "def write_jsonl(examples, path):\n    return 'fresh'\n"
    )
    with pytest.raises(BrokeProtocol, match="answers no request"):
        proxy.build_example("a", "b")
    assert proxy.write_jsonl([], "x") == "fresh"


def test_a_message_written_between_calls_fails_the_next_call(start, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    proxy = start(
        f"""
        import os, threading, time
        GO, DONE = {str(shared / "go")!r}, {str(shared / "done")!r}
        def late():
            while not os.path.exists(GO):
                time.sleep(0.01)
            for fd in range(3, 256):
                try:
                    os.write(fd, b'{{"event": "ready"}}\\n')
                except OSError:
                    pass
            open(DONE, "w").close()
        def build_example(a, b):
            threading.Thread(target=late).start()
            return 'first'
        """,
        shared=[Channel(shared)],
    )
    assert proxy.build_example("a", "b") == "first"
    (shared / "go").touch()  # only now, after the answer came, does the thread write
    for _ in range(3000):
        if (shared / "done").exists():
            break
        time.sleep(0.01)
    with pytest.raises(BrokeProtocol, match="before the grader asked"):
        proxy.build_example("a", "b")


@pytest.mark.skipif(not BEST.isolated, reason=f"no sandbox: {BEST.reason}")
def test_killing_its_parent_in_the_sandbox_reaches_only_the_sandboxs_own_init(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / EX1.filename).write_text(
        "import os, signal\n"
        "def build_example(a, b):\n    os.kill(os.getppid(), signal.SIGKILL)\n    return os.getppid()\n",
        encoding="utf-8",
    )
    backend = IsolatedBackend(folder, sandbox=BEST, timeout=10)
    try:
        proxy = ExerciseProxy(backend, EX1)
        assert proxy.build_example("a", "b") == 1, "its parent is the sandbox's pid 1, not the grader"
        assert proxy.build_example("a", "b") == 1, "and grading goes on"
    finally:
        backend.close()
