"""The pytest side of isolated grading: one backend per implementation root, all sharing one folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftlab.grading.isolation import session as session_module
from ftlab.grading.isolation.sandbox import Sandbox
from ftlab.grading.isolation.session import IsolationPlugin

PLAIN = Sandbox("process", reason="test")


class _Recorded:
    """A stand-in backend that records how it was made."""

    def __init__(self, root: Path, **options: Any) -> None:
        self.root, self.options = root, options
        self.notes, self.failures = ["a note", "a note"], ["could not start"]
        self.closed = False

    def output(self) -> str:
        return "printed"

    def close(self) -> None:
        self.closed = True


def test_every_backend_shares_the_runs_folder_and_is_closed_when_the_run_ends(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(session_module, "IsolatedBackend", _Recorded)
    session = IsolationPlugin(sandbox=PLAIN, slot=None)
    pytester.makepyfile("def test_nothing():\n    pass\n")
    seen: dict[str, Any] = {}

    class Probe:
        def pytest_sessionstart(self, session: pytest.Session) -> None:
            from ftlab.grading.settings import BACKEND_FACTORY

            make = session.config.stash[BACKEND_FACTORY]
            seen["first"] = make(session.config, Path("a"))
            seen["second"] = make(session.config, Path("b"))

    pytester.inline_run("-p", "no:cacheprovider", plugins=[session, Probe()])
    first, second = seen["first"], seen["second"]
    assert first.options["shared"][0].path == second.options["shared"][0].path
    assert first.options["sandbox"] is PLAIN and first.options["slot"] is None
    assert first.closed and second.closed, "every backend is closed when the run ends"
    assert not first.options["shared"][0].path.exists(), "the run's folder is removed when it ends"
    assert session.notes == ["a note"] and session.failures == ["could not start"]
    assert session.outputs == ["printed", "printed"]
