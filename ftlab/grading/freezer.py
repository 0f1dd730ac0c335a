"""The garbage collector during a grading run: what is loaded before the first check is frozen.

A grading run loads pytest, the graders, the openai SDK and the token encodings, about 130,000
objects the collector would walk at every full collection (one during ``import openai``, two in
pytest's own clean-up, one at exit) though they live as long as the process. While the graders
import (and openai with them) the collector is paused (:func:`pause`): what an import makes is
module state, not garbage, and walking it again and again cost a grading run some 40 ms.
:func:`freeze` then moves all of it out of the collector's way (``gc.freeze()``) and lets it run
again for the checks; :func:`thaw` gives frozen objects back at the end of the session, except
when the process ends with it (the outermost session of ``pytest`` the program), so that the
exit's last collection skips them too.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

_FROZEN = pytest.StashKey[bool]()
_PAUSED = pytest.StashKey[bool]()
#: the pytest sessions configured in this process, outermost first (pytester and the notebook's
#: self-check run one inside another)
_SESSIONS: list[pytest.Config] = []


def track(config: pytest.Config) -> None:
    """Thaw what this session freezes at its very end (call from ``pytest_configure``).

    Its cleanup is registered before pytest's own plugins register theirs, so it runs after
    them: after the unraisable-exception plugin's last ``gc.collect()``.
    """
    _SESSIONS.append(config)
    config.add_cleanup(lambda: thaw(config))


def pause(config: pytest.Config) -> None:
    """Stop the collector until :func:`freeze` or :func:`resume` (while the graders import).

    Nothing is done if it is off already (someone else's choice, left as it is).
    """
    if gc.isenabled():
        gc.disable()
        config.stash[_PAUSED] = True


def resume(config: pytest.Config) -> None:
    """Let the collector run again, if :func:`pause` stopped it."""
    if config.stash.get(_PAUSED, False):
        config.stash[_PAUSED] = False
        gc.enable()


def freeze(config: pytest.Config) -> None:
    """Move every object tracked now out of the collector's way until the session ends; resume it."""
    config.stash[_FROZEN] = True
    gc.freeze()
    resume(config)


def thaw(config: pytest.Config) -> None:
    """Give frozen objects back to the collector, unless the process ends with this session."""
    resume(config)  # a session that stopped before its checks (a collection error, --collect-only)
    outermost = bool(_SESSIONS) and _SESSIONS[0] is config
    if config in _SESSIONS:
        _SESSIONS.remove(config)
    if config.stash.get(_FROZEN, False) and not (outermost and pytest_is_the_program()):
        gc.unfreeze()


def pytest_is_the_program() -> bool:
    """Whether this process is ``pytest`` or ``python -m pytest`` (and ends when pytest returns)."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", "") == "pytest.__main__":
        return True
    return Path(getattr(main, "__file__", None) or "").stem in ("pytest", "py.test")  # the console script
