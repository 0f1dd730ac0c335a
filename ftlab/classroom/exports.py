"""The reports of a grading run: Gradescope and GitHub Classroom JSON, and every report written at once.

Each report has its module: the JSON for Gradescope and GitHub Classroom here, JUnit XML in
:mod:`ftlab.classroom.junit`, the CSV gradebook in :mod:`ftlab.classroom.gradebook`, the Markdown
summary and feedback in :mod:`ftlab.classroom.markdown`; all of them show learners' checks through
:mod:`ftlab.classroom.views`, the same view ``pytest exercises/`` gives them. (The
instructor-only ``logs/`` folder is written only on request.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ftlab.classroom.gradebook import gradebook_csv
from ftlab.classroom.junit import junit_xml
from ftlab.classroom.markdown import feedback_md, summary_md
from ftlab.classroom.runner import Graded
from ftlab.classroom.views import explanation, percent, public_checks, title
from ftlab.dataset.jsonl import atomic_writer
from ftlab.grading.results import CheckResult, exercise_label, format_points

# -- Gradescope ------------------------------------------------------------------------------


def gradescope(graded: Graded, *, visibility: str = "visible") -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission.

    The format: https://gradescope-autograders.readthedocs.io/en/latest/specs/
    """
    return {
        "score": graded.board.points,
        "max_score": graded.board.max_points,
        "execution_time": round(graded.seconds),
        "output": _overview(graded),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": [_gradescope_test(check) for check in public_checks(graded.board)],
    }


def _number(check: CheckResult) -> str:
    """The exercise's number, as reports put it before a check's title: ``"2"``."""
    return check.exercise.split("_", 1)[0].removeprefix("ex")


def _gradescope_test(check: CheckResult) -> dict[str, Any]:
    tags = (
        [check.exercise]
        + ([f"task {check.task}"] if check.task else [])
        + (["hidden"] if check.visibility == "hidden" else [])
    )
    test: dict[str, Any] = {
        "name": f"{_number(check)}. {title(check)}",
        "score": check.points,
        "max_score": check.max_points,
        "status": "passed" if check.status == "passed" else "failed",
        "visibility": "visible",
        "tags": tags,
    }
    text = explanation(check) if check.status != "passed" else ""
    if check.status == "skipped":
        text = f"skipped: {check.feedback}"
    if text:
        test["output"] = text
    return test


def _overview(graded: Graded) -> str:
    board = graded.board
    lines = []
    if graded.status != "graded":
        lines.append(f"Not graded ({graded.status}): {graded.message}")
    lines.append(
        f"Score: {format_points(board.points)} / {format_points(board.max_points)} ({percent(board)})"
    )
    lines += [
        f"{exercise_label(g.slug)}: {format_points(g.points)} / {format_points(g.max_points)}"
        for g in board.exercises()
    ]
    lines += [f"Note: {note}" for note in graded.notes]
    return "\n".join(lines)


# -- GitHub Classroom ------------------------------------------------------------------------


def classroom(graded: Graded) -> dict[str, Any]:
    """A runner result for GitHub Classroom's ``autograding-grading-reporter``.

    Base64 it into the ``<RUNNER>_RESULTS`` output the reporter reads.
    """
    tests = [
        {
            "name": f"{_number(c)}. {title(c)}",
            "status": {"passed": "pass", "error": "error"}.get(c.status, "fail"),
            "score": c.points,
            "message": explanation(c) if c.status != "passed" else "",
        }
        for c in public_checks(graded.board)
    ]
    status = (
        "error"
        if graded.status != "graded"
        else ("pass" if all(t["status"] == "pass" for t in tests) else "fail")
    )
    return {"version": 1, "status": status, "max_score": graded.board.max_points, "tests": tests}


# -- writing them all ------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    with atomic_writer(path) as stream:
        stream.write(text)
    return path


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_reports(
    results: Sequence[Graded],
    out: Path,
    *,
    sandbox: str = "",
    logs: bool = False,
    visibility: str = "visible",
) -> list[Path]:
    """Write every report into ``out``; per-submission folders when there are several. The paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if len(results) == 1:
        data: Any = gradescope(results[0], visibility=visibility)
        written.append(_write(out / "feedback.md", feedback_md(results[0])))
        written.append(_write(out / "classroom.json", _json(classroom(results[0]))))
    else:
        data = {"submissions": [_submission(g, visibility) for g in results]}
        for graded in results:
            folder = out / graded.name
            folder.mkdir(exist_ok=True)
            written.append(_write(folder / "results.json", _json(gradescope(graded, visibility=visibility))))
            written.append(_write(folder / "feedback.md", feedback_md(graded)))
    written.append(_write(out / "results.json", _json(data)))
    written.append(_write(out / "junit.xml", junit_xml(results)))
    written.append(_write(out / "gradebook.csv", gradebook_csv(results)))
    written.append(_write(out / "summary.md", summary_md(results, sandbox=sandbox)))
    if logs:
        (out / "logs").mkdir(exist_ok=True)
        written += [_write(out / "logs" / f"{g.name}.log", g.log) for g in results]
    return written


def _submission(graded: Graded, visibility: str) -> dict[str, Any]:
    """One submission in the class's ``results.json``."""
    return {
        "name": graded.name,
        "status": graded.status,
        "message": graded.message,
        "results": gradescope(graded, visibility=visibility),
    }
