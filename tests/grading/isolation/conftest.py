"""Fixtures for the isolation tests: each kind of child this machine can start, and a proxy to it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ftlab.grading.exercises import find
from ftlab.grading.isolation.backend import IsolatedBackend
from ftlab.grading.isolation.sandbox import Sandbox, find_sandbox
from ftlab.grading.seam import ExerciseProxy

EX1 = find("ex1_build_example")
BEST = find_sandbox()
KINDS = [
    pytest.param(Sandbox("process", reason="test"), id="process"),
    pytest.param(
        BEST,
        id="bubblewrap",
        marks=pytest.mark.skipif(not BEST.isolated, reason=f"no sandbox: {BEST.reason}"),
    ),
]


@pytest.fixture(params=KINDS)
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    return request.param


@pytest.fixture
def start(tmp_path: Path, sandbox: Sandbox):
    """``start(source, timeout=..., exercise=..., shared=...)``: a proxy running ``source`` isolated.

    The proxy's ``backend`` attribute is the :class:`IsolatedBackend` behind it.
    """
    backends = []

    def make(source: str, *, timeout: float = 5.0, exercise=EX1, shared=()) -> ExerciseProxy:
        folder = tmp_path / f"submission{len(backends)}"
        folder.mkdir()
        (folder / exercise.filename).write_text(textwrap.dedent(source), encoding="utf-8")
        backend = IsolatedBackend(folder, sandbox=sandbox, timeout=timeout, shared=list(shared))
        backends.append(backend)
        proxy = ExerciseProxy(backend, exercise)
        proxy.backend = backend  # type: ignore[attr-defined]
        return proxy

    yield make
    for backend in backends:
        backend.close()
