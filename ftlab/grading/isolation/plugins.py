"""The pytest plugins a grading run loads: ftlab's alone, of those installed; the rest are blocked.

The graders replay stored examples (no hypothesis) and run in one process (no xdist), so a grading
run (:mod:`ftlab.classroom.runner`) passes ``-p no:NAME`` for every other installed plugin
(:func:`blocked`), and the forkserver imports none of them (:mod:`ftlab.grading.isolation.preload`):
hypothesis's, schemathesis's and anyio's plugins cost a worker about a second of imports.
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

#: the one installed pytest plugin (entry point name) a grading run needs: the graders replay stored
#: examples (no hypothesis) and run in one process (no xdist); the others are not even imported
GRADING_PLUGIN = "ftlab"


@functools.cache
def unneeded_plugins() -> tuple[str, ...]:
    """The installed pytest plugins a grading run leaves out (``-p no:NAME`` each: :func:`blocked`)."""
    return tuple(sorted({e.name for e in entry_points(group="pytest11")} - {GRADING_PLUGIN}))


def blocked() -> list[str]:
    """pytest's arguments that keep :func:`unneeded_plugins` out of a run."""
    return [argument for name in unneeded_plugins() for argument in ("-p", f"no:{name}")]
