"""Simulated time for the mock API: a fast clock by default, a manual one for tests."""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable

#: 2025-06-15 00:00:00 UTC: where a manual clock starts unless told otherwise.
DEFAULT_START = 1_749_945_600.0


@runtime_checkable
class Clock(Protocol):
    """A source of simulated Unix time in seconds."""

    def now(self) -> float: ...


def runs_by_itself(clock: Clock) -> bool:
    """False for a clock that moves only when told to (a ``runs_by_itself = False`` attribute)."""
    return bool(getattr(clock, "runs_by_itself", True))


class ScaledClock:
    """Wall time sped up: starts at the real time and runs ``speed`` times faster.

    At the default speed of 1000 one wall millisecond is one simulated second, so a job that
    would take OpenAI a few minutes is done in a fraction of a second.
    """

    def __init__(self, speed: float = 1000.0, *, start: float | None = None) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed!r}")
        self.speed = float(speed)
        self._start = time.time() if start is None else float(start)
        self._origin = time.monotonic()

    def now(self) -> float:
        return self._start + (time.monotonic() - self._origin) * self.speed

    def __repr__(self) -> str:
        return f"ScaledClock(speed={self.speed:g})"


class ManualClock:
    """A clock that moves only when told to: ``clock.advance(60)``. Thread-safe."""

    runs_by_itself = False

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError(f"a clock cannot go backwards (advance by {seconds!r})")
        with self._lock:
            self._now += seconds
            return self._now

    def sleep(self, seconds: float) -> None:
        """Same as ``advance``: pass ``clock.sleep`` where code under test expects ``time.sleep``."""
        self.advance(max(0.0, seconds))

    def __repr__(self) -> str:
        return f"ManualClock(now={self.now():.3f})"
