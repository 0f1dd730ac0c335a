"""The simulated training curve: loss per step, the same for the same job, and its token accuracy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ftlab.mock.losses import accuracy, loss_curve


def test_accuracy_falls_as_loss_rises_and_stays_between_0_and_1() -> None:
    assert accuracy(0.0) == 1.0
    assert 0.0 < accuracy(3.0) < accuracy(1.0) < accuracy(0.1) < 1.0
    assert accuracy(1.0) == round(0.4065696597405991, 4)


def test_a_curve_has_one_loss_per_step() -> None:
    assert len(loss_curve("ftjob-a", 7)) == 7
    assert loss_curve("ftjob-a", 0) == []


def test_the_same_job_id_gives_the_same_losses_and_another_id_other_ones() -> None:
    assert loss_curve("ftjob-a", 50) == loss_curve("ftjob-a", 50)
    assert loss_curve("ftjob-a", 50) != loss_curve("ftjob-b", 50)


@given(st.text(min_size=1, max_size=30), st.integers(min_value=20, max_value=2000))
def test_losses_are_positive_and_fall_from_the_first_to_the_last_quarter(job_id: str, steps: int) -> None:
    losses = loss_curve(job_id, steps)
    quarter = steps // 4
    assert min(losses) > 0
    assert sum(losses[-quarter:]) / quarter < sum(losses[:quarter]) / quarter
