"""The pytest side of isolated grading: a run whose learner code runs in sandboxed children.

:class:`IsolationPlugin` gives a pytest run one
:class:`~ftlab.grading.isolation.backend.IsolatedBackend` per implementation root, a shared folder
every ``tmp_path`` lives in, and tells ``ftlab.grading.mock_api`` to serve where the sandbox can
reach it (a Unix socket in that folder).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.process import Channel
from ftlab.grading.isolation.removal import remove_tree
from ftlab.grading.isolation.sandbox import Limits, Sandbox
from ftlab.grading.isolation.template import Slot
from ftlab.grading.mock_api import MOCK_ADDRESS, unix_socket
from ftlab.grading.settings import BACKEND_FACTORY, call_timeout


class IsolationPlugin:
    """Makes a pytest run grade through :class:`IsolatedBackend`: ``pytest.main(args, plugins=[it])``."""

    def __init__(
        self,
        *,
        sandbox: Sandbox,
        limits: Limits | None = None,
        channels: Sequence[Channel] = (),
        slot: Slot | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.slot = slot  # a template to fork children from (bubblewrap, ``ftlab grade``'s batches)
        self.limits = limits or Limits()
        self.channels = list(channels)
        self.backends: list[IsolatedBackend] = []
        self.outputs: list[str] = []
        self._scratch: Path | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        inside = self.slot.scratch if self.slot is not None else None  # mounted in the template's sandbox
        self._scratch = Path(tempfile.mkdtemp(prefix="ftlab-scratch-", dir=inside)).resolve()
        config.option.basetemp = str(self._scratch / "pytest")  # every tmp_path lives in the shared folder
        config.stash[BACKEND_FACTORY] = self._backend
        # no network inside: the mock API listens in the shared folder
        config.stash[MOCK_ADDRESS] = unix_socket

    def _backend(self, config: pytest.Config, root: Path) -> IsolatedBackend:
        assert self._scratch is not None
        shared = [Channel(self._scratch), *self.channels]
        backend = IsolatedBackend(
            root,
            sandbox=self.sandbox,
            timeout=call_timeout(config),
            shared=shared,
            limits=self.limits,
            slot=self.slot if not self.backends else None,  # one submission per slot: the first root
        )
        self.backends.append(backend)
        return backend

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        for backend in self.backends:
            self.outputs.append(backend.output())
            backend.close()
        if self._scratch is not None:
            remove_tree(self._scratch)  # a folder per test: side by side (removal.py)

    @property
    def notes(self) -> list[str]:
        """Notes the children reported (a notebook's failed cells), each once."""
        return list(dict.fromkeys(n for b in self.backends for n in b.notes))

    @property
    def failures(self) -> list[str]:
        """Why a child could not start, each once (when not empty, the run's scores mean nothing)."""
        return list(dict.fromkeys(f for b in self.backends for f in b.failures))
