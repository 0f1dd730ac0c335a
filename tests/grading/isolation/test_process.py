"""The harness process: it starts ready to talk, stops with its whole session, and says why it ended."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from ftlab.errors import FtlabError
from ftlab.grading.isolation.process import Channel, HarnessProcess, SandboxFailure
from ftlab.grading.isolation.sandbox import Limits, Sandbox

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
