"""``running_mock()``: the mock on a free loopback port for the length of a ``with`` block."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ftlab.mock.clock import Clock
from ftlab.mock.jobs import Timing
from ftlab.mock.server import MockServer


@contextmanager
def running_mock(
    *,
    clock: Clock | None = None,
    api_keys: Iterable[str] | None = None,
    org: str = "personal",
    timing: Timing | None = None,
    seed: int | str | None = None,
) -> Iterator[MockServer]:
    """Serve a fresh mock from a background thread; yields the :class:`MockServer`.

    ``with running_mock(clock=ManualClock()) as mock:`` then ``mock.client()``, ``mock.base_url``,
    ``mock.clock.advance(60)``, ``mock.requests(key)``, ``mock.uploads(key)``, ``mock.inject_fault(429, 2)``.
    """
    server = MockServer(clock=clock, api_keys=api_keys, org=org, timing=timing, seed=seed)
    with server:
        yield server
