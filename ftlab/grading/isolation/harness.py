"""The harness that runs inside the sandbox: loads the learner's code and answers calls as plain data.

It speaks newline-delimited JSON on two inherited file descriptors that are not stdout or
stderr, so nothing the learner prints can pass for an answer. Started by
:class:`ftlab.grading.isolation.backend.IsolatedBackend`, never by hand::

    python -I -B -c "...; from ftlab.grading.isolation.harness import main; main('CONFIG_JSON')"

Messages it sends: ``{"event": "ready"}`` once, then per request ``{"id", "event": "loaded",
"notes"}`` the first time an exercise's module is available (before calling into it), and
``{"id", "outcome"}``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import re
import resource
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ftlab.grading.cells import HEADER, is_cell_file, run_cells, split_cells
from ftlab.grading.isolation import blocker, landlock
from ftlab.grading.isolation.sandbox import Limits
from ftlab.grading.isolation.wire import MAX_MESSAGE, NOT_SENDABLE, TOO_LARGE_TO_SEND, Batch
from ftlab.grading.outcomes import Outcome
from ftlab.grading.seam import importable, load_module, run_call
from ftlab.grading.warmup import known, start_in_background, warm_only

_NOTEBOOK_NAME = re.compile(re.escape(HEADER.split("{", 1)[0]) + r"(.+?), run one by one")


def main(config_json: str) -> None:
    """Run the harness with its configuration (JSON, written into the command that starts it)."""
    config = json.loads(config_json)
    _die_with_parent(config["parent"])
    warm_up(config.get("warms"))
    serve(config)


def warm_up(names: Iterable[str] | None = None) -> None:
    """Load now what a learner's timed call would load lazily: the lazy loads named (None: all of
    them, openai and every encoding), the encodings building in a thread meanwhile, joined (one
    thread left, to fork); openai's with the platform's description."""
    names = known() if names is None else tuple(names)
    background = start_in_background(names)
    warm_only(names)
    if background is not None:
        background.join()


def serve(config: dict[str, Any]) -> None:
    """Confine this (warm) process, load nothing yet, say "ready", then answer requests until EOF.

    Called by :func:`main` in a fresh child, and by :mod:`ftlab.grading.isolation.zygote` in a
    child forked from the warmed template.
    """
    for stream in (sys.stdout, sys.stderr):  # what the learner prints is in the log even if killed
        stream.reconfigure(line_buffering=True, write_through=True)  # type: ignore[union-attr]
    # a grading worker ignores it; learner code may not
    signal.signal(signal.SIGINT, signal.default_int_handler)
    out_fd = config["out_fd"]
    requests = os.fdopen(config["in_fd"], "rb", buffering=0)
    harness = Harness(
        Path(config["root"]), timeout=config["timeout"], send=lambda message: _send(out_fd, message)
    )
    _apply_limits(Limits.from_dict(config["limits"]), sandboxed=config["sandboxed"])
    blocker.install(config.get("modules", ["ftlab.learner"]))  # the engine is not there; say so plainly
    harness.open_imports()
    _send(out_fd, {"event": "ready", **landlock.apply_from_config(config)})
    buffer = b""
    while True:
        chunk = requests.read(65536)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            harness.handle(json.loads(line))


class Harness:
    """Loads exercise modules once each and runs calls on them, sending each answer as it comes."""

    def __init__(self, root: Path, *, timeout: float, send: Callable[[dict[str, Any]], None]) -> None:
        self.root = root
        self.timeout = timeout
        self.send = send
        self._modules: dict[Path, Any] = {}
        self._notes: dict[Path, list[str]] = {}
        self._announced: set[str] = set()

    def open_imports(self) -> None:
        """Put the submission's folder on the import path: a folder of exercises, a notebook's helpers."""
        if self.root.is_dir():
            importable(self.root)
        elif is_cell_file(self.root):
            importable(self.root.parent)

    def source(self, slug: str) -> Path:
        return self.root if self.root.is_file() else self.root / f"{slug}.py"

    def handle(self, request: dict[str, Any]) -> None:
        """Answer one call (``args``, ``kwargs``), or several in turn (``calls``: each answer indexed)."""
        ident, slug, function = request["id"], request["exercise"], request["function"]
        source = self.source(slug)
        batch = request.get("calls")
        module = self._load(source)
        if isinstance(module, Outcome):
            self.send(_answer(ident, 0 if batch is not None else None, blocker.explained(module)))
            return
        if slug not in self._announced:  # before the call: if it ends the process, the import did not
            self._announced.add(slug)
            self.send({"id": ident, "event": "loaded", "notes": self._notes.get(source, [])})
        timeout = float(request.get("timeout", self.timeout))  # shorter once hangs used up their budget
        if batch is None:
            outcome = self._run(module, function, request["args"], request["kwargs"], source, timeout)
            self.send(_answer(ident, None, outcome))
            return
        for index, call in enumerate(batch):
            outcome = self._run(module, function, call["args"], call["kwargs"], source, timeout)
            self.send(_answer(ident, index, outcome))
            if Batch.stops(outcome):  # an error may end the check: the grader asks again for the rest
                return

    def _run(
        self, module: Any, function: str, args: Any, kwargs: Any, source: Path, timeout: float
    ) -> Outcome:
        target = getattr(module, function, None)
        if function.startswith("_") or not callable(target):
            return blocker.explained(Outcome("missing"))
        outcome = run_call(target, args, kwargs, source=source, timeout=timeout)
        notebook = Notebook.of(source)
        if notebook is not None and outcome.traceback:
            outcome = dataclasses.replace(outcome, traceback=notebook.traceback(outcome.traceback, source))
        return blocker.explained(outcome)

    def _load(self, source: Path) -> Any:
        if source not in self._modules:
            if source.is_file() and is_cell_file(source):
                self._modules[source], notes = run_cells(source, cell_timeout=self.timeout or 60.0)
                notebook = Notebook.of(source)
                self._notes[source] = notebook.notes(notes) if notebook is not None else notes
            else:
                self._modules[source] = load_module(source)
        return self._modules[source]


class Notebook:
    """A notebook's cells as written for grading: maps a line of the merged file back to its cell."""

    def __init__(self, name: str, starts: list[tuple[int, int]]) -> None:
        self.name, self.starts = name, starts  # (cell number, first line in the merged file)

    @classmethod
    def of(cls, source: Path) -> Notebook | None:
        """The notebook ``source`` holds the cells of, or None when it is an ordinary module."""
        if not is_cell_file(source):
            return None
        text = source.read_text(encoding="utf-8")
        match = _NOTEBOOK_NAME.match(text)
        starts = [(number, first) for number, first, _ in split_cells(text)]
        return cls(match.group(1) if match else source.name, starts)

    def where(self, line: int) -> str:
        """``"cell 7, line 1"`` for a line of the merged file."""
        cell = max(
            ((n, first) for n, first in self.starts if first <= line), key=lambda c: c[1], default=None
        )
        return f"line {line}" if cell is None else f"cell {cell[0]}, line {line - cell[1] + 1}"

    def notes(self, notes: list[str]) -> list[str]:
        """Notes of :func:`ftlab.grading.cells.run_cells` with their lines counted within each cell."""
        firsts = dict(self.starts)

        def within(note: str) -> str:
            match = re.match(r"code cell (\d+)", note)
            first = firsts.get(int(match.group(1))) if match else None
            if first is None:
                return note
            return re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) - first + 1}", note)

        return [within(n) for n in notes]

    def traceback(self, text: str, source: Path) -> str:
        """A traceback's lines in the merged file named as the learner sees them."""
        pattern = re.compile(rf'File "{re.escape(str(source))}", line (\d+)')
        return pattern.sub(lambda m: f'File "{self.name}", {self.where(int(m.group(1)))}', text)


def _one_line(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError on line {error.lineno}: {error.msg}"
    return f"{type(error).__name__}: {error}"


def _answer(ident: Any, index: int | None, outcome: Outcome) -> dict[str, Any]:
    """An answer on the wire: a batch's answers say which of its calls they answer."""
    if index is None:
        return {"id": ident, "outcome": outcome.to_dict()}
    return {"id": ident, "index": index, "outcome": outcome.to_dict()}


def _send(fd: int, message: dict[str, Any]) -> None:
    view = memoryview(_encoded(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _encoded(message: dict[str, Any]) -> bytes:
    """One message as a JSON line; an outcome that cannot be sent becomes a "not_plain" one saying why."""
    try:
        data = json.dumps(message, allow_nan=False).encode() + b"\n"
    except (MemoryError, ValueError, RecursionError) as error:
        if "outcome" not in message:
            raise
        return _refusal(message["id"], f"{NOT_SENDABLE} ({type(error).__name__})", message.get("index"))
    if len(data) > MAX_MESSAGE and "outcome" in message:
        size = f"{len(data) / 1024**2:.0f} MB as JSON"
        return _refusal(message["id"], f"{TOO_LARGE_TO_SEND} ({size})", message.get("index"))
    return data


def _refusal(ident: Any, reason: str, index: Any = None) -> bytes:
    outcome = {"kind": "not_plain", "message": f"{reason}; return less data"}
    where = {} if index is None else {"index": index}
    return json.dumps({"id": ident, **where, "outcome": outcome}).encode() + b"\n"


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the grader that started it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:
        os._exit(1)


def _apply_limits(limits: Limits, *, sandboxed: bool) -> None:
    signal.signal(
        signal.SIGXFSZ, signal.SIG_IGN
    )  # too much output fails the write (EFBIG) instead of killing
    _limit(resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 5)
    _limit(resource.RLIMIT_AS, limits.memory_bytes)
    _limit(resource.RLIMIT_FSIZE, limits.file_bytes)
    _limit(resource.RLIMIT_NOFILE, limits.open_files)
    _limit(resource.RLIMIT_CORE, 0)
    running = 0 if sandboxed else _tasks_of_this_user()
    if running is not None:  # unknown (no /proc): a limit below what already runs would stop every fork
        _limit(resource.RLIMIT_NPROC, running + limits.processes)


def _limit(which: int, soft: int, hard: int | None = None) -> None:
    """Lower a limit to ``soft``/``hard``, never above a hard limit already set; skip it if the OS refuses."""
    _, current_hard = resource.getrlimit(which)
    hard = soft if hard is None else hard
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    for limits in ((soft, hard), (soft, current_hard)):
        try:
            resource.setrlimit(which, limits)
            return
        except (ValueError, OSError):
            continue


def _tasks_of_this_user() -> int | None:
    """Threads already running as this user (RLIMIT_NPROC counts them all, not just ours)."""
    uid, count = os.getuid(), 0
    if not os.path.isdir("/proc"):
        return None
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                status = Path(entry.path, "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("Uid", "").split()[:1] == [str(uid)]:
                count += int(fields.get("Threads", "1"))
    return count
