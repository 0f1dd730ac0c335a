"""The mock's clocks: a manual one that moves only when told, a scaled one that runs fast."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.mock import Clock, ManualClock, ScaledClock


@given(st.lists(st.floats(min_value=0, max_value=1e6), max_size=20))
def test_a_manual_clock_moves_by_exactly_the_sum_of_its_advances(steps: list[float]) -> None:
    clock = ManualClock(start=1000.0)
    for step in steps:
        clock.advance(step)
    assert clock.now() == pytest.approx(1000.0 + sum(steps))


def test_a_manual_clock_stands_still_between_advances() -> None:
    clock = ManualClock()
    first = clock.now()
    time.sleep(0.01)
    assert clock.now() == first


def test_a_manual_clock_refuses_to_go_backwards() -> None:
    with pytest.raises(ValueError, match="cannot go backwards"):
        ManualClock().advance(-1)


def test_manual_sleep_advances_the_clock_for_code_that_expects_time_sleep() -> None:
    clock = ManualClock(start=0)
    clock.sleep(30)
    assert clock.now() == 30


def test_concurrent_advances_are_all_counted() -> None:
    clock = ManualClock(start=0)
    threads = [threading.Thread(target=lambda: [clock.advance(1) for _ in range(500)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == 2000


def test_a_scaled_clock_starts_near_the_real_time_and_runs_faster() -> None:
    clock = ScaledClock(speed=1000)
    start = clock.now()
    assert abs(start - time.time()) < 5
    time.sleep(0.02)
    assert clock.now() - start >= 15  # 20 ms of wall time is about 20 simulated seconds


@pytest.mark.parametrize("speed", [0, -1])
def test_a_scaled_clock_needs_a_positive_speed(speed: float) -> None:
    with pytest.raises(ValueError, match="speed must be positive"):
        ScaledClock(speed)


def test_both_clocks_satisfy_the_clock_protocol() -> None:
    assert isinstance(ManualClock(), Clock)
    assert isinstance(ScaledClock(), Clock)
