"""Reports: each format checked against its specification, and against a golden file of the exact text.

Set FTLAB_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change (then review the diff).
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from ftlab.classroom.exports import (
    classroom,
    feedback_md,
    gradebook_csv,
    gradescope,
    junit_xml,
    summary_md,
    title,
    write_reports,
)
from ftlab.classroom.runner import Graded, not_graded
from ftlab.grading.results import CheckResult, Scoreboard
from tests.paths import GOLDEN

GOLDEN = GOLDEN
SECRET = "expected ['data_type'], got []"

# Gradescope's results.json, from https://gradescope-autograders.readthedocs.io/en/latest/specs/ (plus max_score).
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["score", "max_score", "name", "status"],
                "additionalProperties": False,
                "properties": {
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string"},
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}


def _alice() -> Graded:
    checks = [
        CheckResult(
            "test_example_is_a_dict", "ex1_build_example", 2.0, 2.0, "passed", task=1, hint="return a dict"
        ),
        CheckResult(
            "test_blank_text_is_refused[empty-user]",
            "ex1_build_example",
            0.0,
            2.0,
            "failed",
            task=1,
            hint="raise ValueError",
            feedback="raise ValueError\nDID NOT RAISE",
        ),
        CheckResult(
            "test_any_json_value_is_handled[null]",
            "ex2_validate_record",
            0.0,
            1.0,
            "failed",
            "hidden",
            hint="any JSON value is 'data_type'",
            feedback=f"any JSON value is 'data_type'\n{SECRET}",
        ),
        CheckResult(
            "test_codes_are_sorted",
            "ex2_validate_record",
            0.5,
            1.0,
            "failed",
            task=1,
            hint="sort the codes",
            feedback="sort the codes\n1 of 2 passed\n- twice: each code once",
        ),
        CheckResult("test_later", "ex2_validate_record", 0.0, 1.0, "skipped", feedback="not ready"),
    ]
    return Graded(
        "alice",
        "/class/alice",
        "graded",
        board=Scoreboard(checks),
        seconds=12.345,
        notes=["code cell 4 ('1 / 0') failed: ZeroDivisionError: division by zero (line 9)"],
    )


def _class() -> list[Graded]:
    alice = _alice()
    bob = Graded(
        "bob",
        "/class/bob.ipynb",
        "malformed",
        message="bob.ipynb: not a notebook Jupyter can open (NotJSONError)",
        seconds=0.01,
    )
    bob.board = not_graded(alice.board, bob.message)
    carol = Graded(
        "-carol",
        "/class/-carol",
        "error",
        message="grading took longer than 600 s and was stopped",
        seconds=600.0,
    )
    carol.board = not_graded(alice.board, carol.message)
    return [alice, bob, carol]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("FTLAB_UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), (
        f"{name} changed; if on purpose, rerun with FTLAB_UPDATE_GOLDEN=1"
    )


def test_gradescope_results_follow_the_spec_and_the_golden_file():
    data = gradescope(_alice())
    jsonschema.validate(data, GRADESCOPE_SCHEMA)
    assert data["score"] == sum(t["score"] for t in data["tests"])
    _golden("gradescope_alice.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def test_a_submission_not_graded_still_gives_valid_gradescope_results():
    for graded in _class()[1:]:
        data = gradescope(graded)
        jsonschema.validate(data, GRADESCOPE_SCHEMA)
        assert data["score"] == 0 and data["max_score"] == 7 and data["output"].startswith("Not graded")


def test_junit_xml_counts_match_its_testcases_and_the_golden_file():
    text = junit_xml(_class())
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert all(c.get("classname") and c.get("name") for c in cases)
        assert int(suite.get("tests")) == len(cases)
        for outcome in ("failure", "error", "skipped"):
            key = {"failure": "failures", "error": "errors", "skipped": "skipped"}[outcome]
            assert int(suite.get(key)) == sum(c.find(outcome) is not None for c in cases)
        assert {child.tag for c in cases for child in c} <= {
            "failure",
            "error",
            "skipped",
            "system-out",
            "system-err",
        }
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in root.findall("testsuite"))
    _golden("junit.xml", text)


def test_the_gradebook_has_one_row_per_submission_and_one_column_per_exercise():
    text = gradebook_csv(_class())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "submission",
        "status",
        "ex1_build_example",
        "ex2_validate_record",
        "score",
        "max_score",
        "message",
    ]
    assert [r[:6] for r in rows[1:]] == [
        ["alice", "graded", "2", "0.50", "2.50", "7"],
        ["bob", "malformed", "0", "0", "0", "7"],
        ["'-carol", "error", "0", "0", "0", "7"],
    ]
    _golden("gradebook.csv", text)


def test_the_summary_and_feedback_match_their_golden_files():
    _golden("summary.md", summary_md(_class(), sandbox="bubblewrap sandbox"))
    _golden("summary_one.md", summary_md([_alice()]))
    _golden("feedback_alice.md", feedback_md(_alice()))


def test_no_report_shows_what_a_hidden_check_expected(tmp_path):
    written = write_reports(_class(), tmp_path)
    write_reports([_alice()], tmp_path / "one")
    texts = [p.read_text(encoding="utf-8") for p in [*written, *(tmp_path / "one").iterdir()]]
    assert not [t for t in texts if SECRET in t]
    mentioning = [t for t in texts if "any json value is handled" in t.lower()]
    assert len(mentioning) >= 8 and all("(hidden check: details are not shown)" in t for t in mentioning)


def test_several_submissions_get_a_folder_each_and_one_gets_none(tmp_path):
    write_reports(_class(), tmp_path / "many")
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == [
        "-carol",
        "alice",
        "bob",
        "gradebook.csv",
        "junit.xml",
        "results.json",
        "summary.md",
    ]
    assert sorted(p.name for p in (tmp_path / "many" / "alice").iterdir()) == ["feedback.md", "results.json"]
    write_reports([_alice()], tmp_path / "one", logs=True)
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        "classroom.json",
        "feedback.md",
        "gradebook.csv",
        "junit.xml",
        "logs",
        "results.json",
        "summary.md",
    ]
    assert json.loads((tmp_path / "one" / "results.json").read_text())["score"] == 2.5


@pytest.mark.parametrize(
    ("name", "expected"), [("test_a_b", "a b"), ("test_x[p-1]", "x [p-1]"), ("check", "check")]
)
def test_titles_read_as_words(name, expected):
    assert title(CheckResult(name, "ex1_build_example", 0, 1, "passed")) == expected


# GitHub Classroom's autograding-grading-reporter reads, per runner, this shape (src/main.js, aggregate-results.js).
CLASSROOM_SCHEMA = {
    "type": "object",
    "required": ["version", "status", "max_score", "tests"],
    "properties": {
        "version": {"const": 1},
        "status": {"enum": ["pass", "fail", "error"]},
        "max_score": {"type": "number"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "status", "score"],
                "properties": {
                    "name": {"type": "string"},
                    "status": {"enum": ["pass", "fail", "error"]},
                    "score": {"type": "number"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def test_classroom_results_follow_the_reporters_shape_and_the_golden_file():
    data = classroom(_alice())
    jsonschema.validate(data, CLASSROOM_SCHEMA)
    assert data["status"] == "fail" and sum(t["score"] for t in data["tests"]) == 2.5
    assert SECRET not in json.dumps(data)
    _golden("classroom_alice.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert classroom(_class()[1])["status"] == "error"
