"""Reading and writing JSONL training files: streaming, line-numbered, and never half-written."""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ftlab.dataset import limits
from ftlab.dataset.problems import Problem
from ftlab.errors import FtlabError

_BOM = b"\xef\xbb\xbf"
#: Byte-order marks of the encodings a JSONL file must not be in, longest first.
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@dataclass(frozen=True)
class Line:
    """One line of a JSONL file: its 1-based number, the parsed value, or why it could not be read."""

    number: int
    record: object = None
    problem: Problem | None = None
    parsed: bool = False
    #: The record is known to pass ``limits.value_problems`` (no number read as infinity, too few
    #: brackets on the line to nest too deep): what reading it found out for free.
    plain: bool = False


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Line]:
    """Yield every line of a JSONL file, one at a time, surviving bad lines.

    Invalid JSON, invalid UTF-8 and blank lines come back as a ``Line`` with a problem and no
    record; a byte-order mark is stripped with a warning and the line is read (with an error
    after the first line). A UTF-16 or UTF-32 file is one problem on line 1, and CR-only line
    endings are named as such; a line longer than the cap (:mod:`ftlab.dataset.limits`) and JSON
    nested too deep are problems of their own. Memory stays flat whatever the file's size (and
    a line's length). Raises ``OSError``
    when the file cannot be opened.
    """
    with open(path, "rb") as stream:
        for number, raw in enumerate(limits.lines(stream), start=1):
            if isinstance(raw, limits.OverlongLine):
                yield Line(number, problem=raw.problem())
                continue
            encoding = _wide_encoding(raw) if number == 1 else None
            if encoding is not None:
                yield Line(1, problem=Problem("wrong_encoding", f"this file is {encoding}; save it as UTF-8"))
                return
            yield _parse(number, raw)


def _wide_encoding(first: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when the first line is in one (by its byte-order mark or its NUL bytes)."""
    for mark, name in _OTHER_BOMS:
        if first.startswith(mark):
            return name
    sample = first[:64]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 4 * 4]

    def nul(start: int, step: int) -> bool:
        return not any(sample[start::step])

    if (nul(1, 4) and nul(2, 4) and nul(3, 4)) or (nul(0, 4) and nul(1, 4) and nul(2, 4)):
        return "UTF-32"
    return "UTF-16" if nul(1, 2) or nul(0, 2) else None


def _bom(number: int) -> Problem:
    if number == 1:
        return Problem(
            "bom",
            "the file starts with a UTF-8 byte-order mark (BOM); it was ignored, but save as plain UTF-8",
            "warning",
        )
    return Problem("bom_mid_file", f"line {number} starts with a byte-order mark (U+FEFF): remove it")


def _parse(number: int, raw: bytes) -> Line:
    bom = None
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
        bom = _bom(number)
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
    if not text or text.isspace():  # all whitespace (as strip() would find), without a copy
        return Line(
            number,
            problem=Problem(
                "blank_line", "blank line skipped; JSONL wants exactly one example per line", "warning"
            ),
        )
    plain = raw.count(b"[") + raw.count(b"{") <= limits.MAX_DEPTH  # no deeper nesting possible
    try:
        try:
            record = _DECODER.decode(text)
        except _Overflow:  # a number too large for a float: read it as infinity, and say so later
            record, plain = _LENIENT.decode(text), False
    except (json.JSONDecodeError, ValueError) as error:
        if b"\r" in raw and sum(1 for part in raw.split(b"\r") if part.strip()) > 1:
            return Line(number, problem=_CR_ONLY)
        return Line(number, problem=Problem("invalid_json", f"not valid JSON: {_json_reason(error)}"))
    except RecursionError:
        return Line(number, problem=limits.too_deep())
    return Line(number, record, bom, parsed=True, plain=plain)


_CR_ONLY = Problem("cr_line_endings", "the file uses CR-only line endings (old Mac style); use LF")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON (use null or a number)")


class _Overflow(FtlabError):
    """A number literal too large for a 64-bit float (such as 1e400)."""


def _finite_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise _Overflow
    return value


_LENIENT = json.JSONDecoder(parse_constant=_reject_constant)  # one each (json.loads builds one a line)
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


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


class UnwritableOutput(FtlabError, OSError):
    """An output path ftlab will not or cannot write: not a regular file, or no folder to write it in."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


_KINDS = (
    (stat.S_ISREG, "a file"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device (like /dev/null)"),
    (stat.S_ISBLK, "a block device (a disk)"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def output_target(path: str | os.PathLike[str]) -> Path:
    """The regular file that writing ``path`` replaces: ``path`` itself, or the file its symlink names.

    Raises :class:`UnwritableOutput` for anything else: a device, a folder, a pipe or a socket
    (never replaced), a symlink to one of those or to nothing, a missing folder, a name the
    system refuses.
    """
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        _check_folder(path, path.parent)
        return path
    except OSError as error:
        raise UnwritableOutput(path, error.strerror or str(error)) from None
    if stat.S_ISLNK(mode):
        return _through_symlink(path)
    if not stat.S_ISREG(mode):
        raise UnwritableOutput(path, f"is {_kind(mode)}, not a regular file; ftlab will not replace it")
    return path


def _through_symlink(path: Path) -> Path:
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        _check_folder(path, real.parent)
        raise UnwritableOutput(
            path,
            f"is a symlink to {real}, which does not exist; ftlab writes through a symlink only to a file",
        ) from None
    except OSError as error:
        raise UnwritableOutput(path, f"is a symlink to {real}: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        raise UnwritableOutput(
            path, f"is a symlink to {real}, {_kind(mode)}, not a regular file; ftlab will not replace it"
        )
    return real


def _check_folder(path: Path, folder: Path) -> None:
    try:
        mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise UnwritableOutput(path, f"the folder {folder} does not exist; create it first") from None
    except OSError as error:
        raise UnwritableOutput(path, f"the folder {folder}: {error.strerror or error}") from None
    if not stat.S_ISDIR(mode):
        raise UnwritableOutput(path, f"{folder} is {_kind(mode)}, not a folder")


class atomic_writer:  # noqa: N801 - used like open()
    """``with atomic_writer(path) as f:`` writes text to ``path`` all at once or not at all.

    Only a regular file is ever replaced; through a symlink, the regular file it names is
    (``target`` says which). Anything else raises :class:`UnwritableOutput` (an ``OSError``)
    before a byte is written.
    """

    def __init__(self, path: str | os.PathLike[str], *, encoding: str = "utf-8") -> None:
        self.path = Path(path)
        self.target = self.path
        self.encoding = encoding

    def __enter__(self) -> TextIO:
        self.target = output_target(self.path)
        folder = self.target.parent
        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=folder)
        except OSError as error:
            raise UnwritableOutput(
                self.path, f"cannot write in the folder {folder}: {error.strerror or error}"
            ) from None
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
                target = self.target
                mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_UMASK
                os.chmod(self._tmp, mode)
                os.replace(self._tmp, target)
        finally:
            self._tmp.unlink(missing_ok=True)
