"""The garbage collector in a grading run: frozen before the first check, thawed when the process goes on."""

from __future__ import annotations

import subprocess
import sys

from tests.grading.test_plugin import GRADER, make_kit

THAW_PROBE = """
import gc
import sys

import pytest

pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]])
print("FROZEN AFTER", gc.get_freeze_count())
"""


def test_a_process_that_goes_on_after_pytest_gets_its_frozen_objects_back(pytester):
    make_kit(pytester, GRADER)
    pytester.makepyfile(probe=THAW_PROBE)
    result = pytester.run(sys.executable, "probe.py", "exercises/")
    result.stdout.fnmatch_lines(["*ftlab scoreboard*", "FROZEN AFTER 0"])


NESTED_PROBE = """
import gc

import pytest


class Seen:
    frozen = []

    def pytest_runtest_call(self, item):
        self.frozen.append(gc.get_freeze_count())


def test_an_inner_grading_run_leaves_nothing_frozen():
    seen = Seen()
    pytest.main(["-q", "-p", "no:cacheprovider", "exercises/"], plugins=[seen])
    assert len(seen.frozen) == 3 and min(seen.frozen) > 0
    assert gc.get_freeze_count() == 0
"""


def test_a_grading_run_inside_a_pytest_session_gets_its_frozen_objects_back(pytester):
    make_kit(pytester, GRADER)
    pytester.makepyfile(test_outer=NESTED_PROBE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_outer.py")
    result.stdout.fnmatch_lines(["*1 passed*"])


def test_pytest_is_the_program_only_when_pytest_runs_the_process(pytester):
    probe = "from ftlab.grading.freezer import pytest_is_the_program as p; print(p())"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False"
    pytester.makepyfile(
        "from ftlab.grading.freezer import pytest_is_the_program\n\n"
        "def test_it():\n    assert pytest_is_the_program()\n"
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
