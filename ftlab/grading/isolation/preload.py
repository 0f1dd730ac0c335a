"""What every grading worker needs, loaded once in the batch's forkserver instead of once per submission.

``ftlab grade`` forks a fresh worker per submission from a ``forkserver``; a worker starts with
whatever the forkserver had imported. multiprocessing's forkserver can only import modules, so
importing this one is its whole job (:data:`ftlab.classroom.workers.PRELOAD` names it; nothing
else imports it): pytest's plugins (the ``pytest11`` entry points ``pytest.main`` loads in
every worker), the openai SDK, the mock API, and the encodings and client warmed by
:func:`ftlab.grading.warmup.warm`. Measured by ``bench/bench_grade.py``: seconds per submission
otherwise. A forked worker gets a copy of all of it: nothing one submission does reaches another.
What was loaded is then frozen out of the garbage collector's sight (:func:`gc.freeze`): it lives
as long as the worker, and every full collection in a worker (pytest makes several) would
otherwise walk it again.
"""

from __future__ import annotations

import gc
import importlib
from importlib.metadata import entry_points

from ftlab.grading.warmup import warm

#: Modules every worker imports while grading, besides the pytest plugins.
MODULES = ("openai", "ftlab.mock", "ftlab.grading.mock_api", "ftlab.grading.plugin")


def plugin_modules() -> list[str]:
    """The modules of the pytest plugins installed here (what ``pytest.main`` imports at start-up)."""
    return sorted({entry.value.split(":")[0] for entry in entry_points(group="pytest11")})


def load() -> list[str]:
    """Import the plugins and :data:`MODULES`, then warm up; the modules that could not be imported."""
    missing = []
    for name in [*plugin_modules(), *MODULES]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a broken optional plugin is pytest's to report, in the worker
            missing.append(name)
    warm()
    gc.freeze()
    return missing


load()
