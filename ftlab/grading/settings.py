"""A grading run's settings, read from pytest's options: the implementation, the time limit, the backend.

Below the plugin on purpose: what runs pytest with a backend of its own (the isolating backend,
the notebook's self-check) sets ``config.stash[BACKEND_FACTORY]`` and reads :func:`call_timeout`
from here without importing the plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT, Backend, LocalBackend

HELP_IMPL = (
    "which implementation graders check: 'exercises' (default), 'solutions', "
    "or a path to a folder or one .py file"
)
HELP_JSON = "write every graded check, with points and feedback, as JSON to this path"
HELP_DEBUG = "keep pytest's full traceback under each failed check (for people who write graders)"
HELP_TIMEOUT = (
    f"seconds one call into the learner's code may take (default {DEFAULT_CALL_TIMEOUT:g}; 0: no limit)"
)

#: ``(config, implementation root) -> Backend``: what runs the learner's code in this pytest run.
BackendFactory = Callable[[pytest.Config, Path], Backend]
BACKEND_FACTORY = pytest.StashKey[BackendFactory]()


def add_options(parser: pytest.Parser) -> None:
    """The ftlab options on pytest's command line and in its ini file."""
    group = parser.getgroup("ftlab", "ftlab grading")
    group.addoption("--impl", dest="ftlab_impl", default=None, metavar="WHICH", help=HELP_IMPL)
    group.addoption("--ftlab-json", dest="ftlab_json", default=None, metavar="PATH", help=HELP_JSON)
    group.addoption("--ftlab-debug", dest="ftlab_debug", action="store_true", default=False, help=HELP_DEBUG)
    group.addoption(
        "--ftlab-timeout",
        dest="ftlab_timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=HELP_TIMEOUT,
    )
    parser.addini("ftlab_impl", HELP_IMPL, default="exercises")
    parser.addini("ftlab_timeout", HELP_TIMEOUT, default=str(DEFAULT_CALL_TIMEOUT))


def call_timeout(config: pytest.Config) -> float:
    """The per-call time limit from ``--ftlab-timeout`` or the ``ftlab_timeout`` ini value."""
    value = config.getoption("ftlab_timeout")
    if value is None:
        raw = config.getini("ftlab_timeout")
        try:
            value = float(raw)
        except ValueError:
            raise pytest.UsageError(
                f"ftlab_timeout = {raw!r} in your pytest configuration is not a number of seconds"
            ) from None
    if value < 0:
        raise pytest.UsageError(f"--ftlab-timeout must be 0 (no limit) or more seconds, got {value:g}")
    return float(value)


def impl_root(config: pytest.Config) -> Path:
    """Where the implementation under test lives, from ``--impl`` or the ``ftlab_impl`` ini value."""
    which = config.getoption("ftlab_impl") or config.getini("ftlab_impl")
    path = Path(which)
    if not path.is_absolute():
        path = (
            (config.rootpath / path)
            if which in ("exercises", "solutions")
            else (config.invocation_params.dir / path)
        )
    if not path.exists():
        raise pytest.UsageError(f"--impl {which}: there is no folder or file at {path}")
    return path.resolve()


def local_backend(config: pytest.Config, root: Path) -> Backend:
    """The default: the learner's code runs in this process (fast self-checks)."""
    return LocalBackend(root, timeout=call_timeout(config))
