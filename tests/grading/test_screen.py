"""The learner's screen: a graded run ends with its failing checks in one line each, the scoreboard
and what to fix next; pytest's per-check sections and FAILED list stay out (unless -v)."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from ftlab.grading.exercises import EXERCISES
from ftlab.grading.recorder import PROPERTY
from ftlab.grading.results import CheckResult
from ftlab.grading.screen import (
    FULL_DETAIL,
    MAX_DETAIL,
    NEXT_STEPS,
    failing_checks,
    failure_section,
    first_detail,
    hide_graded,
    next_steps,
)
from tests.paths import ROOT

RAISED = 'your code raised KeyError: 0\n  File "/lab/exercises/ex1_x.py", line 2, in f\n    x[0]'
LAST_LINES = 20
MAX_LINES = 200


def _check(
    name: str, points: float = 0.0, *, task: int | None = 2, hint: str = "", feedback: str = ""
) -> CheckResult:
    hint = hint or f"fix {name}"
    status = "passed" if points == 1.0 else "failed"
    return CheckResult(name, "ex2_validate_record", points, 1.0, status, task=task, hint=hint,
                       feedback=f"{hint}\n{feedback}" if feedback else hint)  # fmt: skip


def test_a_failing_check_is_one_line_with_its_exercise_task_points_and_hint():
    assert next_steps([_check("test_b")]) == ["  ex2 task 2 test_b (0/1): fix test_b"]
    assert next_steps([_check("test_b", task=None)]) == ["  ex2 test_b (0/1): fix test_b"]


def test_the_failing_cases_of_one_parametrized_check_share_a_line_and_add_their_points():
    checks = [
        _check(f"test_c[{case}]", points, hint="fix c")
        for case, points in zip("abcd", (0, 0.5, 1, 0), strict=True)
    ]
    assert next_steps(checks) == ["  ex2 task 2 test_c (3 cases, 0.50/3): fix c"]


def test_cases_with_different_hints_or_failures_keep_their_own_lines():
    checks = [_check("test_c[a]", hint="rule a"), _check("test_c[b]", hint="rule b")]
    checks += [
        _check("test_c[c]", hint="c", feedback="got 1"),
        _check("test_c[d]", hint="c", feedback="got 2"),
    ]
    assert [c.name for c in failing_checks(checks)] == ["test_c[a]", "test_c[b]", "test_c[c]", "test_c[d]"]


def test_what_to_fix_next_stops_after_a_few_and_says_how_many_more_are_above():
    lines = next_steps([_check(f"test_{n}") for n in range(NEXT_STEPS + 3)])
    assert len(lines) == NEXT_STEPS + 1
    assert lines[-1] == "  ... and 3 more, listed above"


def test_each_line_adds_what_went_wrong_and_the_end_says_where_full_detail_is():
    lines = next_steps([_check("test_b", feedback="expected ['x'], got []"), _check("ok", 1.0)], pointer=True)
    assert lines == ["  ex2 task 2 test_b (0/1): fix test_b -> expected ['x'], got []", FULL_DETAIL]


def test_the_failure_section_lists_every_failing_check_only_when_they_do_not_all_fit_below():
    few = [_check(f"test_{n}") for n in range(NEXT_STEPS)]
    assert failure_section(few) == []
    many = [*few, _check("test_last"), _check("test_ok", 1.0)]
    assert failure_section(many) == [
        f"  ex2 task 2 test_{n} (0/1): fix test_{n}" for n in [*range(NEXT_STEPS), "last"]
    ]


def test_the_detail_of_a_stub_a_hidden_check_and_the_learners_exception():
    stub = _check("t", feedback="not implemented yet (Task 1: build it)")
    hidden = _check("t", feedback="(hidden check: details are not shown)")
    raised = _check(
        "t", feedback='your code raised KeyError: 0\n  File "/lab/exercises/ex1_x.py", line 2, in f\n  x[0]'
    )
    assert first_detail(stub) == "not implemented yet"
    assert first_detail(hidden) == ""
    assert first_detail(raised) == "your code raised KeyError: 0 (ex1_x.py, line 2, in f)"


def test_a_long_detail_is_cut_to_one_short_line():
    detail = first_detail(_check("t", feedback="x" * 500 + "\nsecond line"))
    assert len(detail) == MAX_DETAIL and detail.endswith("...")


def test_only_graded_reports_are_taken_out_of_the_summary_and_all_come_back():
    def report(nodeid: str, graded: bool) -> pytest.TestReport:
        properties = [(PROPERTY, {})] if graded else []
        return pytest.TestReport(
            nodeid, (nodeid, 0, "t"), {}, "failed", None, "call", user_properties=properties
        )

    graded, plain = report("exercises/ex1.py::t", True), report("tests/test_x.py::t", False)
    stats = {"failed": [graded, plain], "passed": [report("p", True)]}
    hidden = hide_graded(stats, PROPERTY)
    assert stats["failed"] == [plain] and len(stats["passed"]) == 1
    hidden.restore()
    assert stats["failed"] == [graded, plain]


# --- the real stubs, as a learner runs them -------------------------------------------------------


def _learner_run(pytester: pytest.Pytester, *args: str) -> list[str]:
    """``pytest <args>`` on the project's own exercises/ stubs, from the project's folder."""
    result = pytester.runpytest_subprocess(
        *args, f"--rootdir={ROOT}", "-c", str(ROOT / "pyproject.toml"), "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()[-3000:]
    return result.outlines


def _assert_the_screen_ends_with_the_scoreboard(lines: list[str]) -> None:
    text = "\n".join(lines)
    last = lines[-LAST_LINES:]
    assert any("ftlab scoreboard" in line for line in last), "\n".join(last)
    assert any(line.startswith("total ") for line in last), "\n".join(last)
    assert "What to fix next:" in last
    assert len(lines) <= MAX_LINES, f"{len(lines)} lines"
    assert "short test summary" not in text and "FAILED " not in text and "= FAILURES =" not in text
    assert "Traceback" not in text


def test_pytest_exercises_on_the_stubs_ends_with_the_whole_scoreboard_in_a_short_screen(pytester):
    lines = _learner_run(pytester, str(ROOT / "exercises"))
    _assert_the_screen_ends_with_the_scoreboard(lines)
    board = lines[next(i for i, line in enumerate(lines) if "ftlab scoreboard" in line) :]
    for exercise in EXERCISES:
        assert any(line.startswith(f"{exercise.number}. {exercise.title}") for line in board), exercise.slug


def test_one_exercise_and_a_k_selection_end_the_same_way(pytester):
    for args in (
        [str(ROOT / "exercises" / "ex2_validate_record.py")],
        [str(ROOT / "exercises"), "-k", "ex1"],
    ):
        lines = _learner_run(pytester, *args)
        _assert_the_screen_ends_with_the_scoreboard(lines)
        assert any(line.startswith("  ex") and " task " in line for line in lines), args


def test_verbose_keeps_pytests_full_failure_sections_still_above_the_scoreboard(pytester):
    lines = _learner_run(pytester, str(ROOT / "exercises" / "ex1_build_example.py"), "-v")
    text = "\n".join(lines)
    assert "= FAILURES =" in text and "not implemented yet (Task 1:" in text
    assert any(line.startswith("total ") for line in lines[-LAST_LINES:])


_GRADER = """
import pytest

@pytest.mark.points(1, task=1, hint="say hi")
def test_hi(exercise):
    assert exercise.build_example("a", "b") == "hi", "it did not say hi"
"""


def test_a_project_test_failing_in_a_graded_run_keeps_its_own_failure_section(pytester):
    pytester.makefile(".toml", pyproject="[tool.pytest.ini_options]\n")
    pytester.mkdir("exercises").joinpath("ex1_build_example.py").write_text(
        "def build_example(user, assistant, system=None):\n    return 'bye'\n"
    )
    pytester.mkdir("graders").joinpath("test_ex1_build_example.py").write_text(textwrap.dedent(_GRADER))
    pytester.makepyfile(test_plain="def test_plain():\n    assert 1 == 2\n")
    result = pytester.runpytest_subprocess("exercises/", "test_plain.py", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(
        [
            "*= FAILURES =*",
            "*assert 1 == 2*",
            "FAILED test_plain.py::test_plain*",
            "*ftlab scoreboard*",
            "What to fix next:",
            "  ex1 task 1 test_hi (0/1): say hi -> it did not say hi*",
        ]
    )
    assert "FAILED exercises/" not in result.stdout.str()


def test_skipped_checks_are_counted_in_one_line_not_listed_with_their_hints():
    checks = [_check("test_a"), *(replace(_check(f"test_{n}"), status="skipped") for n in "bcd")]
    assert next_steps(checks) == [
        "  ex2 task 2 test_a (0/1): fix test_a",
        "  (3 more checks were skipped: they run once the checks above pass)",
    ]
