"""The limits a file is held to: line length read in bounded chunks, nesting depth, non-finite numbers."""

from __future__ import annotations

import io
import math

from ftlab.dataset import limits


def test_lines_under_the_cap_come_back_whole_with_their_newlines():
    assert list(limits.lines(io.BytesIO(b"ab\ncd\n\nef"), max_bytes=4)) == [b"ab\n", b"cd\n", b"\n", b"ef"]


def test_a_line_over_the_cap_is_skipped_and_measured_and_the_next_line_is_read():
    stream = io.BytesIO(b"x" * 50 + b"\r\nok\n" + b"y" * 30)
    got = list(limits.lines(stream, max_bytes=10))
    assert got == [limits.OverlongLine(50, 10), b"ok\n", limits.OverlongLine(30, 10)]
    assert "line is longer than 10 bytes (50 bytes)" in got[0].problem().message


class Zeros(io.RawIOBase):
    """/dev/zero made in the test: endless NUL bytes, counting what was read."""

    def __init__(self, limit: int) -> None:
        self.limit, self.served = limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.limit - self.served)
        buffer[:n] = b"\0" * n
        self.served += n
        return n


def test_an_endless_line_is_read_in_bounded_pieces_never_held_whole():
    source = Zeros(40 * 1024 * 1024)
    (item,) = list(limits.lines(io.BufferedReader(source), max_bytes=1024))
    assert item == limits.OverlongLine(40 * 1024 * 1024, 1024)


def test_the_default_cap_is_16_mib():
    assert limits.MAX_LINE_BYTES == 16 * 1024 * 1024


def test_nesting_is_measured_without_recursion_and_capped_at_64_levels():
    value: object = 1
    for _ in range(64):
        value = [value]
    assert limits.value_problems(value) == []
    assert [p.code for p in limits.value_problems([value])] == ["nested_too_deep"]
    for _ in range(100_000):
        value = {"a": value}
    assert [p.code for p in limits.value_problems(value)] == ["nested_too_deep"]


def test_a_non_finite_number_anywhere_is_a_problem():
    assert [p.code for p in limits.value_problems({"a": [1, {"b": math.inf}]})] == ["non_finite_number"]
    assert limits.value_problems({"a": [1.5, True, None, "x"]}) == []


def test_the_file_size_limit_is_openais_512_mb(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"{}\n")
    assert limits.MAX_FILE_BYTES == 512 * 1024 * 1024
    assert limits.file_too_large(path) is None
    assert limits.file_too_large(tmp_path / "missing") is None
    assert "at most 512 MB" in limits.file_size_problem(limits.MAX_FILE_BYTES + 1).message
