"""A grading run's settings from pytest's options: the implementation, the call time limit, the backend."""

from __future__ import annotations

import pytest

from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT, LocalBackend
from ftlab.grading.settings import BACKEND_FACTORY, call_timeout, impl_root, local_backend


def test_the_time_limit_comes_from_the_option_then_the_ini_then_the_default(pytester):
    assert call_timeout(pytester.parseconfig("--ftlab-timeout", "3")) == 3.0
    assert call_timeout(pytester.parseconfig()) == DEFAULT_CALL_TIMEOUT
    pytester.makeini("[pytest]\nftlab_timeout = 7.5\n")
    assert call_timeout(pytester.parseconfig()) == 7.5


def test_a_time_limit_that_is_not_a_number_of_seconds_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nftlab_timeout = soon\n")
    with pytest.raises(pytest.UsageError, match="ftlab_timeout = 'soon' .* is not a number of seconds"):
        call_timeout(pytester.parseconfig())
    with pytest.raises(pytest.UsageError, match="must be 0 \\(no limit\\) or more seconds, got -1"):
        call_timeout(pytester.parseconfig("--ftlab-timeout", "-1"))


def test_impl_names_a_folder_of_the_project_or_a_path_from_where_pytest_runs(pytester):
    (pytester.path / "solutions").mkdir()
    (pytester.path / "mine.py").write_text("")
    assert impl_root(pytester.parseconfig("--impl", "solutions")) == (pytester.path / "solutions").resolve()
    assert impl_root(pytester.parseconfig("--impl", "mine.py")) == (pytester.path / "mine.py").resolve()


def test_an_impl_that_is_not_there_is_a_usage_error(pytester):
    with pytest.raises(pytest.UsageError, match="--impl nowhere: there is no folder or file at"):
        impl_root(pytester.parseconfig("--impl", "nowhere"))


def test_without_another_factory_learner_code_runs_in_this_process(pytester):
    config = pytester.parseconfigure("--ftlab-timeout", "4")
    assert config.stash[BACKEND_FACTORY] is local_backend
    backend = local_backend(config, pytester.path)
    assert isinstance(backend, LocalBackend) and backend.timeout == 4.0


def test_the_options_are_on_pytests_command_line(pytester):
    config = pytester.parseconfig("--ftlab-json", "out.json", "--ftlab-debug")
    assert config.getoption("ftlab_json") == "out.json" and config.getoption("ftlab_debug") is True
