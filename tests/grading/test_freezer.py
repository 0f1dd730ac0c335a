"""The garbage collector in a grading run: frozen before the first check, thawed when the process goes on."""

from __future__ import annotations

import subprocess
import sys

from tests.grading.test_plugin import GRADER, make_kit

#: A program that runs pytest on its arguments, then goes on (the probes add what they print after).
PYTEST_THEN_ON = """
import gc
import sys

import pytest

pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]])
"""
THAW_PROBE = PYTEST_THEN_ON + 'print("FROZEN AFTER", gc.get_freeze_count())\n'


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


COLLECTOR_GRADER = """
import gc

import pytest

ENABLED_AT_IMPORT = gc.isenabled()

@pytest.mark.points(1, hint="the collector")
def test_collector(exercise):
    print("AT IMPORT", ENABLED_AT_IMPORT, "IN A CHECK", gc.isenabled())
"""


def test_the_collector_is_paused_while_graders_import_and_runs_during_the_checks(pytester):
    make_kit(pytester, COLLECTOR_GRADER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "exercises/")
    result.stdout.fnmatch_lines(["*AT IMPORT False IN A CHECK True*"])


COLLECT_ONLY_PROBE = PYTEST_THEN_ON + 'print("COLLECTOR ON AFTER", gc.isenabled())\n'


def test_a_run_that_stops_after_collecting_turns_the_collector_back_on(pytester):
    make_kit(pytester, COLLECTOR_GRADER)
    pytester.makepyfile(probe=COLLECT_ONLY_PROBE)
    result = pytester.run(sys.executable, "probe.py", "--collect-only", "exercises/")
    result.stdout.fnmatch_lines(["*test_collector*", "COLLECTOR ON AFTER True"])


def test_a_collector_someone_turned_off_stays_off(pytester):
    make_kit(pytester, COLLECTOR_GRADER)
    pytester.makepyfile(probe="import gc\ngc.disable()\n" + THAW_PROBE + "print('ON', gc.isenabled())\n")
    result = pytester.run(sys.executable, "probe.py", "exercises/")
    result.stdout.fnmatch_lines(["*ftlab scoreboard*", "ON False"])
