"""The learner's screen: how a graded pytest run ends, so that a terminal shows what matters.

A graded run (``pytest exercises/``, one exercise file, ``-k``, or ``pytest graders/ --impl ...``)
ends with a short failure section (one line per failing check: its exercise, task, points, hint
and the first line of what went wrong; left out when they all fit below), the scoreboard and
"What to fix next" (the first few of those lines). pytest's own per-check failure sections and
its short test summary (the ``FAILED ...`` list) are left out for graded checks; ``-v`` or
``--ftlab-debug`` keeps them (full detail), still above the scoreboard. Reports of checks that
carry no points (the project's own tests) are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ftlab.grading.results import CheckResult, format_points

#: failing checks listed under "What to fix next:"; when there are more, the section above lists all
NEXT_STEPS = 5
#: the longest a failure's first line of detail may be on the screen (the rest: ``-v``)
MAX_DETAIL = 140
#: pytest's outcome names (keys of the terminal reporter's ``stats``) a graded check can fail with
FAILED_KEYS = ("failed", "error")
FULL_DETAIL = "(each check's full feedback: add -v; pytest's tracebacks too: --ftlab-debug)"
_PARAMETERS = re.compile(r"\[.*\]$")
#: a traceback line into the learner's file: ``File "/x/ex1_build_example.py", line 2, in build_example``
_FRAME = re.compile(r'File "(?:[^"]*/)?([^"/]+)", line (\d+), in (\S+)')
_NOT_SHOWN = "(hidden check: details are not shown)"
_NOT_IMPLEMENTED = "not implemented yet"


@dataclass
class FailingCheck:
    """One failing check on the screen: a parametrized check's cases that fail alike share one line."""

    first: CheckResult
    cases: int = 1
    points: float = 0.0
    max_points: float = 0.0

    @property
    def name(self) -> str:
        return self.first.name if self.cases == 1 else _PARAMETERS.sub("", self.first.name)

    def key(self) -> tuple[str, str, int | None, str, str]:
        """What cases must share to share a line: their check, task and hint, and what went wrong."""
        first = self.first
        return (first.exercise, _PARAMETERS.sub("", first.name), first.task, first.hint, first_detail(first))

    def line(self) -> str:
        """``ex1 task 1 test_x (0/2): hint -> what went wrong``."""
        number = self.first.exercise.split("_", 1)[0]
        task = f" task {self.first.task}" if self.first.task else ""
        cases = f"{self.cases} cases, " if self.cases > 1 else ""
        score = f"{cases}{format_points(self.points)}/{format_points(self.max_points)}"
        text = f"{number}{task} {self.name} ({score}): {self.first.hint}"
        said = first_detail(self.first)
        return f"{text} -> {said}" if said else text


def failing_checks(checks: list[CheckResult]) -> list[FailingCheck]:
    """The checks that failed, in run order; consecutive cases failing alike share a line.

    Skipped checks (waiting for another check, such as exercise 6's once its file is missing) are
    not listed: :func:`waiting` counts them in one line.
    """
    merged: list[FailingCheck] = []
    for check in checks:
        if check.status in ("passed", "skipped"):
            continue
        one = FailingCheck(check, 1, check.points, check.max_points)
        if merged and merged[-1].key() == one.key():
            last = merged[-1]
            last.cases += 1
            last.points += check.points
            last.max_points += check.max_points
        else:
            merged.append(one)
    return merged


def waiting(checks: list[CheckResult]) -> list[str]:
    """One line counting the skipped checks (they run once the checks they wait for pass); or none."""
    count = sum(1 for check in checks if check.status == "skipped")
    if not count:
        return []
    were = "check was" if count == 1 else "checks were"
    return [f"  ({count} more {were} skipped: they run once the checks above pass)"]


def first_detail(check: CheckResult) -> str:
    """The first line of what went wrong (after the hint), cut to fit; empty for a hidden check's."""
    detail = check.feedback.removeprefix(check.hint)
    lines = [line.strip() for line in detail.splitlines() if line.strip()]
    if not lines or lines[0] == _NOT_SHOWN:
        return ""
    if lines[0].startswith(_NOT_IMPLEMENTED):
        return _NOT_IMPLEMENTED
    first = lines[0].rstrip(":")
    text = first if len(first) <= MAX_DETAIL else first[: MAX_DETAIL - 3] + "..."
    frames = [m for line in lines[1:] if (m := _FRAME.search(line))]
    return f"{text} ({frames[-1][1]}, line {frames[-1][2]}, in {frames[-1][3]})" if frames else text


def failure_section(checks: list[CheckResult]) -> list[str]:
    """One line per failing check; none when they all fit under "What to fix next" anyway."""
    failing = failing_checks(checks)
    return [f"  {c.line()}" for c in failing] if len(failing) > NEXT_STEPS else []


def next_steps(checks: list[CheckResult], *, pointer: bool = False) -> list[str]:
    """The lines under "What to fix next:": the first failing checks, then (``pointer``) where more is."""
    failing = failing_checks(checks)
    lines = [f"  {c.line()}" for c in failing[:NEXT_STEPS]]
    if len(failing) > NEXT_STEPS:
        lines.append(f"  ... and {len(failing) - NEXT_STEPS} more, listed above")
    return lines + waiting(checks) + ([FULL_DETAIL] if pointer and failing else [])


def is_graded(report: Any, property_name: str) -> bool:
    """Whether a test report is a graded check's (it carries the check under ``property_name``)."""
    return any(name == property_name for name, _ in getattr(report, "user_properties", ()))


@dataclass
class HiddenReports:
    """Graded checks' failed reports, taken out of pytest's terminal stats while it writes its summary."""

    stats: dict[str, list[Any]]
    taken: dict[str, list[Any]]

    def restore(self) -> None:
        """Put the reports back (the final "N failed" line counts them)."""
        for key, reports in self.taken.items():
            self.stats[key] = reports


def hide_graded(stats: dict[str, list[Any]], property_name: str) -> HiddenReports:
    """Leave out of ``stats`` the failed reports of graded checks; the others stay, in order."""
    taken: dict[str, list[Any]] = {}
    for key in FAILED_KEYS:
        reports = stats.get(key)
        if reports and any(is_graded(r, property_name) for r in reports):
            taken[key] = reports
            stats[key] = [r for r in reports if not is_graded(r, property_name)]
    return HiddenReports(stats, taken)


def full_detail(config: Any) -> bool:
    """Whether this run asked for pytest's own per-check sections (``-v`` or ``--ftlab-debug``)."""
    return bool(config.getoption("ftlab_debug")) or (config.getoption("verbose") or 0) > 0
