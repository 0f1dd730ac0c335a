"""Where the batch's worker processes come from: a ``forkserver`` that has imported what every worker needs.

Its imports (:data:`PRELOAD`: pytest's plugins, openai, the mock, the encodings warmed) take a
few seconds, in a second interpreter. :func:`start` starts it at once, so it warms while the
command finds the sandbox and the submissions and starts the templates, instead of after them.
This module imports nothing heavy itself, so a command can call :func:`start` first.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver

#: What the forkserver imports once for every worker; the last also loads pytest's plugins, openai and
#: the mock, and warms the encodings (seconds per submission otherwise: bench/bench_grade.py).
PRELOAD = [
    "ftlab.classroom.runner",
    "ftlab.dataset.records",
    "ftlab.course",
    "ftlab.grading.isolation.preload",
]

Context = multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext


def context() -> Context:
    """The forkserver context with :data:`PRELOAD` (a fresh interpreter per worker where there is none)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forking = multiprocessing.get_context("forkserver")
        forking.set_forkserver_preload(PRELOAD)
        return forking
    return multiprocessing.get_context("spawn")


def start() -> int | None:
    """Start the forkserver now, without waiting for its imports; its process id (None: no forkserver)."""
    if context().get_start_method() != "forkserver":
        return None
    multiprocessing.forkserver.ensure_running()
    return _forkserver_pid()


def _forkserver_pid() -> int | None:
    server = multiprocessing.forkserver._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    return pid if isinstance(pid, int) else None
