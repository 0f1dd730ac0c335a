from __future__ import annotations

from array import array

from ftlab.dataset.quality.outliers import Lengths, band
from ftlab.dataset.quality.results import LENGTH_OUTLIER


def _lengths(answers: list[int]) -> Lengths:
    lengths = Lengths()
    for line, size in enumerate(answers, start=1):
        lengths.add(line, "q" * 100, ("a" * size,))
    return lengths


def test_an_answer_far_past_the_median_and_three_times_it_is_an_outlier():
    warnings = _lengths([100, 110, 120, 130, 125, 115, 105, 900]).warnings()
    assert [(w.code, w.lines) for w in warnings] == [(LENGTH_OUTLIER, (8,))]
    assert "Line 8's answer is 900 characters, far longer" in warnings[0].message


def test_a_long_answer_under_three_times_the_median_is_no_outlier_whatever_its_z_score():
    assert _lengths([100] * 9 + [290]).warnings() == []


def test_a_file_too_small_to_judge_has_no_outliers():
    assert _lengths([100, 100, 5000]).warnings() == []
    assert band(array("l", [1, 2]), 3.0) is None


def test_inputs_may_be_five_times_the_median_before_they_are_outliers():
    lengths = Lengths()
    for line, size in enumerate([200] * 8 + [900, 1100], start=1):
        lengths.add(line, "q" * size, ("a",))
    assert [w.lines for w in lengths.warnings()] == [(10,)]
