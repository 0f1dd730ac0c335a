"""The suite's xdist plan (tests/conftest.py): the modules it names exist, it groups only those, and
``-n auto`` starts WORKERS_PER_CORE workers per core unless told a number."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import (
    FIRST,
    ONE_WORKER,
    WORKERS_PER_CORE,
    cores,
    pytest_xdist_auto_num_workers,
    rank,
    work_unit,
)
from tests.paths import ROOT


def _config(numprocesses: str) -> Any:
    return SimpleNamespace(option=SimpleNamespace(numprocesses=numprocesses))


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


def test_auto_gives_workers_per_core_and_more_workers_than_cores(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    assert WORKERS_PER_CORE >= 2
    assert pytest_xdist_auto_num_workers(_config("auto")) == WORKERS_PER_CORE * cores()


@pytest.mark.parametrize(("variable", "numprocesses"), [("3", "auto"), ("", "logical")])
def test_xdists_own_count_is_left_to_xdist_when_a_number_or_logical_is_asked_for(
    monkeypatch, variable, numprocesses
):
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", variable)
    assert pytest_xdist_auto_num_workers(_config(numprocesses)) is None


def test_a_run_with_n_auto_starts_workers_per_core_workers():
    """The hook is one xdist consults at start-up: tests/conftest.py is loaded before it asks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # not this run's worker
    one_test = "tests/test_scheduling.py::test_every_module_the_plan_names_exists"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "auto", one_test, "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    expected = WORKERS_PER_CORE * cores()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"created: {expected}/{expected} workers" in done.stdout, done.stdout[-2000:]
