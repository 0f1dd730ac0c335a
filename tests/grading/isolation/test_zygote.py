"""Attacks on the warmed template (zygote): a child it forked can neither reach it nor the next submission.

Each test grades one "submission" that attacks, then the next one through the same template (as
a batch's slot does, with the coordinator's reset between them), and checks the attack failed
and the next submission was graded as if nothing had happened.
"""

from __future__ import annotations

import select
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.process import Channel
from ftlab.grading.isolation.sandbox import find_sandbox
from ftlab.grading.isolation.template import Template, usable
from ftlab.grading.outcomes import Outcome

EX1 = find("ex1_build_example")
BEST = find_sandbox()
pytestmark = pytest.mark.skipif(not usable(BEST), reason="templates need bubblewrap and Landlock ABI 6+")
#: The next submission: reports the processes it can see, the files in its folders and its parent.
WITNESS = """
import os

def build_example(user, *args):
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    found = {d: sorted(os.listdir(d)) for d in ("/tmp/work", "/submission", user)}
    found["/"] = sorted(n for n in os.listdir("/") if n.startswith("planted"))
    return {"pids": pids, "me": os.getpid(), "parent": os.getppid(), "files": found}
"""


def _started() -> Iterator[Template]:
    """A started template, closed when the fixture that yields it ends."""
    template = Template(BEST)
    template.start()
    yield template
    template.close()


@pytest.fixture(scope="module")
def warm_template() -> Iterator[Template]:
    """One template for the module's tests (it warms everything: a second of CPU each time it starts)."""
    yield from _started()


@pytest.fixture
def template(warm_template: Template) -> Template:
    """The module's template as the next submission finds it: reset, or started anew if it was not."""
    return warm_template.recycled()


@pytest.fixture
def own_template() -> Iterator[Template]:
    """A template of the test's own, for a test that stops it."""
    yield from _started()


@pytest.fixture
def grade(template: Template, tmp_path: Path) -> Callable[..., Outcome]:
    """``grade(source, *args)``: one submission's ``build_example(scratch, *args)`` through the template."""
    count = [0]

    def run(source: str, *args: Any, timeout: float = 5.0) -> Outcome:
        slot = template.slot
        assert slot is not None
        folder = tmp_path / f"submission{count[0]}"
        count[0] += 1
        folder.mkdir()
        (folder / EX1.filename).write_text(textwrap.dedent(source), encoding="utf-8")
        scratch = Path(tempfile.mkdtemp(dir=slot.scratch))
        backend = IsolatedBackend(folder, sandbox=BEST, timeout=timeout, shared=[Channel(scratch)], slot=slot)
        try:
            outcome = backend.call(EX1, "build_example", [str(scratch), *args], {})
            assert backend._child.fallbacks == [], "the template was given up"
        finally:
            backend.close()
            assert template.reset(), "the template did not confirm it was clean"
        return outcome

    return run


def witness(grade: Callable[..., Outcome]) -> dict[str, Any]:
    outcome = grade(WITNESS)
    assert outcome.kind == "value", outcome
    value: dict[str, Any] = outcome.value
    assert value["files"]["/tmp/work"] == [] and value["files"]["/"] == []
    assert value["files"]["/submission"] == [EX1.filename]
    assert value["files"][next(k for k in value["files"] if k.startswith("/tmp/ftlab"))] == []
    assert set(value["pids"]) <= {1, value["parent"], value["me"]}, value["pids"]
    return value


def test_a_child_cannot_kill_or_signal_the_template_and_the_next_submission_is_graded(grade):
    attack = """
    import os, signal
    def build_example(scratch, *args):
        refused = []
        for pid in (os.getppid(), 1):
            for sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGTERM):
                try:
                    os.kill(pid, sig)
                except OSError as error:
                    refused.append(type(error).__name__)
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            os.kill(-1, sig)  # "succeeds" when every process refuses: Linux counts attempts
        return refused
    """
    outcome = grade(attack)
    assert outcome.kind == "value" and outcome.value == ["PermissionError"] * 6, outcome
    before, after = witness(grade), witness(grade)
    assert before["parent"] == after["parent"], "the template was replaced"


def test_a_child_cannot_ptrace_the_template(grade):
    attack = """
    import ctypes, os
    def build_example(scratch, *args):
        libc = ctypes.CDLL(None, use_errno=True)
        attached = libc.ptrace(16, os.getppid(), None, None)  # PTRACE_ATTACH
        seized = libc.ptrace(0x4206, os.getppid(), None, None)  # PTRACE_SEIZE
        return [attached, seized, ctypes.get_errno()]
    """
    outcome = grade(attack)
    assert outcome.kind == "value" and outcome.value[:2] == [-1, -1], outcome
    witness(grade)


def test_a_child_cannot_read_or_write_the_templates_memory_through_proc(grade):
    attack = """
    import os
    def build_example(scratch, *args):
        got = {}
        for name, mode in (("mem", "rb"), ("mem", "r+b"), ("environ", "rb"), ("maps", "rb")):
            try:
                with open(f"/proc/{os.getppid()}/{name}", mode) as stream:
                    got[name + mode] = len(stream.read(64))
            except OSError as error:
                got[name + mode] = type(error).__name__
        return got
    """
    outcome = grade(attack)
    assert outcome.kind == "value", outcome
    assert all(isinstance(v, str) for v in outcome.value.values()), outcome.value
    witness(grade)


def test_a_process_left_behind_is_gone_before_the_next_submission(grade):
    attack = """
    import os, signal, subprocess, sys
    def build_example(scratch, *args):
        script = (
            "import os, signal, time\\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\n"
            "if os.fork(): os._exit(0)\\n"
            "os.setsid()\\n"
            "while True:\\n"
            "    for path in ('/tmp/work/planted', '" + scratch + "/planted', '/submission/planted'):\\n"
            "        try: open(path, 'w').write('stale answer')\\n"
            "        except OSError: pass\\n"
            "    time.sleep(0.01)\\n"
        )
        subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
        return "left one behind"
    """
    assert grade(attack).value == "left one behind"
    witness(grade)


def test_a_child_cannot_write_where_the_next_submission_will_look(grade):
    attack = """
    import os
    def build_example(scratch, *args):
        written = []
        for path in ("/tmp/work/planted", scratch + "/planted", "/submission/planted",
                     "/planted", "/tmp/planted", "/ftlab/lib/planted", "/dev/shm/planted"):
            try:
                with open(path, "w") as stream:
                    stream.write("x")
                written.append(path)
            except OSError:
                pass
        return written
    """
    outcome = grade(attack)
    assert outcome.kind == "value", outcome
    assert all(p.startswith(("/tmp/work/", "/tmp/ftlab")) for p in outcome.value), outcome.value
    witness(grade)


def test_a_hung_child_is_killed_through_the_template_and_the_next_call_gets_a_fresh_fork(grade):
    outcome = grade("def build_example(scratch, *args):\n    while True:\n        pass\n", timeout=1.0)
    assert outcome.kind == "timeout", outcome
    witness(grade)


def test_each_submission_gets_a_fresh_child(grade):
    first, second = witness(grade), witness(grade)
    assert first["me"] != second["me"] and first["parent"] == second["parent"]


def test_a_dead_template_means_a_fresh_child_and_the_same_outcome(own_template, tmp_path):
    template = own_template
    slot = template.slot
    assert slot is not None and template._process is not None
    template.slot = None  # stopped as the coordinator would, its socket kept for this test
    template.stop()
    assert select.select([slot.control], [], [], 30)[0], "the template outlived its sandbox"
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / EX1.filename).write_text("def build_example(u, a, system=None):\n    return [u, a]\n")
    scratch = Path(tempfile.mkdtemp(dir=slot.scratch))
    backend = IsolatedBackend(folder, sandbox=BEST, timeout=5, shared=[Channel(scratch)], slot=slot)
    try:
        assert backend.call(EX1, "build_example", ["a", "b"], {}).value == ["a", "b"]
        assert backend._child.fallbacks and backend._child.slot is None
    finally:
        backend.close()
        slot.control.close()
    assert not template.reset()


def test_a_forked_child_inherits_the_platform_description_openai_asks_for_and_runs_no_program(grade):
    outcome = grade(
        """
        import platform, subprocess

        def build_example(user, *args):
            def refuse(*args, **kwargs):
                raise AssertionError("a program was run")
            subprocess.Popen = refuse
            return platform.platform()
        """
    )
    assert outcome.kind == "value" and outcome.value.startswith("Linux"), outcome
