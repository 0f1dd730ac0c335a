"""Markdown reports: the class summary (a GitHub Actions step summary) and each learner's feedback."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ftlab.classroom.adjustments import is_adjustment
from ftlab.classroom.graded import Graded
from ftlab.classroom.views import exercise_columns, explanation, percent, public_checks, title
from ftlab.grading.results import CheckResult, exercise_label, format_points


def escaped(text: str) -> str:
    """Text shown as itself in Markdown, on one line (table cells, list items)."""
    return re.sub(r"([|\\`*_<>\[\]])", r"\\\1", text).replace("\n", " ")


def _score(points: float, max_points: float) -> str:
    return f"{format_points(points)} / {format_points(max_points)}"


def summary_md(results: Sequence[Graded], *, sandbox: str = "", warnings: Sequence[str] = ()) -> str:
    """A Markdown summary for a GitHub Actions step summary: one row per submission.

    ``warnings`` (adjustment rows that changed nothing) get a section of their own.
    """
    columns = exercise_columns(results)
    graded_count = sum(r.status == "graded" for r in results)
    plural = "s" if len(results) != 1 else ""
    lines = ["# ftlab grades", ""]
    if sandbox:
        lines += [f"Learner code ran in: {sandbox}.", ""]
    lines.append(
        f"{len(results)} submission{plural}: {graded_count} graded, {len(results) - graded_count} not graded."
    )
    lines += [
        "",
        "| Submission | Status | " + " | ".join(escaped(exercise_label(c)) for c in columns) + " | Total |",
    ]
    lines.append("|---|---|" + "---:|" * len(columns) + "---:|")
    for graded in results:
        scores = {g.slug: _score(g.points, g.max_points) for g in graded.board.exercises()}
        total = f"{_score(graded.board.points, graded.board.max_points)} ({percent(graded.board)})"
        lines.append(
            f"| {escaped(graded.name)} | {graded.status} | "
            + " | ".join(scores.get(c, "-") for c in columns)
            + f" | {total} |"
        )
    problems = [r for r in results if r.status != "graded" or r.notes]
    if problems and len(results) > 1:
        lines += ["", "## Not graded, or graded with notes", ""]
        for graded in problems:
            name = escaped(graded.name)
            lines += [f"- **{name}** ({graded.status}): {escaped(m)}" for m in [graded.message] if m]
            lines += [f"- **{name}**: {escaped(n)}" for n in graded.notes]
    if warnings:
        lines += ["", "## Adjustments not applied", ""]
        lines += [f"- {escaped(w)}" for w in warnings]
    if len(results) == 1:
        lines += ["", *feedback_md(results[0], heading="##").splitlines()[2:]]
    return "\n".join(lines).rstrip() + "\n"


def feedback_md(graded: Graded, *, heading: str = "#") -> str:
    """What one learner reads: their score per exercise, then each check to fix with its hint."""
    board = graded.board
    lines = [f"{heading} Feedback for {escaped(graded.name)}", ""]
    if graded.status != "graded":
        lines += [f"**Not graded ({graded.status}):** {escaped(graded.message)}", ""]
    lines += [f"**Score: {_score(board.points, board.max_points)}** ({percent(board)})", ""]
    for note in graded.notes:
        lines.append(f"- Note: {escaped(note)}")
    if graded.notes:
        lines.append("")
    lines += ["| Exercise | Points | Checks to fix |", "|---|---:|---:|"]
    lines += [
        f"| {escaped(exercise_label(g.slug))} | {_score(g.points, g.max_points)} | {len(g.failing)} |"
        for g in board.exercises()
    ]
    adjusted = [c for c in board.checks if is_adjustment(c)]
    if adjusted:
        lines += ["", f"{heading}# Adjustments by your instructor", ""]
        lines += [f"- {_adjustment(c)}" for c in adjusted]
    failing = [c for c in public_checks(board) if c.status != "passed"]
    if failing:
        lines += ["", f"{heading}# What to fix next", ""]
        for check in failing:
            lines += _to_fix(check)
    return "\n".join(lines).rstrip() + "\n"


def _to_fix(check: CheckResult) -> list[str]:
    """One failing check in the feedback's list: its name, points and hint, then what went wrong."""
    task = f", task {check.task}" if check.task else ""
    hidden = ", hidden check" if check.visibility == "hidden" else ""
    hint = f": {escaped(check.hint)}" if check.hint else ""
    number = escaped(exercise_label(check.exercise).split(".")[0])
    points = _score(check.points, check.max_points)
    lines = [f"- **{number}. {escaped(title(check))}** ({points}{task}{hidden}){hint}"]
    detail = explanation(check).removeprefix(check.hint).strip("\n")
    if detail:
        lines += [
            "",
            "  ```text",
            *(f"  {line}" for line in detail.replace("```", "'''").splitlines()),
            "  ```",
            "",
        ]
    return lines


def _adjustment(check: CheckResult) -> str:
    """``+1 point on 1. Build a training example: reason``."""
    target = check.name.partition("[")[2].removesuffix("]")
    if target == "whole submission":
        where = "the whole submission"
    elif target in (check.exercise, check.exercise.split("_", 1)[0]) or target.isdigit():
        where = exercise_label(check.exercise)
    else:
        where = f"{exercise_label(check.exercise)}, check {target.split('::')[-1]}"
    unit = "point" if abs(check.points) == 1 else "points"
    return f"{check.points:+g} {unit} on {escaped(where)}: {escaped(check.hint)}"
