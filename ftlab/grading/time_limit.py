"""The time limit on a call into learner code: an alarm that interrupts it, past any ``except Exception``."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

#: After the first alarm, it rings again this often until the block ends: an alarm raised where
#: Python cannot pass it on (inside a garbage-collector callback, say, it is only reported as
#: "unraisable") or swallowed by a learner's ``except BaseException`` is not the last one.
REPEAT_SECONDS = 0.05


class TimeLimitExceeded(BaseException):
    """Raised inside :func:`time_limit`: a BaseException, so a learner's ``except Exception`` misses it."""


class _Alarm:
    """Whether the alarm may still interrupt the block, and whether it has rung."""

    __slots__ = ("armed", "rang")

    def __init__(self) -> None:
        self.armed = True
        self.rang = False

    def ring(self, _signum: int, _frame: FrameType | None) -> None:
        if self.armed:
            self.rang = True
            raise TimeLimitExceeded


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread, POSIX); no limit elsewhere or when 0.

    The alarm rings again every ``REPEAT_SECONDS`` until the block ends, and a block that ends
    normally after it rang (it caught the alarm) raises it then: past its limit, a block never
    ends as if it had finished in time.
    """
    usable = (
        seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    alarm = _Alarm()
    previous = signal.signal(signal.SIGALRM, alarm.ring)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        while alarm.armed:  # an alarm may ring here too: it is caught until the next line has run
            try:
                alarm.armed = False
            except TimeLimitExceeded:
                continue
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if alarm.rang:
        raise TimeLimitExceeded
