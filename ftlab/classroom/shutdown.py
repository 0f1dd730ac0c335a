"""The end of an ``ftlab grade`` run: what the coordinator holds left out of the last garbage collection.

As it exits, Python collects the garbage among every object the process still holds, just before
the memory goes back to the system anyway: a tenth of a second for the coordinator's few hundred
modules on a busy machine (``bench/bench_grade.py``). :func:`skip_last_collection` freezes them
(:func:`gc.freeze`) at exit first, so that collection has nothing to walk. Every report is written
and closed by then (atomically, :mod:`ftlab.classroom.exports`); only cycles no one can reach are
not collected, with the rest of the process's memory.
"""

from __future__ import annotations

import atexit
import gc


def skip_last_collection() -> None:
    """Freeze what this process holds when it exits, before its last collection (registered once)."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
