"""The JSON reports (Gradescope, GitHub Classroom) against their specifications, and every report written.

Set FTLAB_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change (then review the diff).
"""

from __future__ import annotations

import json

import jsonschema

from ftlab.classroom.exports import classroom, gradescope, write_reports
from tests.classroom.sample_results import SECRET, alice, golden, the_class

# Gradescope's results.json (plus max_score), from
# https://gradescope-autograders.readthedocs.io/en/latest/specs/
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


def test_gradescope_results_follow_the_spec_and_the_golden_file():
    data = gradescope(alice())
    jsonschema.validate(data, GRADESCOPE_SCHEMA)
    assert data["score"] == sum(t["score"] for t in data["tests"])
    golden("gradescope_alice.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def test_a_submission_not_graded_still_gives_valid_gradescope_results():
    for graded in the_class()[1:]:
        data = gradescope(graded)
        jsonschema.validate(data, GRADESCOPE_SCHEMA)
        assert data["score"] == 0 and data["max_score"] == 7 and data["output"].startswith("Not graded")


def test_no_report_shows_what_a_hidden_check_expected(tmp_path):
    written = write_reports(the_class(), tmp_path)
    write_reports([alice()], tmp_path / "one")
    paths = [*written, *(tmp_path / "one").iterdir()]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert not [t for t in texts if SECRET in t]
    per_check = [p.read_text(encoding="utf-8") for p in paths if p.name not in ("checks.csv", "class.html")]
    mentioning = [t for t in per_check if "any json value is handled" in t.lower()]
    assert len(mentioning) >= 8 and all("(hidden check: details are not shown)" in t for t in mentioning)


def test_several_submissions_get_a_folder_each_and_one_gets_none(tmp_path):
    write_reports(the_class(), tmp_path / "many")
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == [
        "-carol",
        "alice",
        "bob",
        "canvas.csv",
        "checks.csv",
        "class.html",
        "gradebook.csv",
        "junit.xml",
        "results.json",
        "similarity.html",
        "summary.md",
    ]
    assert sorted(p.name for p in (tmp_path / "many" / "alice").iterdir()) == ["feedback.md", "results.json"]
    write_reports([alice()], tmp_path / "one", logs=True)
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        "canvas.csv",
        "checks.csv",
        "classroom.json",
        "feedback.md",
        "gradebook.csv",
        "junit.xml",
        "logs",
        "results.json",
        "summary.md",
    ]
    assert json.loads((tmp_path / "one" / "results.json").read_text())["score"] == 2.5


# GitHub Classroom's autograding-grading-reporter reads, per runner, this shape
# (src/main.js, aggregate-results.js).
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
    data = classroom(alice())
    jsonschema.validate(data, CLASSROOM_SCHEMA)
    assert data["status"] == "fail" and sum(t["score"] for t in data["tests"]) == 2.5
    assert SECRET not in json.dumps(data)
    golden("classroom_alice.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert classroom(the_class()[1])["status"] == "error"
