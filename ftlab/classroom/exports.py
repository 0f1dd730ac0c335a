"""The reports of a grading run: Gradescope and GitHub Classroom JSON, and every report written at once.

Each report has its module: the JSON for Gradescope and GitHub Classroom here, JUnit XML in
:mod:`ftlab.classroom.junit`, the CSV gradebook in :mod:`ftlab.classroom.gradebook`, the Markdown
summary and feedback in :mod:`ftlab.classroom.markdown`; all of them show learners' checks through
:mod:`ftlab.classroom.views`, the same view ``pytest exercises/`` gives them. (The
instructor-only ``logs/`` folder is written only on request.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ftlab
from ftlab.classroom.adjustments import Adjustments, apply_adjustments
from ftlab.classroom.canvas import canvas_csv
from ftlab.classroom.checks_table import checks_csv
from ftlab.classroom.class_page import class_html
from ftlab.classroom.gradebook import gradebook_csv
from ftlab.classroom.graded import Graded
from ftlab.classroom.junit import junit_xml
from ftlab.classroom.markdown import feedback_md, summary_md
from ftlab.classroom.similarity import similarity_report
from ftlab.classroom.views import explanation, percent, public_checks, title
from ftlab.dataset.jsonl import atomic_writer
from ftlab.grading.results import CheckResult, exercise_label, format_points

# -- Gradescope ------------------------------------------------------------------------------


def gradescope(
    graded: Graded, *, visibility: str = "visible", hidden_visibility: str = "after_published"
) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission; hidden checks get ``hidden_visibility``.

    The format: https://gradescope-autograders.readthedocs.io/en/latest/specs/
    """
    return {
        "score": graded.board.points,
        "max_score": graded.board.max_points,
        "execution_time": round(graded.seconds),
        "output": _overview(graded),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": [_gradescope_test(check, hidden_visibility) for check in public_checks(graded.board)],
    }


def _number(check: CheckResult) -> str:
    """The exercise's number, as reports put it before a check's title: ``"2"``."""
    return check.exercise.split("_", 1)[0].removeprefix("ex")


def _gradescope_test(check: CheckResult, hidden_visibility: str) -> dict[str, Any]:
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
        "visibility": hidden_visibility if check.visibility == "hidden" else "visible",
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


MAX_MESSAGE = 2000  # characters of one check's message in the Classroom payload
MAX_PAYLOAD = 48 * 1024  # bytes of JSON: base64 makes it 64 KiB, half Linux's 128 KiB per variable
_LINE = re.compile(r"\bline (\d+)\b")


def classroom(graded: Graded) -> dict[str, Any]:
    """A runner result for GitHub Classroom's ``autograding-grading-reporter``.

    Base64 it into the ``<RUNNER>_RESULTS`` output the reporter reads. Messages are cut so the
    JSON stays under :data:`MAX_PAYLOAD` bytes whatever the learner's code returned.
    """
    checks = public_checks(graded.board)
    status = (
        "error"
        if graded.status != "graded"
        else ("pass" if all(c.status == "passed" for c in checks) else "fail")
    )
    data: dict[str, Any] = {"version": 1, "status": status, "max_score": graded.board.max_points}
    limit = MAX_MESSAGE
    while True:
        data["tests"] = [_classroom_test(c, limit) for c in checks]
        if len(_json(data).encode()) <= MAX_PAYLOAD or limit == 0:
            return data
        limit = limit // 2 if limit > 50 else 0


def _classroom_test(check: CheckResult, limit: int) -> dict[str, Any]:
    message = explanation(check) if check.status != "passed" else ""
    test: dict[str, Any] = {
        "name": _cut(f"{_number(check)}. {title(check)}", 200),
        "status": {"passed": "pass", "error": "error"}.get(check.status, "fail"),
        "score": check.points,
        "message": _cut(message, limit),
    }
    line = _LINE.search(message)
    if line:
        test["line_no"] = int(line.group(1))
    return test


def _cut(text: str, limit: int) -> str:
    """``text`` in at most about ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f" [... {len(text) - limit} characters cut]"


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
    hidden_visibility: str = "after_published",
    adjustments: Adjustments | None = None,
    stubs: Path | None = None,
) -> list[Path]:
    """Write every report into ``out``; per-submission folders when there are several. The paths written.

    ``adjustments`` are applied first (rows that change nothing are listed in summary.md);
    ``stubs`` is the exercises' folder whose code the similarity report leaves out (default:
    ``./exercises``, else the kit's).
    """
    out.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    if adjustments is not None:
        results = [apply_adjustments(g, adjustments) for g in results]
        warnings = adjustments.problems(results)
    written = []
    if len(results) == 1:
        data: Any = gradescope(results[0], visibility=visibility, hidden_visibility=hidden_visibility)
        written.append(_write(out / "feedback.md", feedback_md(results[0])))
        written.append(_write(out / "classroom.json", _json(classroom(results[0]))))
    else:
        data = {"submissions": [_submission(g, visibility, hidden_visibility) for g in results]}
        for graded in results:
            folder = out / graded.name
            folder.mkdir(exist_ok=True)
            one = gradescope(graded, visibility=visibility, hidden_visibility=hidden_visibility)
            written.append(_write(folder / "results.json", _json(one)))
            written.append(_write(folder / "feedback.md", feedback_md(graded)))
        written.append(_write(out / "class.html", class_html(results)))
        written.append(_write(out / "similarity.html", similarity_report(results, stubs=stubs or _stubs())))
    written.append(_write(out / "results.json", _json(data)))
    written.append(_write(out / "junit.xml", junit_xml(results)))
    written.append(_write(out / "gradebook.csv", gradebook_csv(results)))
    written.append(_write(out / "canvas.csv", canvas_csv(results)))
    written.append(_write(out / "checks.csv", checks_csv(results)))
    written.append(_write(out / "summary.md", summary_md(results, sandbox=sandbox, warnings=warnings)))
    if logs:
        (out / "logs").mkdir(exist_ok=True)
        written += [_write(out / "logs" / f"{g.name}.log", g.log) for g in results]
    return written


def _stubs() -> Path:
    """The exercises' stubs: ``./exercises`` where ``ftlab grade`` runs in a kit, else the package's kit."""
    here = Path("exercises")
    return here if here.is_dir() else Path(ftlab.__file__).resolve().parents[1] / "exercises"


def _submission(graded: Graded, visibility: str, hidden_visibility: str) -> dict[str, Any]:
    """One submission in the class's ``results.json``."""
    return {
        "name": graded.name,
        "path": graded.source,
        "status": graded.status,
        "message": graded.message,
        "results": gradescope(graded, visibility=visibility, hidden_visibility=hidden_visibility),
    }
