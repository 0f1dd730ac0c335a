"""Warm-up: the lazy loads a learner's call may trigger, done once before any call is timed.

The first ``import openai`` and the first load of a tiktoken encoding take seconds on a slow
machine; inside a timed call they would make the grade depend on the machine's speed. Each
exercise names what its functions may load (:attr:`ftlab.grading.exercises.Exercise.warms`):
the in-process backend warms exactly that before the exercise's first call, so checking
exercise 1 does not pay for openai. A fresh sandboxed child warms the same for the exercises
whose files its submission's folder holds (:func:`ftlab.grading.exercises.warms_for`);
:func:`warm` warms everything (for a child that may run any exercise: a single file, and the
template children are forked from). Imports only what the sandboxed child may import: the
standard library, openai and ``ftlab.tokens.encodings``.
"""

from __future__ import annotations

import platform
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress

from ftlab.errors import FtlabError
from ftlab.tokens.encodings import RANK_FILES, get_encoding

_warmed: set[str] = set()
_RESOURCES = ("chat", "completions", "embeddings", "files", "fine_tuning", "models", "batches")
#: the name an exercise gives a lazy load: "openai", or the name of an encoding ftlab ships
OPENAI = "openai"
#: one lock per lazy load, so a load under way in the background holds up only its own name
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()
BACKGROUND_THREAD = "ftlab-warm-up"


class UnknownWarmUp(FtlabError, ValueError):
    """A name of a lazy load this module does not know (a typo in an exercise's ``warms``)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"nothing to warm up by the name {self.name!r}; known: {', '.join(known())}"


def warm() -> None:
    """Import openai and its client, and load every encoding ftlab ships; once per process."""
    warm_only(known())


def warm_only(names: Iterable[str]) -> None:
    """Do the lazy loads named (``"openai"``, ``"o200k_base"``...) that this process has not done yet.

    openai comes first: an encoding may be loading in the background (:func:`start_in_background`)
    meanwhile, and the caller waits for that load only once its own work is done.
    """
    for name in sorted(set(names), key=lambda n: (n != OPENAI, n)):
        load = _loader(name)
        with _lock_of(name):
            if name not in _warmed:
                load()
                _warmed.add(name)


def start_in_background(names: Iterable[str]) -> threading.Thread | None:
    """Begin loading the encodings among ``names`` in a daemon thread; None if there are none.

    Building an encoding runs mostly outside the GIL, so on a second core it overlaps the imports a
    run does meanwhile (openai's above all). :func:`warm_only` then waits for it. openai itself is
    never imported here: an import in a second thread only takes turns with the first.
    """
    encodings = [name for name in names if name != OPENAI]
    for name in encodings:
        _loader(name)  # an unknown name is refused here, in the caller's thread
    if not encodings:
        return None
    thread = threading.Thread(target=warm_only, args=(encodings,), name=BACKGROUND_THREAD, daemon=True)
    thread.start()
    return thread


def _lock_of(name: str) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(name, threading.Lock())


def known() -> tuple[str, ...]:
    """Every name :func:`warm_only` accepts."""
    return (*RANK_FILES, OPENAI)


def _loader(name: str) -> Callable[[], object]:
    if name == OPENAI:
        return _warm_openai
    if name in RANK_FILES:
        return lambda: get_encoding(name)
    raise UnknownWarmUp(name)


def _warm_platform() -> None:
    """Cache what openai's first request asks of ``platform`` (``uname -p`` runs in a subprocess: 10 ms)."""
    platform.platform()
    with suppress(OSError):  # not every sandbox shows /etc/os-release
        platform.freedesktop_os_release()


def _warm_openai() -> None:
    """Import openai and build (never use) one client: its HTTP stack loads lazily on first use.

    The client's HTTP client has no TLS context (``verify=False``): building one reads the whole CA
    bundle, which the client handles (plain HTTP to the mock) build for themselves if at all."""
    try:
        import openai

        http = openai.DefaultHttpxClient(verify=False)
        client = openai.OpenAI(
            api_key="ftlab-warm-up", base_url="http://127.0.0.1:9/v1", max_retries=0, http_client=http
        )
        for resource in _RESOURCES:  # each imports its module the first time it is touched
            getattr(client, resource)
        _ = client.chat.completions, client.fine_tuning.jobs
        client.close()
        _warm_platform()
    except Exception:  # noqa: BLE001 - openai missing or changed: the learner's call will say so, timed
        return
