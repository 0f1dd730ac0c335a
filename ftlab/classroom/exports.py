"""The reports of a grading run: Gradescope and GitHub Classroom JSON, JUnit XML, a CSV gradebook, Markdown.

Every report shows learners' checks through :meth:`ftlab.grading.results.CheckResult.public`, the same
view ``pytest exercises/`` gives them: a hidden check keeps its name, points and hint, never
its inputs, expected values or code. (The instructor-only ``logs/`` folder is written only on
request.)
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ftlab.classroom.runner import Graded
from ftlab.dataset.jsonl import atomic_writer
from ftlab.grading.exercises import EXERCISES
from ftlab.grading.results import CheckResult, Scoreboard, exercise_label, format_points

GRADESCOPE_VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def title(check: CheckResult) -> str:
    """A check's readable name: ``test_blank_text_is_refused[empty-user]`` -> ``blank text is refused [empty-user]``."""
    base, _, params = check.name.partition("[")
    words = base.removeprefix("test_").replace("_", " ")
    return f"{words} [{params}" if params else words


def _public(board: Scoreboard) -> list[CheckResult]:
    return [c.public() for c in board.checks]


def explanation(check: CheckResult) -> str:
    """What a learner is told about a check that did not pass: its hint, then what went wrong (public view)."""
    check = check.public()
    if not check.feedback or check.feedback.startswith(check.hint):
        return check.feedback or check.hint
    return f"{check.hint}\n{check.feedback}" if check.hint else check.feedback


def _percent(board: Scoreboard) -> str:
    return f"{100 * board.points / board.max_points:.0f}%" if board.max_points else "-"


# -- Gradescope ------------------------------------------------------------------------------


def gradescope(graded: Graded, *, visibility: str = "visible") -> dict[str, Any]:
    """Gradescope's ``results.json`` for one submission (https://gradescope-autograders.readthedocs.io/en/latest/specs/)."""
    tests = []
    for check in _public(graded.board):
        number = check.exercise.split("_", 1)[0].removeprefix("ex")
        tags = (
            [check.exercise]
            + ([f"task {check.task}"] if check.task else [])
            + (["hidden"] if check.visibility == "hidden" else [])
        )
        test: dict[str, Any] = {
            "name": f"{number}. {title(check)}",
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
        tests.append(test)
    return {
        "score": graded.board.points,
        "max_score": graded.board.max_points,
        "execution_time": round(graded.seconds),
        "output": _overview(graded),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _overview(graded: Graded) -> str:
    lines = []
    if graded.status != "graded":
        lines.append(f"Not graded ({graded.status}): {graded.message}")
    lines.append(
        f"Score: {format_points(graded.board.points)} / {format_points(graded.board.max_points)} ({_percent(graded.board)})"
    )
    lines += [
        f"{exercise_label(g.slug)}: {format_points(g.points)} / {format_points(g.max_points)}"
        for g in graded.board.exercises()
    ]
    lines += [f"Note: {note}" for note in graded.notes]
    return "\n".join(lines)


# -- GitHub Classroom ------------------------------------------------------------------------


def classroom(graded: Graded) -> dict[str, Any]:
    """A runner result for GitHub Classroom's ``autograding-grading-reporter`` (base64 it into ``<RUNNER>_RESULTS``)."""
    checks = _public(graded.board)
    tests = [
        {
            "name": f"{c.exercise.split('_', 1)[0].removeprefix('ex')}. {title(c)}",
            "status": {"passed": "pass", "error": "error"}.get(c.status, "fail"),
            "score": c.points,
            "message": explanation(c) if c.status != "passed" else "",
        }
        for c in checks
    ]
    status = (
        "error"
        if graded.status != "graded"
        else ("pass" if all(t["status"] == "pass" for t in tests) else "fail")
    )
    return {"version": 1, "status": status, "max_score": graded.board.max_points, "tests": tests}


# -- JUnit XML -------------------------------------------------------------------------------


def junit_xml(results: Sequence[Graded]) -> str:
    """JUnit XML as CI systems read it: one ``testsuite`` per submission, one ``testcase`` per check."""
    root = ET.Element("testsuites", name="ftlab")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for graded in results:
        checks = _public(graded.board)
        counts = {
            "tests": len(checks),
            "failures": sum(c.status == "failed" for c in checks),
            "errors": sum(c.status == "error" for c in checks),
            "skipped": sum(c.status == "skipped" for c in checks),
        }
        suite = ET.SubElement(
            root,
            "testsuite",
            name=graded.name,
            **{k: str(v) for k, v in counts.items()},
            time=f"{graded.seconds:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("status", graded.status),
            ("score", format_points(graded.board.points)),
            ("max_score", format_points(graded.board.max_points)),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        for check in checks:
            case = ET.SubElement(
                suite, "testcase", classname=f"{graded.name}.{check.exercise}", name=check.name, time="0"
            )
            if check.status in ("failed", "error"):
                element = ET.SubElement(
                    case,
                    "failure" if check.status == "failed" else "error",
                    message=check.hint,
                    type=check.status,
                )
                element.text = f"{format_points(check.points)} / {format_points(check.max_points)} points\n{explanation(check)}"
            elif check.status == "skipped":
                ET.SubElement(case, "skipped", message=check.feedback)
        if graded.status != "graded" or graded.notes:
            ET.SubElement(suite, "system-err").text = "\n".join(
                ([graded.message] if graded.message else []) + graded.notes
            )
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{sum(g.seconds for g in results):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- CSV gradebook ---------------------------------------------------------------------------


def _columns(results: Sequence[Graded]) -> list[str]:
    seen = {g.slug for r in results for g in r.board.exercises()}
    order = [e.slug for e in EXERCISES if e.slug in seen]
    return order + sorted(seen - set(order))


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_csv(results: Sequence[Graded]) -> str:
    """One row per submission, one column per exercise, plus status, total and why when not graded."""
    columns = _columns(results)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(["submission", "status", *columns, "score", "max_score", "message"])
    for graded in results:
        scores = {g.slug: format_points(g.points) for g in graded.board.exercises()}
        writer.writerow(
            [
                _cell(graded.name),
                graded.status,
                *(scores.get(c, "") for c in columns),
                format_points(graded.board.points),
                format_points(graded.board.max_points),
                _cell(graded.message),
            ]
        )
    return stream.getvalue()


# -- Markdown --------------------------------------------------------------------------------


def _md(text: str) -> str:
    return re.sub(r"([|\\`*_<>\[\]])", r"\\\1", text).replace("\n", " ")


def summary_md(results: Sequence[Graded], *, sandbox: str = "") -> str:
    """A Markdown summary for a GitHub Actions step summary: one row per submission."""
    columns = _columns(results)
    graded_count = sum(r.status == "graded" for r in results)
    lines = ["# ftlab grades", ""]
    lines.append(
        f"{len(results)} submission{'s' if len(results) != 1 else ''}: {graded_count} graded, {len(results) - graded_count} not graded."
    )
    if sandbox:
        lines += ["", f"Learner code ran in: {sandbox}."]
    lines += [
        "",
        "| Submission | Status | " + " | ".join(_md(exercise_label(c)) for c in columns) + " | Total |",
    ]
    lines.append("|---|---|" + "---:|" * len(columns) + "---:|")
    for graded in results:
        scores = {
            g.slug: f"{format_points(g.points)} / {format_points(g.max_points)}"
            for g in graded.board.exercises()
        }
        total = f"{format_points(graded.board.points)} / {format_points(graded.board.max_points)} ({_percent(graded.board)})"
        lines.append(
            f"| {_md(graded.name)} | {graded.status} | "
            + " | ".join(scores.get(c, "-") for c in columns)
            + f" | {total} |"
        )
    problems = [r for r in results if r.status != "graded" or r.notes]
    if problems and len(results) > 1:
        lines += ["", "## Not graded, or graded with notes", ""]
        for graded in problems:
            lines += [f"- **{_md(graded.name)}** ({graded.status}): {_md(m)}" for m in [graded.message] if m]
            lines += [f"- **{_md(graded.name)}**: {_md(n)}" for n in graded.notes]
    if len(results) == 1:
        lines += ["", *feedback_md(results[0], heading="##").splitlines()[2:]]
    return "\n".join(lines).rstrip() + "\n"


def feedback_md(graded: Graded, *, heading: str = "#") -> str:
    """What one learner reads: their score per exercise, then each check to fix with its hint."""
    board = graded.board
    lines = [f"{heading} Feedback for {_md(graded.name)}", ""]
    if graded.status != "graded":
        lines += [f"**Not graded ({graded.status}):** {_md(graded.message)}", ""]
    lines += [
        f"**Score: {format_points(board.points)} / {format_points(board.max_points)}** ({_percent(board)})",
        "",
    ]
    for note in graded.notes:
        lines.append(f"- Note: {_md(note)}")
    if graded.notes:
        lines.append("")
    lines += ["| Exercise | Points | Checks to fix |", "|---|---:|---:|"]
    lines += [
        f"| {_md(exercise_label(g.slug))} | {format_points(g.points)} / {format_points(g.max_points)} | {len(g.failing)} |"
        for g in board.exercises()
    ]
    failing = [c for c in _public(board) if c.status != "passed"]
    if failing:
        lines += ["", f"{heading}# What to fix next", ""]
        for check in failing:
            task = f", task {check.task}" if check.task else ""
            hidden = ", hidden check" if check.visibility == "hidden" else ""
            hint = f": {_md(check.hint)}" if check.hint else ""
            lines.append(
                f"- **{_md(exercise_label(check.exercise).split('.')[0])}. {_md(title(check))}** ({format_points(check.points)} / {format_points(check.max_points)}{task}{hidden}){hint}"
            )
            detail = explanation(check).removeprefix(check.hint).strip("\n")
            if detail:
                lines += [
                    "",
                    "  ```text",
                    *(f"  {line}" for line in detail.replace("```", "'''").splitlines()),
                    "  ```",
                    "",
                ]
    return "\n".join(lines).rstrip() + "\n"


# -- writing them all ------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    with atomic_writer(path) as stream:
        stream.write(text)
    return path


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
        written.append(
            _write(
                out / "classroom.json", json.dumps(classroom(results[0]), indent=2, ensure_ascii=False) + "\n"
            )
        )
    else:
        data = {
            "submissions": [
                {
                    "name": g.name,
                    "status": g.status,
                    "message": g.message,
                    "results": gradescope(g, visibility=visibility),
                }
                for g in results
            ]
        }
        for graded in results:
            folder = out / graded.name
            folder.mkdir(exist_ok=True)
            written.append(
                _write(
                    folder / "results.json",
                    json.dumps(gradescope(graded, visibility=visibility), indent=2, ensure_ascii=False)
                    + "\n",
                )
            )
            written.append(_write(folder / "feedback.md", feedback_md(graded)))
    written.append(_write(out / "results.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n"))
    written.append(_write(out / "junit.xml", junit_xml(results)))
    written.append(_write(out / "gradebook.csv", gradebook_csv(results)))
    written.append(_write(out / "summary.md", summary_md(results, sandbox=sandbox)))
    if logs:
        (out / "logs").mkdir(exist_ok=True)
        written += [_write(out / "logs" / f"{g.name}.log", g.log) for g in results]
    return written
