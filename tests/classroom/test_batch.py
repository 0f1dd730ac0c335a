"""Many submissions at once: each in its own worker; one that crashes or hangs does not stop the rest."""

from __future__ import annotations

import io
import os
import time

from ftlab.classroom.batch import Progress, default_jobs, run_in_workers
from ftlab.classroom.runner import Graded
from ftlab.grading.results import CheckResult, Scoreboard
from tests.paths import ROOT


def double(value: int) -> int:
    return value * 2


def crash(value: int) -> int:
    os._exit(7)


def hang(value: int) -> int:
    time.sleep(60)
    return value


def fail(value: int) -> int:
    raise KeyError(f"no {value}")


def _run(tasks, *, jobs=2, budget=20.0):
    results: dict[int, tuple[str, object]] = {}
    run_in_workers(
        tasks, jobs=jobs, budget=budget, done=lambda index, result: results.__setitem__(index, result)
    )
    return [results[i] for i in range(len(tasks))]


def test_each_task_reports_in_its_own_slot_whatever_the_others_do():
    started = time.monotonic()
    results = _run(
        [
            (double, {"value": 1}),
            (crash, {"value": 2}),
            (hang, {"value": 3}),
            (fail, {"value": 4}),
            (double, {"value": 5}),
        ],
        budget=3,
    )
    assert results[0] == ("ok", 2) and results[4] == ("ok", 10)
    assert results[1] == ("crashed", "the grading process ended unexpectedly (exit status 7)")
    assert results[2] == ("timeout", "grading took longer than 3 s and was stopped")
    assert results[3][0] == "failed" and "KeyError: 'no 4'" in results[3][1]
    assert time.monotonic() - started < 30, "the hung worker was killed at its budget"


def test_no_more_workers_than_jobs_run_at_once():
    started = time.monotonic()
    results = _run([(hang, {"value": 1}), (hang, {"value": 2}), (double, {"value": 3})], jobs=2, budget=2)
    assert [r[0] for r in results] == ["timeout", "timeout", "ok"]
    assert time.monotonic() - started >= 2, "the third task waited for a free slot"


def _graded(name: str, status: str = "graded") -> Graded:
    return Graded(
        name, name, status, board=Scoreboard([CheckResult("test_a", "ex1_build_example", 1.0, 2.0, "failed")])
    )


def test_without_a_terminal_progress_is_one_line_per_submission():
    stream = io.StringIO()
    progress = Progress(2, stream)
    progress.advance(_graded("alice"))
    progress.advance(_graded("bob", "error"))
    progress.close()
    assert stream.getvalue() == "[1/2] alice: graded 1/2\n[2/2] bob: error 1/2\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_a_bar_redrawn_in_place():
    stream = _Terminal()
    progress = Progress(4, stream)
    progress.advance(_graded("alice"))
    progress.advance(_graded("bob", "malformed"))
    progress.close()
    last = stream.getvalue().split("\r")[-1]
    assert last.startswith("[" + "#" * 15 + "." * 15 + "] 2/4 graded, 1 not graded (") and last.endswith(
        "/s)\n"
    )


def test_default_jobs_is_the_cores_this_process_may_use():
    assert 1 <= default_jobs() <= (os.cpu_count() or 1)


def test_a_class_where_nothing_could_be_graded_still_shows_every_check(tmp_path):

    from ftlab.classroom.batch import Settings, grade_all
    from ftlab.classroom.runner import blank_board
    from ftlab.classroom.submission import find_submissions
    from ftlab.grading.isolation.sandbox import Sandbox

    (tmp_path / "only.ipynb").write_text("not a notebook")
    graders = ROOT / "graders"
    settings = Settings(
        graders=graders, timeout=5, sandbox=Sandbox("process", reason="test"), jobs=1, budget=120
    )
    [graded] = grade_all(find_submissions([str(tmp_path / "only.ipynb")]), settings)
    assert graded.status == "malformed" and graded.board.points == 0
    assert [c.name for c in graded.board.checks] == [c.name for c in blank_board(graders).checks]
    assert all(
        c.feedback.startswith("not graded: only.ipynb: not a notebook Jupyter can open")
        for c in graded.board.checks
    )


def dirty(value: int, slot=None) -> list[str]:
    """Says what its slot's folders held when it came, then leaves something in each."""
    seen = sorted(os.listdir(slot.staging)) + sorted(os.listdir(slot.scratch))
    (slot.staging / "left_behind.py").write_text("x")
    (slot.scratch / "left_behind").mkdir()
    return seen


def crash_with_a_slot(value: int, slot=None) -> int:
    os._exit(7)


def test_a_template_is_lent_to_one_worker_at_a_time_and_emptied_before_the_next():
    import pytest

    from ftlab.grading.isolation.sandbox import find_sandbox
    from ftlab.grading.isolation.template import started, usable

    sandbox = find_sandbox()
    if not usable(sandbox):
        pytest.skip("templates need bubblewrap and Landlock ABI 6+")
    templates = started(sandbox, 1)
    results: dict[int, tuple[str, object]] = {}
    tasks = [
        (dirty, {"value": 0}),
        (crash_with_a_slot, {"value": 1}),
        (dirty, {"value": 2}),
        (dirty, {"value": 3}),
    ]
    try:
        run_in_workers(
            tasks,
            jobs=1,
            budget=60,
            done=results.__setitem__,
            templates=templates,  # type: ignore[arg-type]
        )
    finally:
        for template in templates:
            template.close()
    assert [results[i][0] for i in range(4)] == ["ok", "crashed", "ok", "ok"]
    assert [results[i][1] for i in (0, 2, 3)] == [[], [], []]


class _CountedTemplate:
    """A stand-in template (no slot to lend) that counts its resets."""

    slot = None

    def __init__(self) -> None:
        self.resets = 0

    def recycled(self) -> _CountedTemplate:
        self.resets += 1
        return self


def test_a_template_is_reset_between_submissions_but_not_after_the_last_its_owner_closes_it():
    template = _CountedTemplate()
    results: dict[int, tuple[str, object]] = {}
    tasks = [(double, {"value": v}) for v in range(3)]
    run_in_workers(tasks, jobs=1, budget=60, done=results.__setitem__, templates=[template])  # type: ignore[list-item]
    assert [results[i] for i in range(3)] == [("ok", 0), ("ok", 2), ("ok", 4)]
    assert template.resets == 2, "reset before each next submission; the caller closes it after the last"
