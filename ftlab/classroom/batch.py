"""Grading many submissions: one worker process per submission, as many at once as there are cores.

Workers come from a ``forkserver`` that has already imported pytest and its plugins, openai and
ftlab, with the encodings loaded (:mod:`ftlab.classroom.workers`; the graders replay stored examples, so
hypothesis is not needed), so each starts in milliseconds warm, with nothing left over from the
one before. Under bubblewrap each job also has a warmed template in the sandbox that forks the
child running learner code (:mod:`ftlab.grading.isolation.template`), reset between submissions.
A worker that crashes or runs past the time budget is killed and its submission marked "error".
Each result is handed on the moment it comes (to be written down), and when the coordinator is
interrupted every worker is stopped, with the sandboxed children it started.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ftlab.classroom import workers
from ftlab.classroom.graded import Graded, not_graded
from ftlab.classroom.submission import Submission
from ftlab.errors import FtlabError
from ftlab.grading.isolation import process as harness_process
from ftlab.grading.isolation.sandbox import Limits, Sandbox
from ftlab.grading.isolation.template import Slot, Template, started
from ftlab.grading.results import load_checks


@dataclass(frozen=True)
class Settings:
    """How a batch is graded."""

    graders: Path
    timeout: float
    sandbox: Sandbox
    jobs: int
    budget: float  # seconds one submission may take in all
    limits: Limits = Limits()
    templates: bool = True  # fork learner-code children from a warmed template per job (bubblewrap)


class Interrupted(FtlabError):
    """The grading was stopped by a signal (Ctrl+C, SIGTERM); what finished before it is kept."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.summary = "nothing graded"  # what was done, said by whoever knows

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


def _stop_worker(signum: int, frame: Any) -> None:
    """A worker told to stop: its sandboxed children go first, with everything they started."""
    harness_process.stop_all()
    os._exit(128 + signum)


def _work(connection: Any, function: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the coordinator's to handle
    signal.signal(signal.SIGTERM, _stop_worker)
    os.environ.pop("PYTEST_ADDOPTS", None)
    os.environ.pop("PYTEST_PLUGINS", None)
    try:
        connection.send(("ok", function(**kwargs)))
    except BaseException:  # noqa: BLE001 - the coordinator reports any failure of a worker
        connection.send(("failed", traceback.format_exc()))
    connection.close()


def _grade(submission: Submission, settings: Settings, slot: Slot | None = None) -> dict[str, Any]:
    from ftlab.classroom.runner import grade_submission  # in the worker (the forkserver preloaded it)

    return grade_submission(
        submission,
        graders=settings.graders,
        timeout=settings.timeout,
        sandbox=settings.sandbox,
        limits=settings.limits,
        slot=slot,
    ).to_dict()


def _blank(graders: Path) -> list[dict[str, Any]]:
    from ftlab.classroom.runner import blank_board

    return [c.to_dict() for c in blank_board(graders).checks]


def run_in_workers(
    tasks: Sequence[tuple[Callable[..., Any], dict[str, Any]]],
    *,
    jobs: int,
    budget: float,
    done: Callable[[int, tuple[str, Any]], None],
    templates: Sequence[Template] = (),
) -> None:
    """Run each ``function(**kwargs)`` in a fresh worker, ``jobs`` at a time.

    ``done(index, (state, value))`` is called as each ends. ``state`` is "ok" (value: the return
    value), "failed" (value: the traceback), "crashed" or "timeout" (value: an explanation).
    With ``templates``, each worker gets a free one's ``slot=``; it is reset before it is lent again
    (not when no task is left to lend it to: its owner closes it).
    """
    context = workers.context()
    pending = list(enumerate(tasks))
    running: dict[int, tuple[Any, Any, float]] = {}
    free, lent = list(templates), dict[int, Template]()

    def finished(index: int, result: tuple[str, Any]) -> None:
        if index in lent:
            template = lent.pop(index)
            free.append(template.recycled() if pending else template)
        done(index, result)

    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                index, (function, kwargs) = pending.pop(0)
                if free:
                    lent[index] = template = free.pop(0)
                    kwargs = {**kwargs, "slot": template.slot} if template.slot is not None else kwargs
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(sender, function, kwargs), daemon=True)
                running[index] = (process, receiver, float("inf"))  # stopped with the rest if interrupted
                process.start()
                running[index] = (process, receiver, time.monotonic() + budget)  # once it runs
                sender.close()
            _collect(running, budget, finished)
    finally:
        _stop(process for process, _, _ in running.values())


def _collect(
    running: dict[int, tuple[Any, Any, float]], budget: float, done: Callable[[int, tuple[str, Any]], None]
) -> None:
    """Wait a little for workers to finish; hand on the result of each that did (or ran out of time)."""
    now = time.monotonic()
    wait = max(0.0, min(deadline for _, _, deadline in running.values()) - now)
    ready = multiprocessing.connection.wait(
        [r for _, r, _ in running.values()] + [p.sentinel for p, _, _ in running.values()],
        timeout=min(wait, 1.0),
    )
    for index, (process, receiver, deadline) in list(running.items()):
        result: tuple[str, Any] | None = None
        if receiver in ready or process.sentinel in ready:
            try:
                result = receiver.recv()
            except (EOFError, OSError):
                process.join(5)
                result = (
                    "crashed",
                    f"the grading process ended unexpectedly (exit status {process.exitcode})",
                )
        elif time.monotonic() > deadline:
            result = ("timeout", f"grading took longer than {budget:g} s and was stopped")
        if result is None:
            continue
        _stop([process])
        receiver.close()
        del running[index]
        done(index, result)


def _stop(processes: Iterable[Any]) -> None:
    """Stop workers: SIGTERM first (each stops its sandboxed children), then SIGKILL if one lingers."""
    processes = [p for p in processes if p.pid is not None]
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


def grade_all(
    submissions: Sequence[Submission],
    settings: Settings,
    *,
    progress: TextIO | None = None,
    finished: Callable[[Graded], None] | None = None,
) -> list[Graded]:
    """Grade every submission; the results come back in the order given.

    ``finished(graded)`` is called with each as it comes (not yet given a blank scoreboard when
    it could not be graded). Raises :class:`Interrupted` if stopped by a signal on the way.
    """
    results: list[Graded | None] = [None] * len(submissions)
    bar = Progress(len(submissions), progress)

    def done(index: int, result: tuple[str, Any]) -> None:
        state, value = result
        submission = submissions[index]
        if state == "ok":
            record = Graded.from_dict(value)
        else:
            message = value.strip().splitlines()[-1] if state == "failed" else value
            record = Graded(
                submission.name,
                str(submission.path),
                "error",
                message=message,
                sandbox=settings.sandbox.kind,
                log=value if state == "failed" else "",
            )
        results[index] = record
        bar.advance(record)
        if finished is not None:
            finished(record)

    tasks = [(_grade, {"submission": s, "settings": settings}) for s in submissions]
    workers.start()  # its imports run beside the templates' start (a caller may have started it earlier)
    templates = started(settings.sandbox, min(settings.jobs, len(submissions))) if settings.templates else []
    try:
        run_in_workers(tasks, jobs=settings.jobs, budget=settings.budget, done=done, templates=templates)
    finally:
        bar.close()
        for template in templates:
            template.close()
    graded = [r for r in results if r is not None]
    fill_blank_boards(graded, settings)
    return graded


def fill_blank_boards(graded: Sequence[Graded], settings: Settings | None) -> None:
    """Give submissions that could not be graded every check at zero, so reports show the full maximum.

    Without ``settings`` (no worker may start: an interrupted run), only from a graded board.
    """
    missing = [g for g in graded if not g.board.checks]
    if not missing:
        return
    template = next((g.board for g in graded if g.board.checks and g.status == "graded"), None)
    if template is None and settings is not None:
        box: list[Any] = []
        run_in_workers(
            [(_blank, {"graders": settings.graders})], jobs=1, budget=120, done=lambda i, r: box.append(r)
        )
        template = load_checks(box[0][1]) if box and box[0][0] == "ok" else None
    for item in missing:
        if template is not None:
            item.board = not_graded(template, item.message)


class Progress:
    """A progress bar on a terminal, one line per submission otherwise (CI logs)."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream = total, stream
        self.count = self.problems = 0
        self.started = time.monotonic()
        self.live = bool(stream is not None and stream.isatty())

    def advance(self, graded: Graded) -> None:
        self.count += 1
        self.problems += graded.status != "graded"
        if self.stream is None:
            return
        rate = self.count / max(time.monotonic() - self.started, 1e-9)
        if self.live:
            filled = int(30 * self.count / max(self.total, 1))
            extra = f", {self.problems} not graded" if self.problems else ""
            bar = f"[{'#' * filled}{'.' * (30 - filled)}]"
            self.stream.write(f"\r{bar} {self.count}/{self.total} graded{extra} ({rate:.1f}/s)")
        else:
            score = f"{graded.board.points:g}/{graded.board.max_points:g}" if graded.board.checks else "-"
            self.stream.write(f"[{self.count}/{self.total}] {graded.name}: {graded.status} {score}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.live:
            self.stream.write("\n")
            self.stream.flush()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
