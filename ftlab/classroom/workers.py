"""Where the batch's worker processes come from: a ``forkserver`` that has imported what every worker needs.

Its imports (:data:`PRELOAD`: pytest's plugins, openai, the mock, the encodings warmed) take a
few seconds, in a second interpreter. :func:`start` starts it at once, so it warms while the
command finds the sandbox and the submissions and starts the templates, instead of after them.
This module imports nothing heavy itself, so a command can call :func:`start` first.
:func:`stop` lets it go as soon as a command has no more workers to start, so its own exit runs
while the command writes its reports (a command's caller waits for both: they share stdout).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.util
import os
import threading
from typing import Any

#: What the forkserver imports once for every worker; the last also loads pytest's plugins, openai and
#: the mock, and warms the encodings (seconds per submission otherwise: bench/bench_grade.py).
PRELOAD = [
    "ftlab.classroom.runner",
    "ftlab.classroom.batch",  # what a worker unpickles its task from
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


def stop() -> int | None:
    """Tell the forkserver to end, not waiting for it (a thread reaps it); its process id (None: none ran).

    It ends once its workers are gone; a later :func:`start` starts a new one.
    """
    server: Any = multiprocessing.forkserver._forkserver  # its private state, as ForkServer._stop reads it
    with server._lock:
        pid, alive, address = _forkserver_pid(), server._forkserver_alive_fd, server._forkserver_address
        if pid is None or alive is None:
            return None
        os.close(alive)  # its end of the pipe sees EOF: it leaves its loop and exits
        server._forkserver_alive_fd = server._forkserver_pid = server._forkserver_address = None
        if address is not None and not multiprocessing.util.is_abstract_socket_namespace(address):
            os.unlink(address)
    threading.Thread(target=_reap, args=(pid,), name="ftlab-forkserver-reaper", daemon=True).start()
    return pid


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _forkserver_pid() -> int | None:
    server = multiprocessing.forkserver._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    return pid if isinstance(pid, int) else None
