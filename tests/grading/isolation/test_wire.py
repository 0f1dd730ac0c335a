"""The wire: answers must be JSON objects, on time, and plain data; anything else is refused."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from ftlab.grading.isolation.wire import Expired, Violation, Wire, checked_outcome
from ftlab.grading.outcomes import Outcome


@pytest.fixture
def wire():
    """A wire whose child end the test writes to by hand."""
    request_read, request_write = os.pipe()
    answer_read, answer_write = os.pipe()
    ours = Wire(request_write, answer_read)
    yield ours, answer_write, request_read
    ours.close()
    for fd in (answer_write, request_read):
        os.close(fd)


def test_a_message_split_across_writes_arrives_whole(wire):
    ours, theirs, _ = wire
    os.write(theirs, b'{"id": 1, ')
    os.write(theirs, b'"event": "ready"}\n{"id": 2}\n')
    assert ours.receive(time.monotonic() + 5) == {"id": 1, "event": "ready"}
    assert ours.receive(time.monotonic() + 5) == {"id": 2}


def test_silence_past_the_deadline_expires(wire):
    ours, _, _ = wire
    with pytest.raises(Expired):
        ours.receive(time.monotonic() + 0.05)


@pytest.mark.parametrize(
    "line", [b"not json\n", b"[1, 2]\n", b'{"x": NaN}\n'], ids=["not-json", "not-object", "nan"]
)
def test_a_line_that_is_not_a_json_object_is_a_violation(wire, line):
    ours, theirs, _ = wire
    os.write(theirs, line)
    with pytest.raises(Violation):
        ours.receive(time.monotonic() + 5)


def test_requests_arrive_as_json_lines(wire):
    ours, _, requests = wire
    ours.send({"id": 0, "args": ["é", 1.5]})
    assert json.loads(os.read(requests, 1000)) == {"id": 0, "args": ["é", 1.5]}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            {"kind": "value", "value": {"$ftlab": "handle", "kind": "unserializable", "params": {}}},
            "a handle",
        ),
        (
            {"kind": "value", "value": {"$ftlab": "dataclass", "class": "os:PathLike", "fields": {}}},
            "outside ftlab",
        ),
        ({"kind": "value", "value": {"$ftlab": "float", "repr": "__import__('os')"}}, "malformed float"),
    ],
)
def test_an_answer_must_be_plain_data(answer, problem):
    outcome = checked_outcome(answer)
    assert outcome.kind == "not_plain" and problem in outcome.message


@pytest.mark.parametrize(
    "answer", [{"kind": "eval"}, {"kind": "value", "extra": 1}, {"kind": "raised", "message": 3}, ["value"]]
)
def test_an_answer_of_the_wrong_shape_is_a_violation(answer):
    with pytest.raises(Violation):
        checked_outcome(answer)


@pytest.mark.parametrize("value", [[], None, "", 0, False, {}])
def test_an_empty_return_value_survives_the_wire(value):
    assert checked_outcome(json.loads(json.dumps(Outcome("value", value=value).to_dict()))).value == value


@pytest.mark.parametrize("kind", ["protocol", "ended"])
def test_a_child_cannot_claim_the_graders_own_verdicts(kind):
    with pytest.raises(Violation, match="no known kind"):
        checked_outcome({"kind": kind, "message": "all is well"})


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_all(monkeypatch):
    from ftlab.grading.isolation import wire as module

    monkeypatch.setattr(module, "MAX_MESSAGE", 1 << 20)
    request_read, request_write = os.pipe()
    answer_read, theirs = os.pipe()
    ours = Wire(request_write, answer_read)
    written = []

    def flood() -> None:  # the pipe holds 64 KiB: the writer waits until the wire reads
        try:
            for _ in range(64):
                written.append(os.write(theirs, b"x" * (64 << 10)))
        except OSError:  # the wire closed its end
            pass

    writer = threading.Thread(target=flood, daemon=True)
    writer.start()
    try:
        with pytest.raises(Violation, match="a message longer than 1 MB"):
            ours.receive(time.monotonic() + 30)
    finally:
        ours.close()  # the writer's next write fails, so it ends before its pipe's number is reused
        writer.join(10)
        os.close(theirs)
        os.close(request_read)
    assert not writer.is_alive()
    assert sum(written) < 3 << 20, "it refused once it had more than the limit, not at the end of the line"


def test_each_byte_of_a_long_line_is_scanned_once(wire, monkeypatch):
    ours, theirs, _ = wire
    finds = []
    buffer_find = bytearray.find

    class Counting(bytearray):
        def find(self, sub, start=0, *rest):
            finds.append(len(self) - start)
            return buffer_find(self, sub, start, *rest)

    ours._buffer = Counting()
    # 40 KiB in all: less than a pipe holds, so no write is cut short if a busy machine lets a
    # receive expire before it reads
    assert os.write(theirs, b'{"a": "') == 7
    for _ in range(20):
        assert os.write(theirs, b"y" * 2048) == 2048
        with pytest.raises(Expired):
            ours.receive(time.monotonic() + 0.01)
    os.write(theirs, b'"}\n')
    assert ours.receive(time.monotonic() + 5) == {"a": "y" * 20 * 2048}
    assert sum(finds) <= 20 * 2048 + 100, "the scan does not start over at every chunk"


def test_what_the_child_wrote_unasked_is_pending(wire):
    ours, theirs, _ = wire
    assert not ours.pending()
    os.write(theirs, b'{"event": "ready"}\n')
    assert ours.pending()
