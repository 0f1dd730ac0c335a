"""The harness process: it starts ready to talk, stops with its whole session, and says why it ended."""

from __future__ import annotations

import os
import re
import shutil
import signal
import site
import socket
import tempfile
import time
from pathlib import Path

import pytest

from ftlab.errors import FtlabError
from ftlab.grading.exercises import find
from ftlab.grading.isolation import landlock
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.process import Channel, HarnessProcess, SandboxFailure
from ftlab.grading.isolation.sandbox import Limits, Sandbox, find_sandbox
from ftlab.grading.seam import ExerciseProxy
from tests.paths import ENGINE, ROOT

PLAIN = Sandbox("process", reason="test")


def _process(root: Path, sandbox: Sandbox = PLAIN, **limits: int) -> HarnessProcess:
    return HarnessProcess(root, sandbox=sandbox, timeout=5.0, shared=[Channel(root)], limits=Limits(**limits))


def test_a_started_child_answers_on_its_wire_and_stopping_it_closes_the_wire(tmp_path):
    (tmp_path / "ex2_validate_record.py").write_text("def validate_record(record):\n    return ['ok']\n")
    child = _process(tmp_path)
    try:
        wire = child.start()
        assert child.running and child.wire is wire
        wire.send({"id": 0, "exercise": "ex2_validate_record", "function": "validate_record",
                   "args": [{}], "kwargs": {}})  # fmt: skip
        assert wire.receive(None) == {"id": 0, "event": "loaded", "notes": []}
        assert wire.receive(None) == {"id": 0, "outcome": {"kind": "value", "value": ["ok"]}}
        assert child.stop() is not None
        assert not child.running and child.wire is None
    finally:
        child.close()


def test_closing_removes_the_private_folder(tmp_path):
    child = _process(tmp_path)
    child.start()
    assert child.private.is_dir()
    child.close()
    assert not child.private.exists() and not child.running


def test_a_child_that_cannot_start_is_a_sandbox_failure_an_ftlab_error(tmp_path):
    broken = Sandbox("bubblewrap", bwrap=str(tmp_path / "no-such-bwrap"))
    child = _process(tmp_path, broken)
    with pytest.raises(SandboxFailure, match="the process that runs the learner's code could not start"):
        child.start()
    assert issubclass(SandboxFailure, FtlabError) and issubclass(SandboxFailure, RuntimeError)
    assert not child.running
    child.close()


def test_the_end_of_a_child_is_said_in_the_learners_terms(tmp_path):
    child = _process(tmp_path, cpu_seconds=7)
    assert child.why(None) == "it was stopped"
    assert child.why(3) == "exit status 3"
    assert child.why(-signal.SIGXCPU) == "it used more than 7 s of CPU time"
    assert child.why(-signal.SIGKILL) == "killed by SIGKILL"
    assert child.why(-200) == "killed by signal 200"
    child.close()


def test_a_sandboxed_childs_status_above_128_is_the_signal_that_ended_it(tmp_path):
    child = _process(tmp_path, Sandbox("bubblewrap", bwrap="/bin/false"))
    assert child.why(128 + signal.SIGKILL) == "killed by SIGKILL"
    child.close()


def test_the_output_is_cut_to_its_end_and_says_how_much_was_cut(tmp_path):
    child = _process(tmp_path)
    assert child.output() == ""
    (child.private / "output.log").write_bytes(b"a" * 10 + b"tail")
    assert child.output(4) == "[... 10 bytes cut]\ntail"
    assert child.output() == "a" * 10 + "tail"
    child.close()


#: A function that says what its child had warmed when it was first called, and whether openai was in.
WARMED = (
    "import sys\ndef {}(*args):\n"
    "    return [sorted(sys.modules['ftlab.grading.warmup']._warmed), 'openai' in sys.modules]\n"
)
EVERYTHING = [["cl100k_base", "o200k_base", "openai"], True]
BEST = find_sandbox()


@pytest.mark.parametrize(
    ("files", "sandbox", "warmed"),
    [
        pytest.param(["ex1_build_example"], PLAIN, [[], False], id="ex1-nothing"),
        pytest.param(["ex4_submit_job"], PLAIN, [["o200k_base", "openai"], True], id="ex4-openai"),
        pytest.param(
            ["ex4_submit_job"],
            BEST,
            [["o200k_base", "openai"], True],
            id="ex4-bubblewrap",
            marks=pytest.mark.skipif(not BEST.isolated, reason=f"no sandbox: {BEST.reason}"),
        ),
        pytest.param(
            ["ex3_estimate_tokens", "ex1_build_example"], PLAIN, [["cl100k_base", "o200k_base"], False]
        ),
        pytest.param(["ex1_build_example", "ex4_submit_job"], PLAIN, [["o200k_base", "openai"], True]),
    ],
)
def test_a_fresh_child_warms_before_its_first_call_what_its_folders_exercises_load_lazily(
    tmp_path, files, sandbox, warmed
):
    for slug in files:
        (tmp_path / f"{slug}.py").write_text(WARMED.format(find(slug).functions[0]))
    backend = IsolatedBackend(tmp_path, sandbox=sandbox, timeout=5.0)
    first = find(files[0])  # called first: its own lazy loads, and those of the folder's other exercises
    try:
        assert getattr(ExerciseProxy(backend, first), first.functions[0])() == warmed
    finally:
        backend.close()


def test_a_fresh_child_for_a_single_file_warms_everything_it_may_be_asked_for(tmp_path):
    (tmp_path / "all_in_one.py").write_text(WARMED.format("build_example"))
    backend = IsolatedBackend(tmp_path / "all_in_one.py", sandbox=PLAIN, timeout=5.0)
    try:
        assert ExerciseProxy(backend, find("ex1_build_example")).build_example() == EVERYTHING
    finally:
        backend.close()


# -- the unprivileged kind (root without bubblewrap): attacks gain nothing ---------------------------

USER = find_sandbox(mode="user")
LANDLOCKED = Sandbox("process", reason="test", landlock=landlock.abi())
needs_user_mode = pytest.mark.skipif(
    USER.kind != "unprivileged" or USER.landlock < 6,
    reason=f"needs root and Landlock ABI 6+: {USER.reason or USER.describe()}",
)
CONFINED = [
    pytest.param(USER, id="unprivileged", marks=needs_user_mode),
    pytest.param(  # the same guards for a grader that is not root (here: root, confined by Landlock alone)
        LANDLOCKED,
        id="process+landlock",
        marks=pytest.mark.skipif(LANDLOCKED.landlock < 6, reason="needs Landlock ABI 6+"),
    ),
]
ATTACKS = """
import os, signal, socket


def read(path):
    with open(path, "rb") as file:
        return file.read(100).decode()


def listing(path):
    return os.listdir(path)


def connect(port):
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    return "connected"


def kill_parent():
    os.kill(os.getppid(), signal.SIGKILL)
    return "killed"


def scratch(folder):
    with open(os.path.join(folder, "written.txt"), "w") as file:
        file.write("mine")
    return read(os.path.join(folder, "given.txt"))
"""


def _editable_engine() -> list[Path]:
    """records.py where site-packages says ftlab is (an editable install's finder, or ftlab itself)."""
    found = []
    for folder in map(Path, site.getsitepackages()):
        found += [p / "dataset" / "records.py" for p in folder.glob("ftlab") if p.is_dir()]
        for finder in folder.glob("__editable__*ftlab*finder.py"):
            found += [
                Path(p) / "dataset" / "records.py"
                for p in re.findall(r"'ftlab': '([^']+)'", finder.read_text())
            ]
    return found


@pytest.fixture(params=CONFINED)
def attacker(tmp_path: Path, request: pytest.FixtureRequest):
    submission = tmp_path / "submission"
    submission.mkdir()
    scratch = Path(tempfile.mkdtemp(prefix="ftlab-scratch-"))  # as IsolationPlugin makes it (0o700, in /tmp)
    (submission / "ex1_build_example.py").write_text(ATTACKS)
    child = HarnessProcess(
        submission, sandbox=request.param, timeout=5.0, shared=[Channel(scratch)], limits=Limits()
    )
    wire = child.start()
    calls = iter(range(1000))

    def call(function: str, *args: object) -> dict:
        ident = next(calls)
        wire.send({"id": ident, "exercise": "ex1_build_example", "function": function,
                   "args": list(args), "kwargs": {}})  # fmt: skip
        while "outcome" not in (answer := wire.receive(time.monotonic() + 30)):
            pass
        return answer["outcome"]

    yield child, call, scratch
    child.close()
    shutil.rmtree(scratch)


def _denied(outcome: dict) -> bool:
    return outcome["kind"] == "raised" and outcome.get("error_type") == "PermissionError"


def test_a_confined_child_says_it_confined_itself(attacker):
    child, _, _ = attacker
    assert child.protection.startswith(f"Landlock ABI {child.sandbox.landlock}")
    assert f"Landlock ABI {child.sandbox.landlock}: the engine unreadable" in child.sandbox.describe()


def test_a_confined_child_cannot_read_the_engine_by_its_path_or_through_site_packages(attacker):
    _, call, _ = attacker
    engine = [ENGINE / "dataset" / "records.py", *_editable_engine()]
    assert all(path.is_file() for path in engine)
    for path in engine:
        assert _denied(call("read", str(path))), path


def test_a_confined_child_cannot_read_solutions_or_graders(attacker):
    _, call, _ = attacker
    for path in (ROOT / "solutions" / "ex1_build_example.py", ROOT / "graders" / "test_ex1_build_example.py"):
        assert _denied(call("read", str(path))), path
    assert _denied(call("listing", str(ROOT / "solutions")))


def test_a_confined_child_cannot_read_the_graders_environment(attacker):
    _, call, _ = attacker
    assert _denied(call("read", f"/proc/{os.getpid()}/environ"))


def test_a_confined_child_cannot_reach_a_listener_on_this_machine(attacker):
    _, call, _ = attacker
    with socket.create_server(("127.0.0.1", 0)) as server:
        outcome = call("connect", server.getsockname()[1])
        server.settimeout(0.1)
        with pytest.raises(TimeoutError):
            server.accept()
    assert _denied(outcome)


def test_a_confined_child_cannot_kill_the_grader(attacker):
    _, call, _ = attacker
    assert _denied(call("kill_parent"))


def test_a_confined_child_reads_and_writes_the_shared_folder_made_by_the_grader(attacker):
    _, call, scratch = attacker
    given = scratch / "tmp0" / "given.txt"
    given.parent.mkdir(mode=0o700)  # as pytest makes tmp_path: only its owner may enter
    given.write_text("from the grader")
    assert call("scratch", str(given.parent)) == {"kind": "value", "value": "from the grader"}
    assert (given.parent / "written.txt").read_text() == "mine"
