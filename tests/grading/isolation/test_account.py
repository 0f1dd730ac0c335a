"""The unprivileged account: found, checked by running as it, and explained when out of reach."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from ftlab.grading.isolation import account
from ftlab.grading.isolation.account import Account, child_account

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")


def test_an_account_named_that_does_not_exist_is_said(monkeypatch):
    monkeypatch.setenv("FTLAB_GRADER_USER", "no-such-user-here")
    assert child_account() == "FTLAB_GRADER_USER=no-such-user-here: no such user on this machine"


def test_root_is_never_the_unprivileged_account(monkeypatch):
    monkeypatch.setenv("FTLAB_GRADER_USER", "root")
    assert "is root, not an unprivileged user" in str(child_account())


@as_root
def test_nobody_can_run_a_python_of_this_version_and_import_the_harness_packages():
    found = child_account()
    if isinstance(found, str):
        pytest.skip(f"this machine's Python is out of nobody's reach: {found}")
    assert isinstance(found, Account) and found.name == "nobody" and found.uid != 0


@as_root
def test_packages_in_a_folder_nobody_cannot_enter_are_named_as_out_of_reach(monkeypatch):
    hidden = Path(tempfile.mkdtemp())  # mode 0700, owned by root
    try:
        (hidden / "openai").mkdir()
        (hidden / "tiktoken").mkdir()
        monkeypatch.setattr(account.site, "getsitepackages", lambda: [str(hidden)])
        account._packages_out_of_reach.cache_clear()
        python = account._python_for(65534, 65534)
        if not python:
            pytest.skip("no Python here that nobody may run")
        assert account._packages_out_of_reach(python, 65534, 65534) == str(hidden)
        hidden.chmod(0o755)
        account._packages_out_of_reach.cache_clear()
        assert account._packages_out_of_reach(python, 65534, 65534) == ""
    finally:
        account._packages_out_of_reach.cache_clear()
        hidden.chmod(0o755)
        for child in hidden.iterdir():
            child.rmdir()
        hidden.rmdir()
