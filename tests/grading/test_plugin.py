"""The grading plugin, driven through pytester as a grader author and a learner would use it."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

STUB = """
def build_example(user, assistant, system=None):
    raise NotImplementedError("Task 1: build it")

def write_jsonl(examples, path):
    raise NotImplementedError("Task 2: write it")
"""

GOOD = """
def build_example(user, assistant, system=None):
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}
"""


def make_kit(pytester: pytest.Pytester | Path, grader: str, impl: str = GOOD) -> None:
    """A tiny kit: exercises/, graders/ and a pyproject that makes the folder the rootdir."""
    folder = pytester if isinstance(pytester, Path) else pytester.path
    (folder / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (folder / "exercises").mkdir()
    (folder / "graders").mkdir()
    (folder / "exercises" / "ex1_build_example.py").write_text(textwrap.dedent(impl))
    (folder / "graders" / "test_ex1_build_example.py").write_text(textwrap.dedent(grader))


GRADER = """
import pytest

@pytest.mark.points(2, task=1, hint="user first, then assistant")
def test_roles(exercise):
    roles = [m["role"] for m in exercise.build_example("hi", "yo")["messages"]]
    assert roles == ["user", "assistant"], f"roles are {roles}"

@pytest.mark.points(3, task=1, hint="keep the system prompt", visibility="hidden")
def test_system(exercise):
    messages = exercise.build_example("hi", "yo", system="SECRET-EXPECTED")["messages"]
    assert messages[0] == {"role": "system", "content": "SECRET-EXPECTED"}

@pytest.mark.points(4, hint="score the scenarios")
def test_partial(exercise, credit):
    for n in range(4):
        with credit.check(f"case {n}", hint=f"case {n} wants an even length"):
            assert len(exercise.build_example("x" * (n + 1), "y")["messages"][0]["content"]) % 2 == 0
"""


@pytest.fixture(autouse=True)
def graders_imported_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs here are in-process: a grader module this process already imported under the same
    name (the kit's own, by a self-check test before) is set aside for the test, so the run imports
    its tiny kit's grader as a fresh ``pytest`` would (pytest refuses a same-named module from elsewhere)."""
    for name in [name for name in sys.modules if name.startswith("test_ex")]:
        monkeypatch.delitem(sys.modules, name)


def run_json(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict]:
    result = pytester.runpytest_inprocess(*args, "--ftlab-json", "out.json", "-p", "no:cacheprovider")
    return result, json.loads((pytester.path / "out.json").read_text())


def test_points_count_only_when_a_check_passes_and_partial_credit_scales(pytester):
    make_kit(pytester, GRADER)
    result, data = run_json(pytester, "exercises/")
    by_name = {t["name"]: t for t in data["tests"]}
    assert by_name["test_roles"]["points"] == 2 and by_name["test_roles"]["status"] == "passed"
    assert by_name["test_system"]["points"] == 0 and by_name["test_system"]["status"] == "failed"
    assert by_name["test_partial"]["points"] == 2 and by_name["test_partial"]["max_points"] == 4
    assert (data["score"], data["max_score"]) == (4, 9)
    assert result.ret == 1


def test_scoreboard_shows_each_exercise_and_the_total(pytester):
    make_kit(pytester, GRADER)
    result, _ = run_json(pytester, "exercises/")
    result.stdout.fnmatch_lines(
        [
            "*ftlab scoreboard*",
            "1. Build a training example*4 / 9*2 checks to fix",
            "total*4 / 9*(44%)",
            "What to fix next:",
            "*test_system (0/3): keep the system prompt",
        ]
    )


def test_a_hidden_check_shows_its_hint_but_never_its_code_or_expected_values(pytester):
    make_kit(pytester, GRADER)
    result, data = run_json(pytester, "exercises/")
    assert "SECRET-EXPECTED" not in result.stdout.str()
    hidden = next(t for t in data["tests"] if t["name"] == "test_system")
    assert hidden["visibility"] == "hidden" and "keep the system prompt" in hidden["feedback"]
    assert "SECRET-EXPECTED" not in json.dumps(hidden)


def test_partial_credit_lists_the_failing_sub_checks_with_their_hints(pytester):
    make_kit(pytester, GRADER)
    _, data = run_json(pytester, "exercises/")
    partial = next(t for t in data["tests"] if t["name"] == "test_partial")
    assert "2 of 4 passed" in partial["feedback"]
    assert "- case 0: case 0 wants an even length" in partial["feedback"]
    assert "case 1:" not in partial["feedback"]


def test_a_stub_fails_every_check_with_not_implemented_yet_and_no_traceback(pytester):
    make_kit(pytester, GRADER, STUB)
    result, data = run_json(pytester, "exercises/")
    assert data["score"] == 0
    assert all("not implemented yet (Task 1: build it)" in t["feedback"] for t in data["tests"])
    assert "Traceback" not in result.stdout.str() and "raise NotImplementedError" not in result.stdout.str()
    assert result.ret == 1


def test_a_missing_function_is_named_not_an_import_error(pytester):
    make_kit(pytester, GRADER, "def build_exmaple(user, assistant, system=None):\n    return {}\n")
    result, data = run_json(pytester, "exercises/")
    result.stdout.fnmatch_lines(
        [
            "*MISSING FUNCTION --> build_example() in ex1_build_example.py: "
            "did you misname or forget to define it?*"
        ]
    )
    assert data["score"] == 0


def test_a_syntax_error_in_the_learners_file_is_one_clear_line(pytester):
    make_kit(pytester, GRADER, "def build_example(user, assistant, system=None)\n    return {}\n")
    result, _ = run_json(pytester, "exercises/")
    result.stdout.fnmatch_lines(["*ex1_build_example.py could not be loaded: SyntaxError on line 1*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_the_learners_own_exception_is_shown_with_their_line(pytester):
    make_kit(
        pytester, GRADER, "def build_example(user, assistant, system=None):\n    return {'messages': []}[0]\n"
    )
    result, _ = run_json(pytester, "exercises/")
    result.stdout.fnmatch_lines(
        ["*your code raised KeyError: 0 (ex1_build_example.py, line 2, in build_example)*"]
    )


def test_an_endless_loop_times_out_and_grading_goes_on(pytester):
    make_kit(
        pytester, GRADER, "def build_example(user, assistant, system=None):\n    while True:\n        pass\n"
    )
    result, data = run_json(pytester, "exercises/", "--ftlab-timeout", "0.5")
    assert len(data["tests"]) == 3
    result.stdout.fnmatch_lines(["*build_example() timed out after 0.5 s*"])


def test_returning_an_object_that_equals_everything_gains_nothing(pytester):
    cheat = """
class Always:
    def __eq__(self, other):
        return True
    def __getitem__(self, key):
        return self

def build_example(user, assistant, system=None):
    return Always()
"""
    make_kit(pytester, GRADER, cheat)
    result, data = run_json(pytester, "exercises/")
    assert data["score"] == 0
    result.stdout.fnmatch_lines(["*build_example() returned a Always object; return plain data only*"])


def test_impl_option_picks_the_implementation_and_rejects_a_missing_path(pytester):
    make_kit(pytester, GRADER, STUB)
    (pytester.path / "solutions").mkdir()
    (pytester.path / "solutions" / "ex1_build_example.py").write_text(GOOD)
    _, data = run_json(pytester, "graders/", "--impl", "solutions")
    assert data["score"] == 4
    result = pytester.runpytest_inprocess("graders/", "--impl", "nowhere")
    result.stderr.fnmatch_lines(["*--impl nowhere: there is no folder or file at*nowhere*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("points(0, hint='h')", "max_points must be a positive number, got 0"),
        ("points(1)", "points() missing 1 required keyword-only argument: 'hint'"),
        (
            "points(1, hint='h', visibility='secret')",
            "visibility must be one of visible, hidden, got 'secret'",
        ),
        ("points(1, hint='h', task=0)", "task must be a task number (1, 2, ...), got 0"),
        ("points(1, hint='  ')", "hint must be a non-empty sentence for the learner"),
    ],
)
def test_a_bad_points_marker_is_a_usage_error_naming_the_test(pytester, marker, message):
    make_kit(pytester, f"import pytest\n\n@pytest.mark.{marker}\ndef test_x(exercise):\n    pass\n")
    result = pytester.runpytest_inprocess("graders/")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"*graders/test_ex1_build_example.py::test_x: bad @pytest.mark.{marker}: {message}*"]
    )


def test_a_grader_check_without_points_is_refused(pytester):
    make_kit(pytester, "def test_unscored(exercise):\n    pass\n")
    result = pytester.runpytest_inprocess("graders/")
    result.stderr.fnmatch_lines(
        ["*test_unscored: every check in a grader module needs @pytest.mark.points(n, hint=...)*"]
    )


def test_the_marker_is_documented_with_its_signature(pytester):
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.points(max_points, *, hint, task=None, visibility='visible'):*"]
    )


def test_a_bug_in_a_grader_is_reported_as_the_graders_fault(pytester):
    make_kit(
        pytester,
        "import pytest\n\n@pytest.mark.points(1, hint='h')\ndef test_x(exercise):\n    {}['missing']\n",
    )
    _, data = run_json(pytester, "exercises/")
    assert data["tests"][0]["status"] == "error"
    assert "the grader itself failed" in data["tests"][0]["feedback"]


def test_results_are_the_same_under_xdist(pytester):
    make_kit(pytester, GRADER)
    _, serial = run_json(pytester, "exercises/")
    _, parallel = run_json(pytester, "exercises/", "-n", "2")
    key = lambda t: t["name"]  # noqa: E731
    assert sorted(serial["tests"], key=key) == sorted(parallel["tests"], key=key)
    assert serial["score"] == parallel["score"]


def test_project_tests_without_points_are_left_alone(pytester):
    pytester.makepyfile(test_plain="def test_ok():\n    assert 1 == 2\n")
    result = pytester.runpytest_inprocess()
    result.stdout.fnmatch_lines(["*assert 1 == 2*"])
    assert "ftlab scoreboard" not in result.stdout.str()


def test_one_exercise_file_can_be_checked_on_its_own(pytester):
    make_kit(pytester, GRADER)
    result, data = run_json(pytester, "exercises/ex1_build_example.py")
    assert len(data["tests"]) == 3
    result.stdout.fnmatch_lines(
        [
            "exercises/ex1_build_example.py .FF*",
            "What to fix next:",
            "  ex1 task 1 test_system (0/3): keep the system prompt",
        ]
    )
    assert "FAILED" not in result.stdout.str()


def test_the_plugin_is_the_top_of_grading_no_engine_module_imports_it():
    graph = grimp.build_graph("ftlab", include_external_packages=False)
    assert graph.find_modules_that_directly_import("ftlab.grading.plugin") == set()


SUMMARY_PROBE = """
import sys
import pytest

@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    plugin = config.pluginmanager.get_plugin("hypothesispytest")
    terminalreporter.write_line(f"PROBE imported={'hypothesis' in sys.modules} plugin={plugin is not None}")
"""


@pytest.mark.parametrize(
    ("test_code", "expected"),
    [
        ("def test_plain():\n    assert True\n", "PROBE imported=False plugin=False"),
        (
            "import hypothesis\n\ndef test_uses_it():\n    assert hypothesis\n",
            "PROBE imported=True plugin=True",
        ),
    ],
    ids=["no-hypothesis", "hypothesis-imported"],
)
def test_hypothesis_is_not_imported_at_the_end_of_a_run_that_never_used_it(pytester, test_code, expected):
    pytester.makeconftest(SUMMARY_PROBE)
    pytester.makepyfile(test_code)
    unused = ("-p", "no:schemathesis", "-p", "no:anyio")  # plugins that import hypothesis themselves
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *unused)
    result.stdout.fnmatch_lines([expected])


#: A grader for exercise 3 whose first check looks, before any call, at what the process holds.
WARM_PROBE = """
import gc
import sys

import pytest

from ftlab.tokens import encodings

@pytest.mark.points(1, hint="h")
def test_first(exercise):
    print("PROBE", sorted(encodings._loaded), "openai" in sys.modules, gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("ex3_estimate_tokens", "PROBE ['cl100k_base', 'o200k_base'] False True"),
        ("ex5_decide_approach", "PROBE [] False True"),
    ],
)
def test_before_the_first_check_its_exercises_lazy_loads_are_done_and_frozen(pytester, slug, expected):
    pytester.makefile(".toml", pyproject="[tool.pytest.ini_options]\n")
    (pytester.path / "exercises").mkdir()
    (pytester.path / "graders").mkdir()
    (pytester.path / "exercises" / f"{slug}.py").write_text("", encoding="utf-8")
    (pytester.path / "graders" / f"test_{slug}.py").write_text(WARM_PROBE, encoding="utf-8")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "exercises/")
    assert result.ret == 0 and f"{slug}.py {expected}\n" in result.stdout.str()
