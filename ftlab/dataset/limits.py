"""The limits a training file is held to before its rules are checked: size, line length, nesting.

- ``MAX_FILE_BYTES``: OpenAI's Files API takes files of at most 512 MB; a bigger file is refused
  at upload, so ``ftlab validate`` refuses it too (checked from the file's size, never by reading it).
- ``MAX_LINE_BYTES``: 16 MiB by default. A real example is at most a model's training context
  (65,536 tokens for gpt-4o-mini, 4 bytes a token at most: 256 KiB) plus tool definitions; a
  vision example with base64 images inline (at most 10 images of 10 MB each are allowed per
  example) is the one honest exception, so the cap is configurable (``lines(..., max_bytes=)``).
  An over-long line is skipped in chunks, never held in memory whole.
- ``MAX_DEPTH``: 64 levels of lists and objects. Real records nest a handful of levels (a tool's
  JSON Schema parameters perhaps a dozen); deeper values would exhaust Python's stack in the
  JSON parser and in every walk of the record.
- Numbers JSON can write but no double can hold (``1e400`` reads as infinity) are refused: the
  API would have to store them as ``Infinity``, which is not JSON.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ftlab.dataset.problems import Problem

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
_CHUNK = 1024 * 1024

#: The codes of the limits, with what each means.
CODES: dict[str, str] = {
    "file_too_large": "the file is larger than the 512 MB OpenAI's Files API accepts",
    "line_too_long": f"a line is longer than the cap ({MAX_LINE_BYTES:,} bytes by default)",
    "nested_too_deep": f"a value is nested more than {MAX_DEPTH} levels deep",
    "non_finite_number": "a number too large for a 64-bit float (such as 1e400), which reads as infinity",
}


@dataclass(frozen=True)
class OverlongLine:
    """A line longer than the cap, skipped: how many bytes it has (newline excluded)."""

    n_bytes: int
    max_bytes: int

    def problem(self) -> Problem:
        return line_too_long(self.n_bytes, self.max_bytes)


def lines(stream: BinaryIO, max_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes | OverlongLine]:
    """Each line of a binary stream (newline kept), or an ``OverlongLine`` for one over ``max_bytes``.

    Memory stays below ``max_bytes`` plus a megabyte, whatever the line: the rest of an over-long
    line is read in chunks and dropped. A stream that never ends (``/dev/zero``) is read forever,
    one bounded chunk at a time.
    """
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield raw
            continue
        yield OverlongLine(len(raw) + _skip_line(stream), max_bytes)


def _skip_line(stream: BinaryIO) -> int:
    """Read to the end of the current line; how many bytes it had (the newline not counted)."""
    skipped = 0
    while True:
        chunk = stream.readline(_CHUNK)
        if not chunk:
            return skipped
        if chunk.endswith(b"\n"):
            return skipped + len(chunk.rstrip(b"\r\n"))
        skipped += len(chunk)


def line_too_long(n_bytes: int, max_bytes: int = MAX_LINE_BYTES) -> Problem:
    return Problem(
        "line_too_long",
        f"this line is longer than {max_bytes:,} bytes ({n_bytes:,} bytes): it was skipped unread; "
        "an example this long is not a real training example (is the file one huge line?)",
    )


def too_deep() -> Problem:
    """The problem of a line nested deeper than ``MAX_DEPTH`` (also for a JSON parser's RecursionError)."""
    return Problem(
        "nested_too_deep",
        f"this line nests lists or objects more than {MAX_DEPTH} levels deep; "
        "no training example needs that, and it cannot be checked",
    )


def value_problems(value: object) -> list[Problem]:
    """What is wrong with a parsed JSON value as a whole: nesting too deep, numbers out of range."""
    problems: list[Problem] = []
    stack: list[tuple[object, int]] = [(value, 0)]
    infinite = False
    while stack:
        item, depth = stack.pop()
        if type(item) is dict:
            children: list[object] = list(item.values())
        elif type(item) is list:
            children = item
        else:
            infinite = infinite or (type(item) is float and not math.isfinite(item))
            continue
        if depth >= MAX_DEPTH:
            return [too_deep()]
        stack.extend((child, depth + 1) for child in children)
    if infinite:
        problems.append(
            Problem(
                "non_finite_number",
                "a number on this line is too large for a 64-bit float (such as 1e400) and reads as "
                "infinity, which JSON cannot carry back: write it as a string or a smaller number",
            )
        )
    return problems


def file_too_large(path: str | os.PathLike[str]) -> Problem | None:
    """The problem of a file over OpenAI's 512 MB upload limit (from its size, never by reading it)."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return None
    if size <= MAX_FILE_BYTES:
        return None
    return file_size_problem(size)


def file_size_problem(size: int) -> Problem:
    return Problem(
        "file_too_large",
        f"the file is {size:,} bytes; OpenAI's Files API accepts at most {MAX_FILE_BYTES // 2**20} MB "
        f"({MAX_FILE_BYTES:,} bytes): split it, or keep fewer examples",
        field="training_file",
    )
