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


def _huge(graded, size: int = 10 * 1024**2):
    """``graded`` as if the learner's code returned 10 MB values: every failing check says so."""
    for check in graded.board.checks:
        if check.status != "passed":
            check.feedback = f"{check.hint}\nexpected 3, got {'x' * size!r} (line 12)"
    return graded


def test_the_classroom_payload_stays_under_64_kib_whatever_the_learner_returns():
    import base64

    from ftlab.classroom.exports import MAX_MESSAGE

    data = classroom(_huge(alice()))
    payload = base64.b64encode(json.dumps(data).encode())
    assert len(payload) < 64 * 1024
    jsonschema.validate(data, CLASSROOM_SCHEMA)
    cut = [t["message"] for t in data["tests"] if t["message"]]
    assert max(len(m) for m in cut) < MAX_MESSAGE + 50 and [m for m in cut if "characters cut]" in m]


def test_the_classroom_payload_stays_small_with_hundreds_of_failing_checks():
    import base64

    from ftlab.grading.results import CheckResult

    graded = alice()
    graded.board.checks = [
        CheckResult(f"test_{i}", "ex1_build_example", 0, 1, "failed", feedback="y" * 10_000)
        for i in range(400)
    ]
    assert len(base64.b64encode(json.dumps(classroom(graded)).encode())) < 64 * 1024


def test_classroom_tests_carry_the_line_where_the_message_names_one():
    graded = alice()
    graded.board.checks[1].feedback = "raise ValueError\nZeroDivisionError: division by zero (line 9)"
    tests = classroom(graded)["tests"]
    assert tests[1]["line_no"] == 9 and "line_no" not in tests[0]


def test_one_class_run_writes_canvas_checks_the_class_page_and_the_similarity_report(tmp_path):
    from ftlab.classroom.runner import Graded
    from tests.paths import ROOT

    folders = []
    for name, rename in (("ana", False), ("ben", True), ("cy", None)):
        folder = tmp_path / "class" / name
        folder.mkdir(parents=True)
        for path in (ROOT / "solutions").glob("ex[12]_*.py"):
            text = path.read_text(encoding="utf-8")
            if rename:
                text = text.replace("messages", "convo").replace("codes", "found")
            source = ROOT / "exercises" / path.name if rename is None else None
            (folder / path.name).write_text(source.read_text() if source else text, encoding="utf-8")
        folders.append(folder)
    results = [Graded(f.name, str(f), "graded", board=alice().board) for f in folders]
    out = tmp_path / "out"
    write_reports(results, out, stubs=ROOT / "exercises")
    assert (out / "canvas.csv").read_text().splitlines()[2] == "ana,,,ana,,2.50"
    assert (out / "checks.csv").read_text().count("\n") == 5
    assert (
        "<svg" in (out / "class.html").read_text()
        and "3 submissions graded" in (out / "class.html").read_text()
    )
    similar = (out / "similarity.html").read_text()
    assert "<h2>ana and ben:" in similar and "cy" not in similar.split("<h2>", 1)[1]
