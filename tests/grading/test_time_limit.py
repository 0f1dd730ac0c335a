"""The time limit on a call into learner code: it interrupts, it cannot be swallowed, it leaves no alarm."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from ftlab.grading.time_limit import TimeLimitExceeded, time_limit


def test_a_block_past_its_limit_is_interrupted():
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        while True:
            pass
    assert time.monotonic() - started < 5


def test_a_learners_except_exception_cannot_swallow_the_limit():
    with pytest.raises(TimeLimitExceeded), time_limit(0.2):
        while True:
            try:
                time.sleep(10)
            except Exception:  # noqa: BLE001 - what a learner's retry loop does
                continue


def test_the_limit_is_not_an_exception_a_caller_catches_by_accident():
    assert not issubclass(TimeLimitExceeded, Exception) and issubclass(TimeLimitExceeded, BaseException)


def test_a_block_within_its_limit_runs_and_leaves_no_alarm_behind():
    previous = signal.getsignal(signal.SIGALRM)
    with time_limit(5):
        value = sum(range(10))
    assert value == 45
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous


def test_zero_seconds_means_no_limit():
    with time_limit(0):
        time.sleep(0.05)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_there_is_no_limit():
    finished = []

    def work() -> None:
        with time_limit(0.01):
            time.sleep(0.1)
        finished.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert finished == [True]
