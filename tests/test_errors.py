"""The engine's error root and the exit statuses every command shares."""

from __future__ import annotations

import signal

import pytest

from ftlab.errors import ExitCode, FtlabError


def test_an_ftlab_error_is_an_exception_a_caller_can_catch_and_read():
    with pytest.raises(FtlabError, match="no such model"):
        raise FtlabError("no such model")


def test_the_exit_statuses_are_the_documented_numbers():
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 128 + signal.SIGINT]
    assert ExitCode.OK == 0 and ExitCode.FAILED == 1 and ExitCode.USAGE == 2 and ExitCode.INTERNAL == 3


def test_an_exit_status_is_an_int_that_sys_exit_accepts():
    with pytest.raises(SystemExit) as stopped:
        raise SystemExit(ExitCode.USAGE)
    assert stopped.value.code == 2
