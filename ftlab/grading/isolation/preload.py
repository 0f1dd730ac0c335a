"""What every grading worker needs, loaded once in the batch's forkserver instead of once per submission.

``ftlab grade`` forks a fresh worker per submission from a ``forkserver``; a worker starts with
whatever the forkserver had imported. multiprocessing's forkserver can only import modules, so
importing this one is its whole job (:data:`ftlab.classroom.workers.PRELOAD` names it; nothing
else imports it): the pytest plugin a grading run loads (ftlab's; it blocks the others), the
openai SDK, the mock API, and the encodings and client warmed by :func:`ftlab.grading.warmup.warm`
(the encodings build in a thread while the imports run). Measured by ``bench/bench_grade.py``:
seconds per submission otherwise. A forked worker gets a copy of all of it: nothing one
submission does reaches another. What was loaded is then frozen out of the garbage collector's
sight (:func:`gc.freeze`): it lives as long as the worker, and every full collection in a worker
(pytest makes several) would otherwise walk it again.
"""

from __future__ import annotations

import gc
import importlib
from importlib.metadata import entry_points

from ftlab.grading.isolation.plugins import unneeded_plugins
from ftlab.grading.warmup import known, start_in_background, warm

#: Modules every worker imports while grading, besides the pytest plugins.
MODULES = ("openai", "ftlab.mock", "ftlab.grading.mock_api", "ftlab.grading.plugin")


def plugin_modules() -> list[str]:
    """The modules of the pytest plugins a grading run loads (the others it blocks: plugins.py)."""
    wanted = [e for e in entry_points(group="pytest11") if e.name not in unneeded_plugins()]
    return sorted({entry.value.split(":")[0] for entry in wanted})


def load() -> list[str]:
    """Import the plugins and :data:`MODULES` as the encodings load, then warm up; what failed to import."""
    background = start_in_background(known())  # the encodings build on another core meanwhile
    missing = []
    for name in [*plugin_modules(), *MODULES]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a broken optional plugin is pytest's to report, in the worker
            missing.append(name)
    warm()
    if background is not None:
        background.join()  # nothing running but this thread when the forkserver forks
    gc.freeze()
    return missing


load()
