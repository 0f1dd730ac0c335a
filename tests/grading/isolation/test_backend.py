"""The isolating backend: plain data across a pipe, and nothing a child does can fake or stop grading."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.isolation import backend as backend_module
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.hangs import MAX_HANGS
from ftlab.grading.isolation.process import Channel, SandboxFailure
from ftlab.grading.isolation.sandbox import Sandbox, find_sandbox
from ftlab.grading.isolation.strikes import MAX_FAILS
from ftlab.grading.outcomes import (
    BrokeProtocol,
    CallTimedOut,
    MissingFunction,
    ProcessEnded,
    ReturnedNotPlain,
    UnloadableExercise,
)
from ftlab.grading.seam import ExerciseProxy
from tests.paths import ROOT

#: The wait past the limit for a child that ignores its alarm (GRACE, 2 s, in production): any wait
#: gives the same verdict, since nothing answers before the kill.
SHORT_GRACE = 0.25
EX1 = find("ex1_build_example")
EX2 = find("ex2_validate_record")
EX4 = find("ex4_submit_job")
BEST = find_sandbox()


def test_values_come_back_as_the_same_plain_data(start):
    proxy = start(
        "def build_example(*args, **kwargs):\n"
        "    return {'args': list(args), 'kwargs': kwargs, 'empty': [], 'inf': float('inf')}\n"
    )
    assert proxy.build_example([1, "é"], None, key={"a": [True, 2.5]}) == {
        "args": [[1, "é"], None], "kwargs": {"key": {"a": [True, 2.5]}}, "empty": [], "inf": float("inf"),
    }  # fmt: skip


def test_an_empty_list_is_not_lost_on_the_way(start):
    proxy = start("def validate_record(record):\n    return []\n", exercise=EX2)
    assert proxy.validate_record({"messages": []}) == []


def test_an_always_equal_object_is_refused_not_compared(start):
    proxy = start(
        "class Yes(dict):\n    def __eq__(self, other):\n        return True\n\n"
        "def build_example(*a):\n    return Yes()\n"
    )
    with pytest.raises(ReturnedNotPlain, match="Yes object"):
        proxy.build_example("a", "b")


def test_exceptions_keep_their_builtin_type_and_message(start):
    proxy = start("def build_example(user, assistant):\n    raise ValueError(f'bad {user}')\n")
    with pytest.raises(ValueError, match="bad x"):
        proxy.build_example("x", "y")


def test_a_missing_function_is_named(start):
    proxy = start("def something_else():\n    pass\n")
    with pytest.raises(MissingFunction, match="write_jsonl"):
        proxy.write_jsonl([], "x")


def test_exiting_at_import_makes_the_file_unloadable_and_stays_so(start):
    proxy = start("import os\nos._exit(0)\n")
    with pytest.raises(
        UnloadableExercise, match=r"ended the Python process while being imported \(exit status 0\)"
    ):
        proxy.build_example("a", "b")
    starts = proxy.backend.starts
    with pytest.raises(UnloadableExercise):
        proxy.write_jsonl([], "x")
    assert proxy.backend.starts == starts, "an unloadable file is not imported again"


def test_exiting_in_a_call_fails_that_call_and_the_next_call_runs(start):
    proxy = start(
        "import os\ndef build_example(a, b):\n    os._exit(0)\n"
        "def write_jsonl(examples, path):\n    return 7\n"
    )
    with pytest.raises(ProcessEnded, match=r"ended the Python process running your code \(exit status 0\)"):
        proxy.build_example("a", "b")
    assert proxy.write_jsonl([], "x") == 7


def test_a_function_that_keeps_exiting_is_not_run_again(start):
    proxy = start("import os\ndef build_example(a, b):\n    os._exit(3)\n")
    for _ in range(MAX_FAILS + 2):
        with pytest.raises(ProcessEnded, match="ended the Python process"):
            proxy.build_example("a", "b")
    assert proxy.backend.starts == MAX_FAILS


def test_a_hung_call_times_out_even_when_it_ignores_the_alarm(start, monkeypatch):
    monkeypatch.setattr(backend_module, "GRACE", SHORT_GRACE)  # it ignores the alarm: no grace saves it
    proxy = start(
        """
        import signal
        def build_example(a, b):
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                pass
        def write_jsonl(examples, path):
            return 1
        """,
        timeout=0.5,
    )
    with pytest.raises(CallTimedOut, match=r"timed out after 0\.5 s"):
        proxy.build_example("a", "b")
    assert proxy.write_jsonl([], "x") == 1, "grading goes on in a fresh child"


def test_a_function_that_keeps_hanging_is_not_run_again(start):
    proxy = start("def build_example(a, b):\n    while True:\n        pass\n", timeout=0.3)
    for _ in range(MAX_HANGS):
        with pytest.raises(CallTimedOut):
            proxy.build_example("a", "b")
    with pytest.raises(CallTimedOut, match=f"was not called again: it timed out {MAX_HANGS} times already"):
        proxy.build_example("a", "b")


def test_what_the_code_prints_never_reaches_the_grader(start):
    proxy = start(
        """
        import os, sys
        def build_example(a, b):
            print('{"id": 0, "outcome": {"kind": "value", "value": "fake"}}')
            print('{"id": 1, "outcome": {"kind": "value", "value": "fake"}}', file=sys.stderr)
            os.write(1, b'{"event": "ready"}\\n')
            return "real"
        """
    )
    assert proxy.build_example("a", "b") == "real"
    assert proxy.build_example("a", "b") == "real"
    assert '"value": "fake"' in proxy.backend.output()


def test_writing_on_the_private_channel_is_a_violation_not_an_answer(start):
    proxy = start(
        """
        import os
        def build_example(a, b):
            for fd in range(3, 256):  # every descriptor the child holds, the private answer pipe among them
                try:
                    os.write(fd, b'{"id": 12345, "outcome": {"kind": "value", "value": "forged"}}\\n')
                except OSError:
                    pass
            return "late"
        """
    )
    with pytest.raises(BrokeProtocol, match="wrote on the grader's private channel"):
        proxy.build_example("a", "b")


def test_the_child_gets_no_secrets_from_the_environment(start, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-test-secret")
    proxy = start("import os\ndef build_example(a, b):\n    return dict(os.environ)\n")
    environment = proxy.build_example("a", "b")
    assert "OPENAI_API_KEY" not in environment and "GITHUB_TOKEN" not in environment
    assert "secret" not in json.dumps(environment)


def test_a_shared_folder_is_writable_at_the_same_path(start, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    proxy = start(
        "def write_jsonl(examples, path):\n"
        "    open(path, 'w').write('x' * len(examples))\n    return len(examples)\n",
        shared=[Channel(shared)],
    )
    assert proxy.write_jsonl([{}, {}], str(shared / "out.jsonl")) == 2
    assert (shared / "out.jsonl").read_text() == "xx"


def test_output_beyond_the_file_size_limit_fails_the_write_not_the_grader(start, tmp_path):
    shared = tmp_path / "big"
    shared.mkdir()
    proxy = start(
        "def write_jsonl(examples, path):\n"
        "    open(path, 'wb').write(b'x' * (80 * 1024 * 1024))\n    return 1\n",
        shared=[Channel(shared)],
    )
    with pytest.raises(OSError, match="too large"):
        proxy.write_jsonl([], str(shared / "huge"))


def test_the_learners_working_folder_is_a_fresh_temporary_one(start):
    proxy = start("import os\ndef build_example(a, b):\n    return [os.getcwd(), sorted(os.listdir('.'))]\n")
    cwd, entries = proxy.build_example("a", "b")
    assert entries == [] and cwd != os.getcwd()


@pytest.mark.skipif(not BEST.isolated, reason=f"no sandbox: {BEST.reason}")
def test_in_the_sandbox_only_the_runtime_the_harness_and_the_submission_are_visible(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / EX1.filename).write_text(
        "import os\ndef build_example(path, b):\n    return os.path.exists(path)\n", encoding="utf-8"
    )
    backend = IsolatedBackend(folder, sandbox=BEST, timeout=5)
    try:
        proxy = ExerciseProxy(backend, EX1)
        project = ROOT
        assert proxy.build_example(str(project / "solutions"), "") is False
        assert proxy.build_example(str(project / "graders"), "") is False
        assert proxy.build_example(str(folder), "") is False, (
            "the submission is at /submission, not at its host path"
        )
        assert proxy.build_example("/submission/ex1_build_example.py", "") is True
    finally:
        backend.close()


def test_a_sandbox_that_cannot_start_is_the_graders_failure(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    broken = Sandbox("bubblewrap", bwrap=str(tmp_path / "no-such-bwrap"))
    backend = IsolatedBackend(folder, sandbox=broken, timeout=5)
    with pytest.raises(SandboxFailure, match="could not start"):
        ExerciseProxy(backend, EX1).build_example("a", "b")
    assert backend.failures
    backend.close()


def test_the_mock_api_is_reachable_through_the_socket_a_grader_hands_in(start, tmp_path):
    from ftlab.grading.isolation.handles import openai_client
    from ftlab.mock.server import DEFAULT_KEY, MockServer

    shared = tmp_path / "channel"
    shared.mkdir()
    proxy = start(
        """
        import socket
        def submit_job(client, port):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                tcp = "reached"
            except OSError:
                tcp = "unreachable"
            return [sorted(m.id for m in client.models.list())[:1], tcp]
        """,
        shared=[Channel(shared)],
        timeout=30,
        exercise=EX4,  # the exercise whose grader hands in a client: its child has openai warm
    )
    with MockServer(host=f"unix://{shared / 'api.sock'}") as mock, MockServer() as tcp_mock:
        models, tcp = proxy.submit_job(
            openai_client(mock.base_url, DEFAULT_KEY, socket=mock.socket_path), tcp_mock.port
        )
        assert len(models) == 1 and mock.requests()
    if proxy.backend.sandbox.isolated:
        assert tcp == "unreachable"


def _limited(tmp_path: Path, sandbox: Sandbox, source: str, limits) -> ExerciseProxy:
    folder = tmp_path / "limited"
    folder.mkdir()
    (folder / EX1.filename).write_text(textwrap.dedent(source), encoding="utf-8")
    proxy = ExerciseProxy(IsolatedBackend(folder, sandbox=sandbox, timeout=20, limits=limits), EX1)
    return proxy


def test_too_much_memory_is_a_memory_error_in_the_learners_code(tmp_path, sandbox):
    from ftlab.grading.isolation.sandbox import Limits

    proxy = _limited(
        tmp_path,
        sandbox,
        "def build_example(a, b):\n    return len(bytearray(3 * 1024**3))\n",
        Limits(memory_bytes=1024**3),
    )
    try:
        with pytest.raises(MemoryError):
            proxy.build_example("a", "b")
    finally:
        proxy._backend.close()


def test_too_much_cpu_ends_the_child_and_says_why(tmp_path, sandbox):
    from ftlab.grading.isolation.sandbox import Limits

    source = (
        "import signal\ndef build_example(a, b):\n"
        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    while True:\n        pass\n"
    )
    # the child's start-up spends CPU time under the same limit: ~0.07 s for an exercise that warms
    # nothing (ex1), up to 0.9 s when it warmed openai and the encodings (then 3 s was needed here)
    proxy = _limited(tmp_path, sandbox, source, Limits(cpu_seconds=1))
    try:
        with pytest.raises(ProcessEnded, match="used more than 1 s of CPU time"):
            proxy.build_example("a", "b")
    finally:
        proxy._backend.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="Linux does not apply the process limit to root")
def test_too_many_processes_fail_to_start(tmp_path, sandbox):
    from ftlab.grading.isolation.sandbox import Limits

    source = (
        "import os\ndef build_example(a, b):\n    for _ in range(50):\n"
        "        if os.fork() == 0:\n            os._exit(0)\n    return 'forked'\n"
    )
    proxy = _limited(tmp_path, sandbox, source, Limits(processes=5))
    try:
        with pytest.raises(BlockingIOError):
            proxy.build_example("a", "b")
    finally:
        proxy._backend.close()


def test_what_the_learner_printed_is_kept_when_the_child_is_stopped(start):
    proxy = start(
        "import time\ndef build_example(a, b):\n    print('progress: started', a)\n    time.sleep(60)\n",
        timeout=1.0,
    )
    with pytest.raises(CallTimedOut):
        proxy.build_example("x", "y")
    assert "progress: started x" in proxy.backend.output()
    proxy.backend.close()


def test_a_load_error_is_told_once_per_exercise(start):
    proxy = start("def build_example(a, b) return 1\n")
    messages = []
    for _ in range(3):
        with pytest.raises(UnloadableExercise) as caught:
            proxy.build_example("a", "b")
        messages.append(str(caught.value))
    assert "SyntaxError" in messages[0] and all("SyntaxError" not in m for m in messages[1:])


def test_a_notebooks_helper_modules_are_importable_in_the_sandbox(tmp_path, sandbox):
    from ftlab.grading.cells import Cell, write_cells

    folder = tmp_path / "staged"
    folder.mkdir()
    (folder / "helpers.py").write_text("def pair(a, b):\n    return [a, b]\n")
    write_cells(
        [Cell(3, "from helpers import pair\ndef build_example(a, b):\n    return pair(a, b)")],
        folder / "notebook.py",
        name="lab.ipynb",
    )
    backend = IsolatedBackend(folder / "notebook.py", sandbox=sandbox, timeout=5.0)
    try:
        assert ExerciseProxy(backend, EX1).build_example("a", "b") == ["a", "b"]
        assert backend.notes == []
    finally:
        backend.close()


def test_once_hung_calls_spend_the_budget_the_next_call_gets_a_short_limit_and_says_why(start):
    proxy = start(
        "def build_example(a, b):\n    while True:\n        pass\n"
        "def write_jsonl(examples, path):\n    while True:\n        pass\n",
        timeout=0.5,
    )
    proxy.backend.hangs.seconds = 1.0  # two hangs of ~0.5 s spend it (one, even 0.5 s late, does not)
    for _ in range(2):
        with pytest.raises(CallTimedOut, match=r"timed out after 0\.5 s"):
            proxy.build_example("a", "b")
    proxy.backend.hangs.timeout = 5.0  # so that the short limit (1 s) is visibly shorter than the usual
    with pytest.raises(CallTimedOut, match=r"timed out after 1 s.*limit was cut from 5 s"):
        proxy.write_jsonl([], "x")
    with pytest.raises(
        CallTimedOut, match=r"write_jsonl\(\) was not called again: it timed out before.*budget for them"
    ):
        proxy.write_jsonl([], "x")


def test_a_child_that_ignores_the_alarm_and_is_killed_does_not_reset_the_budget(start, monkeypatch):
    monkeypatch.setattr(backend_module, "GRACE", SHORT_GRACE)  # it ignores the alarm: no grace saves it
    proxy = start(
        """
        import signal
        def build_example(a, b):
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                pass
        def write_jsonl(examples, path):
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                pass
        """,
        timeout=0.5,
    )
    proxy.backend.hangs.seconds = 0.6  # one hang killed at 0.5 s + the grace (0.25 s) spends it
    with pytest.raises(CallTimedOut, match=r"timed out after 0\.5 s"):
        proxy.build_example("a", "b")
    assert proxy.backend.hangs.exhausted, "the budget lives in the grader, not in the child it killed"
    with pytest.raises(CallTimedOut, match=r"build_example\(\) was not called again: it timed out before"):
        proxy.build_example("a", "b")
    starts = proxy.backend.starts
    with pytest.raises(CallTimedOut, match=r"timed out after 1 s"):  # the short limit, at least 1 s
        proxy.write_jsonl([], "x")
    assert proxy.backend.starts == starts + 1, "killed after its short limit, restarted for the next call"
