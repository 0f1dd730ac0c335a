"""A forked child: each answer of its template checked, a bad one means a fresh child, never a grade.

A fake template (a thread on the other end of the control socket) answers as scripted.
"""

from __future__ import annotations

import array
import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.forked import ForkedChild
from ftlab.grading.isolation.process import Channel
from ftlab.grading.isolation.sandbox import Sandbox
from ftlab.grading.isolation.template import Slot, TemplateFailure

EX1 = find("ex1_build_example")


class FakeTemplate:
    """Answers each request with the next scripted messages (closing any descriptors it was given)."""

    def __init__(self, answers: list[list[Any]]) -> None:
        self.ours, self.theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.answers, self.requests = answers, []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            while self.answers:
                data, ancillary, _, _ = self.theirs.recvmsg(65536, socket.CMSG_SPACE(16))
                if not data:
                    return
                fds = array.array("i")
                for _, _, payload in ancillary:
                    fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                for fd in fds:
                    os.close(fd)
                self.requests.append(json.loads(data))
                for answer in self.answers.pop(0):
                    self.theirs.send(answer if isinstance(answer, bytes) else json.dumps(answer).encode())
        finally:
            self.theirs.close()


@pytest.fixture
def slot(tmp_path: Path) -> Iterator[Any]:
    made: list[FakeTemplate] = []

    def make(*answers: list[Any]) -> Slot:
        fake = FakeTemplate(list(answers))
        made.append(fake)
        (tmp_path / "staging").mkdir(exist_ok=True)
        (tmp_path / "scratch").mkdir(exist_ok=True)
        return Slot(fake.ours, tmp_path / "staging", tmp_path / "scratch")

    yield make
    for fake in made:
        fake.ours.close()
        fake.thread.join(5)


@pytest.mark.parametrize(
    "answer",
    [
        {"event": "forked", "pid": "12"},
        {"event": "forked", "pid": True},
        {"event": "forked", "pid": 1},
        {"event": "ended", "pid": 12, "status": 0},
        ["forked", 12],
        b"not json",
    ],
    ids=["pid-text", "pid-bool", "pid-init", "wrong-event", "not-an-object", "not-json"],
)
def test_a_forged_answer_to_a_fork_is_a_template_failure(slot, answer):
    child = ForkedChild(slot([answer]))
    with pytest.raises(TemplateFailure):
        child.fork({}, (0, 1, 2))


def test_a_template_that_ends_instead_of_answering_is_a_template_failure(slot):
    child = ForkedChild(slot([]))
    with pytest.raises(TemplateFailure, match="ended"):
        child.fork({}, (0, 1, 2))


def test_the_end_of_another_child_is_not_taken_for_this_ones(slot):
    child = ForkedChild(slot([{"event": "forked", "pid": 12}], [{"event": "ended", "pid": 13, "status": 0}]))
    child.fork({}, (0, 1, 2))
    with pytest.raises(TemplateFailure, match="instead of its child's end"):
        child.stop()


def test_a_childs_end_reports_its_status_and_a_kill_is_asked_for(slot):
    fake = slot([{"event": "forked", "pid": 12}], [{"event": "ended", "pid": 12, "status": 137}])
    child = ForkedChild(fake)
    child.fork({"root": "/submission"}, (0, 1, 2))
    assert child.stop() == 137
    assert child.stop() == 137  # asked once


def test_a_template_that_lies_about_its_child_means_a_fresh_child_and_the_right_outcome(slot, tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / EX1.filename).write_text("def build_example(u, a, system=None):\n    return [u, a]\n")
    fake = slot([{"event": "forked", "pid": 12}], [{"event": "ended", "pid": 12, "status": 0}])
    scratch = fake.scratch / "run"
    scratch.mkdir()
    sandbox = Sandbox("process", reason="test")
    backend = IsolatedBackend(folder, sandbox=sandbox, timeout=5, shared=[Channel(scratch)], slot=fake)
    try:
        assert backend.call(EX1, "build_example", ["a", "b"], {}).value == ["a", "b"]
        assert backend._child.fallbacks and backend._child.slot is None
    finally:
        backend.close()
    assert (fake.staging / EX1.filename).is_file()  # what the template would have shown the child


def test_a_shared_folder_outside_the_slots_scratch_is_never_given_to_a_forked_child(slot, tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / EX1.filename).write_text("def build_example(u, a, system=None):\n    return [u, a]\n")
    fake = slot()
    sandbox = Sandbox("process", reason="test")
    backend = IsolatedBackend(folder, sandbox=sandbox, timeout=5, shared=[Channel(tmp_path)], slot=fake)
    try:
        assert backend.call(EX1, "build_example", ["a", "b"], {}).value == ["a", "b"]
        assert "outside the slot's scratch folder" in backend._child.fallbacks[0]
    finally:
        backend.close()


def test_no_answer_in_time_is_a_template_failure(slot, monkeypatch):
    monkeypatch.setattr("ftlab.grading.isolation.forked.START_TIMEOUT", 0.2)
    fake = slot([], [])  # takes the request, answers nothing, waits for another
    with pytest.raises(TemplateFailure, match="no answer"):
        ForkedChild(fake).fork({}, (0, 1, 2))
