"""Reading and writing JSONL training files: streaming, line-numbered, and never half-written."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ftlab.dataset.problems import Problem

_BOM = b"\xef\xbb\xbf"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@dataclass(frozen=True)
class Line:
    """One line of a JSONL file: its 1-based number, the parsed value, or why it could not be read."""

    number: int
    record: object = None
    problem: Problem | None = None
    parsed: bool = False


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Line]:
    """Yield every line of a JSONL file, one at a time, surviving bad lines.

    Invalid JSON, invalid UTF-8 and blank lines come back as a ``Line`` with a problem and no
    record; a byte-order mark is stripped with a warning and the line is read. Memory stays
    flat whatever the file's size. Raises ``OSError`` when the file cannot be opened.
    """
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            yield _parse(number, raw)


def _parse(number: int, raw: bytes) -> Line:
    bom = None
    if number == 1 and raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
        bom = Problem(
            "bom",
            "the file starts with a UTF-8 byte-order mark (BOM); it was ignored, but save as plain UTF-8",
            "warning",
        )
    raw = raw.rstrip(b"\r\n")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Line(
            number,
            problem=Problem(
                "invalid_utf8",
                f"not valid UTF-8 (bad byte {raw[error.start]:#04x} at byte {error.start + 1}); "
                "save the file as UTF-8",
            ),
        )
    if not text.strip():
        return Line(
            number,
            problem=Problem(
                "blank_line", "blank line skipped; JSONL wants exactly one example per line", "warning"
            ),
        )
    try:
        record = _DECODER.decode(text)
    except (json.JSONDecodeError, ValueError) as error:
        return Line(number, problem=Problem("invalid_json", f"not valid JSON: {_json_reason(error)}"))
    return Line(number, record, bom, parsed=True)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON (use null or a number)")


_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant
)  # one decoder: json.loads(..., parse_constant=) builds one per line


def _json_reason(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (column {error.colno})"
    return str(error)


def dumps(record: object) -> str:
    """One JSONL line (no newline): compact, UTF-8 kept as is, no ASCII escapes."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def write_jsonl(records: Iterable[object], path: str | os.PathLike[str]) -> int:
    """Write records as a UTF-8 JSONL file atomically and return how many were written.

    The file appears whole or not at all: lines go to a temporary file beside the target,
    which replaces it only once everything is written and flushed to disk.
    """
    count = 0
    with atomic_writer(path) as stream:
        for record in records:
            stream.write(dumps(record) + "\n")
            count += 1
    return count


class atomic_writer:  # noqa: N801 - used like open()
    """``with atomic_writer(path) as f:`` writes text to ``path`` all at once or not at all."""

    def __init__(self, path: str | os.PathLike[str], *, encoding: str = "utf-8") -> None:
        self.path = Path(path)
        self.encoding = encoding

    def __enter__(self) -> TextIO:
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent or ".")
        self._tmp = Path(name)
        self._stream = os.fdopen(fd, "w", encoding=self.encoding, newline="\n")
        return self._stream

    def __exit__(
        self,
        kind: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self._stream.flush()
                os.fsync(self._stream.fileno())
            self._stream.close()
            if kind is None:
                mode = self.path.stat().st_mode & 0o7777 if self.path.exists() else 0o666 & ~_UMASK
                os.chmod(self._tmp, mode)
                os.replace(self._tmp, self.path)
        finally:
            self._tmp.unlink(missing_ok=True)
