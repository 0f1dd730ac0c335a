"""The time limit on a call into learner code: it interrupts, it cannot be swallowed, it leaves no alarm."""

from __future__ import annotations

import gc
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


def test_an_alarm_lost_inside_a_garbage_collector_callback_rings_again(monkeypatch):
    lost: list[type[BaseException]] = []
    monkeypatch.setattr("sys.unraisablehook", lambda hook: lost.append(hook.exc_type))

    def slow_callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start" and not lost:
            time.sleep(0.5)  # the alarm rings in here: Python can only report it as unraisable

    gc.callbacks.append(slow_callback)
    looped_to_the_end = False
    try:
        with pytest.raises(TimeLimitExceeded), time_limit(0.1):
            gc.collect()
            ends = time.monotonic() + 5
            while time.monotonic() < ends:
                pass
            looped_to_the_end = True
    finally:
        gc.callbacks.remove(slow_callback)
    assert lost and set(lost) == {TimeLimitExceeded}
    assert not looped_to_the_end


def test_a_block_that_catches_every_alarm_is_interrupted_again_and_again():
    caught = 0
    with pytest.raises(TimeLimitExceeded), time_limit(0.1):
        ends = time.monotonic() + 5
        while time.monotonic() < ends and caught < 3:
            try:
                time.sleep(1)
            except BaseException:  # noqa: BLE001 - what a learner's bare except does
                caught += 1
    assert caught == 3


def test_a_block_that_swallows_the_alarm_and_ends_still_ends_past_its_limit():
    with pytest.raises(TimeLimitExceeded), time_limit(0.1):
        try:
            time.sleep(1)
        except BaseException:  # noqa: BLE001 - swallowed, then the block returns as if in time
            pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
