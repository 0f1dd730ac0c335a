"""ftlab.dataset.findings: a file report keeps what it is told to, counts everything, and says it plainly."""

from __future__ import annotations

import json

from ftlab.dataset.findings import FileReport, LineProblem
from ftlab.dataset.problems import Problem

ERROR = Problem("missing_content", "the message has no content", message_index=1)
WARNING = Problem("blank_line", "the line is blank", "warning")
FILE_ERROR = Problem("invalid_n_examples", "too few", field="training_file")
FILE_WARNING = Problem("few_examples", "rather few", "warning", field="training_file")


def test_a_line_problem_is_its_problem_with_its_line_first():
    assert LineProblem(7, ERROR).to_dict() == {
        "line": 7,
        "code": "missing_content",
        "message": "the message has no content",
        "severity": "error",
        "message_index": 1,
    }


def test_a_new_report_is_empty_and_ok():
    report = FileReport("train.jsonl")
    assert (report.n_errors, report.n_warnings, report.ok, report.problems, report.counts()) == (
        0,
        0,
        True,
        [],
        {},
    )


def test_errors_and_warnings_are_told_apart():
    report = FileReport("train.jsonl")
    report.add(LineProblem(1, ERROR))
    report.add(LineProblem(2, WARNING))
    assert report.errors == [LineProblem(1, ERROR)] and report.warnings == [LineProblem(2, WARNING)]
    assert (report.n_errors, report.n_warnings, report.ok) == (1, 1, False)


def test_warnings_alone_leave_a_report_ok():
    report = FileReport("train.jsonl", file_problems=[FILE_WARNING])
    report.add(LineProblem(3, WARNING))
    assert report.ok and report.n_warnings == 2


def test_file_problems_count_as_errors_and_warnings_too():
    report = FileReport("train.jsonl", file_problems=[FILE_ERROR, FILE_WARNING])
    assert (report.n_errors, report.n_warnings, report.ok) == (1, 1, False)
    assert report.errors == [] and report.counts() == {}  # only line problems are listed and counted by code


def test_keep_bounds_what_is_kept_per_code_but_every_problem_is_counted():
    report = FileReport("train.jsonl", keep=2)
    for line in range(1, 6):
        report.add(LineProblem(line, ERROR))
    report.add(LineProblem(9, WARNING))
    assert report.lines_by_code() == {"missing_content": [1, 2], "blank_line": [9]}
    assert report.counts() == {"missing_content": 5, "blank_line": 1}
    assert (report.n_errors, report.n_warnings) == (5, 1)


def test_counts_is_a_copy_the_caller_may_change():
    report = FileReport("train.jsonl")
    report.add(LineProblem(1, ERROR))
    report.counts()["missing_content"] += 10
    assert report.counts() == {"missing_content": 1}


def test_the_format_label_is_the_formats_name_for_people():
    assert FileReport("a.jsonl", format="tool_calling").format_label == "supervised with tool calls"
    assert FileReport("a.jsonl").format_label is None


def test_to_dict_is_json_with_sorted_counts_and_the_keep_bound_only_when_set():
    report = FileReport("train.jsonl", keep=3, file_problems=[FILE_WARNING])
    report.add(LineProblem(4, WARNING))
    report.add(LineProblem(5, ERROR))
    out = json.loads(json.dumps(report.to_dict()))
    assert list(out["counts"]) == ["blank_line", "missing_content"]
    assert (out["valid"], out["n_errors"], out["n_warnings"], out["problems_kept_per_code"]) == (
        False,
        1,
        2,
        3,
    )
    assert out["file_problems"] == [FILE_WARNING.to_dict()]
    assert [p["line"] for p in out["problems"]] == [4, 5]
    assert "cost" not in out and "problems_kept_per_code" not in FileReport("b.jsonl").to_dict()


def test_each_quality_warning_counts_as_one_warning_and_keep_bounds_the_listed_ones_per_code():
    from ftlab.dataset.quality import DUPLICATE, SECRET, QualityReport, QualityWarning

    warnings = tuple(QualityWarning(DUPLICATE, (n, n + 1), "dup") for n in range(1, 6)) + (
        QualityWarning(SECRET, (9,), "key"),
    )
    report = FileReport("train.jsonl", keep=2, quality=QualityReport(warnings=warnings, examples=10))
    report.file_problems.append(FILE_WARNING)
    assert (report.n_warnings, report.ok) == (7, True)
    assert [w.code for w in report.quality_kept()] == [DUPLICATE, DUPLICATE, SECRET]
    quality = report.to_dict()["quality"]
    assert quality["counts"] == {DUPLICATE: 5, SECRET: 1}
    assert [w["lines"] for w in quality["warnings"]] == [[1, 2], [2, 3], [9]]


def test_a_report_without_a_quality_pass_has_no_quality_section():
    assert "quality" not in FileReport("train.jsonl").to_dict()
