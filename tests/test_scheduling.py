"""The suite's xdist plan (tests/conftest.py): the modules it names exist, and it groups only those."""

from __future__ import annotations

from tests.conftest import FIRST, ONE_WORKER, rank, work_unit
from tests.paths import ROOT


def test_every_module_the_plan_names_exists():
    assert [name for name in (*FIRST, *ONE_WORKER) if not (ROOT / name).is_file()] == []


def test_the_tests_of_a_listed_module_are_one_work_unit_and_any_other_test_is_its_own():
    guide = "tests/docs/test_lab_guide.py"
    assert guide in ONE_WORKER and "tests/test_values.py" not in ONE_WORKER
    assert work_unit(f"{guide}::test_a[x]") == work_unit(f"{guide}::test_b") == guide
    assert work_unit("tests/test_values.py::test_a") == "tests/test_values.py::test_a"


def test_the_listed_longest_work_comes_first_in_its_order_and_the_rest_after():
    assert [rank(f"{name}::test_x") for name in FIRST] == list(range(len(FIRST)))
    assert rank("tests/test_values.py::test_a") == len(FIRST)
    assert rank("tests/classroom/test_runner_user_sandbox.py::t") != rank("tests/classroom/test_runner.py::t")
