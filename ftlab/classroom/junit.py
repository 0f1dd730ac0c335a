"""JUnit XML as CI systems read it: one ``testsuite`` per submission, one ``testcase`` per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ftlab.classroom.graded import Graded
from ftlab.classroom.views import explanation, public_checks
from ftlab.grading.results import CheckResult, format_points

COUNTS = ("tests", "failures", "errors", "skipped")


def junit_xml(results: Sequence[Graded]) -> str:
    """The JUnit XML of a grading run, with each suite's and the run's counts."""
    root = ET.Element("testsuites", name="ftlab")
    totals = dict.fromkeys(COUNTS, 0)
    for graded in results:
        counts = _suite(root, graded)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{sum(g.seconds for g in results):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(root: ET.Element, graded: Graded) -> dict[str, int]:
    """Add one submission's ``testsuite``; its counts."""
    checks = public_checks(graded.board)
    counts = {
        "tests": len(checks),
        "failures": sum(c.status == "failed" for c in checks),
        "errors": sum(c.status == "error" for c in checks),
        "skipped": sum(c.status == "skipped" for c in checks),
    }
    attributes = {"name": graded.name, **{k: str(v) for k, v in counts.items()}}
    suite = ET.SubElement(root, "testsuite", attributes, time=f"{graded.seconds:.3f}")
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("status", graded.status),
        ("score", format_points(graded.board.points)),
        ("max_score", format_points(graded.board.max_points)),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    for check in checks:
        _case(suite, graded, check)
    if graded.status != "graded" or graded.notes:
        ET.SubElement(suite, "system-err").text = "\n".join(
            ([graded.message] if graded.message else []) + graded.notes
        )
    return counts


def _case(suite: ET.Element, graded: Graded, check: CheckResult) -> None:
    """Add one check's ``testcase``, with its failure, error or skip."""
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
        points = f"{format_points(check.points)} / {format_points(check.max_points)} points"
        element.text = f"{points}\n{explanation(check)}"
    elif check.status == "skipped":
        ET.SubElement(case, "skipped", message=check.feedback)
