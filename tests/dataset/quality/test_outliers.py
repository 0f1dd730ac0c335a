from __future__ import annotations

import statistics
from array import array

from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality.outliers import Z_LIMIT, Band, Lengths, band
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


@given(
    st.lists(st.integers(0, 10**6), min_size=8, max_size=60).flatmap(
        lambda few: st.sampled_from([few, few * 130, few * 130 + few[:1]])  # sorted in Python, by numpy
    ),
    st.sampled_from([3.0, 5.0]),
)
def test_a_band_is_that_of_the_statistics_modules_median_and_mad(values: list[int], ratio: float):
    median = statistics.median(values)
    mad = max(statistics.median(abs(v - median) for v in values), 1.0)
    spread = Z_LIMIT * mad / 0.6745
    expected = Band(median, mad, min(median - spread, median / ratio), max(median + spread, median * ratio))
    found = band(array("l", values), ratio)
    assert found == expected and found is not None
    assert (type(found.median), type(found.mad)) == (type(median), type(mad))
