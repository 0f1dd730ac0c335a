"""The plugin's part in a learner's loop: the lazy loads of an exercise begin as its file is collected."""

from __future__ import annotations

import pytest

#: A grader for exercise 3 that looks, while it is being imported, at whether its encodings have
#: begun loading (a warm-up thread alive, or an encoding loaded already).
IMPORT_PROBE = """
import threading

import pytest

from ftlab.grading.warmup import BACKGROUND_THREAD
from ftlab.tokens import encodings

BEGUN = bool(encodings._loaded) or any(t.name == BACKGROUND_THREAD for t in threading.enumerate())
print("PROBE begun", BEGUN)

@pytest.mark.points(1, hint="h")
def test_first(exercise):
    print("PROBE first", sorted(encodings._loaded))
"""


def _kit(pytester: pytest.Pytester, slug: str, grader: str = IMPORT_PROBE) -> None:
    pytester.makefile(".toml", pyproject="[tool.pytest.ini_options]\n")
    (pytester.path / "exercises").mkdir()
    (pytester.path / "graders").mkdir()
    (pytester.path / "exercises" / f"{slug}.py").write_text("", encoding="utf-8")
    (pytester.path / "graders" / f"test_{slug}.py").write_text(grader, encoding="utf-8")


def test_an_exercises_encodings_begin_loading_before_its_grader_is_imported(pytester):
    _kit(pytester, "ex3_estimate_tokens")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "exercises/")
    out = result.stdout.str()
    assert result.ret == 0, out
    assert "PROBE begun True" in out
    assert "PROBE first ['cl100k_base', 'o200k_base']" in out


def test_collecting_only_loads_nothing_in_the_background(pytester):
    _kit(pytester, "ex3_estimate_tokens")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "--collect-only", "exercises/")
    assert "PROBE begun False" in result.stdout.str()


#: A grader for exercise 4 whose check reports whether the run says its encodings are warmed.
WARMED_PROBE = """
import pytest

from ftlab.grading.mock_api import ENCODINGS_WARMED

@pytest.mark.points(1, hint="h")
def test_first(exercise, request):
    print("PROBE warmed", request.config.stash.get(ENCODINGS_WARMED, False))
"""


def test_a_run_of_learner_code_in_this_process_tells_the_mock_its_encodings_are_warmed(pytester):
    _kit(pytester, "ex4_submit_job", WARMED_PROBE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "exercises/")
    assert result.ret == 0 and "PROBE warmed True" in result.stdout.str()


#: A grader for exercise 1 (which loads nothing) that reports what began loading by its check.
NOTHING_PROBE = """
import threading

import pytest

from ftlab.grading.warmup import BACKGROUND_THREAD
from ftlab.tokens import encodings

@pytest.mark.points(1, hint="h")
def test_first(exercise):
    threads = [t.name for t in threading.enumerate() if t.name == BACKGROUND_THREAD]
    print("PROBE loading", sorted(encodings._loaded), threads)
"""


def test_one_exercise_asked_for_loads_nothing_for_the_other_exercises_in_its_folder(pytester):
    _kit(pytester, "ex3_estimate_tokens")
    (pytester.path / "exercises" / "ex1_build_example.py").write_text("", encoding="utf-8")
    (pytester.path / "graders" / "test_ex1_build_example.py").write_text(NOTHING_PROBE, encoding="utf-8")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "exercises/ex1_build_example.py")
    assert result.ret == 0 and "PROBE loading [] []" in result.stdout.str()
