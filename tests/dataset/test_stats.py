"""ftlab.dataset.stats: exact distributions from counts of values, and what a dataset's examples look like."""

from __future__ import annotations

import itertools
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.stats import DatasetStats, Distribution


def distribution(values: list[int]) -> Distribution:
    dist = Distribution()
    for value in values:
        dist.add(value)
    return dist


@given(values=st.lists(st.integers(0, 70_000), min_size=2, max_size=300))
def test_percentiles_are_the_inclusive_quantiles(values):
    dist = distribution(values)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    assert dist.percentile(5) == pytest.approx(cuts[4], abs=1e-9)
    assert dist.percentile(95) == pytest.approx(cuts[94], abs=1e-9)
    assert dist.median == pytest.approx(statistics.median(values), abs=1e-9)


@given(values=st.lists(st.integers(-5, 5_000), min_size=1, max_size=300))
def test_the_summary_matches_the_values(values):
    summary = distribution(values).summary()
    assert (summary["n"], summary["min"], summary["max"]) == (len(values), min(values), max(values))
    assert summary["mean"] == pytest.approx(statistics.fmean(values))
    assert summary["min"] <= summary["p5"] <= summary["median"] <= summary["p95"] <= summary["max"]


@given(values=st.lists(st.integers(0, 1_000), min_size=1, max_size=300), p=st.floats(0, 100))
def test_a_percentile_is_between_its_two_closest_ranks(values, p):
    ordered = sorted(values)
    rank = (len(values) - 1) * p / 100
    got = distribution(values).percentile(p)
    assert ordered[int(rank)] - 1e-9 <= got <= ordered[min(int(rank) + 1, len(values) - 1)] + 1e-9


@given(values=st.lists(st.integers(0, 3_000), max_size=300))
def test_the_values_come_back_sorted_from_the_counts(values):
    dist = distribution(values)
    assert list(dist.values()) == sorted(values)
    assert [dist.kth(k) for k in range(len(values))] == sorted(values)


@given(values=st.lists(st.integers(0, 5_000), min_size=1, max_size=300), max_bins=st.integers(1, 40))
def test_the_histogram_covers_every_value_once(values, max_bins):
    bins = distribution(values).histogram(max_bins)
    assert 1 <= len(bins) <= max_bins
    assert bins[0].low == min(values) and bins[-1].high >= max(values)
    assert all(a.high + 1 == b.low for a, b in itertools.pairwise(bins))
    assert all(b.count == sum(b.low <= v <= b.high for v in values) for b in bins)


def test_memory_follows_the_distinct_values_not_the_examples():
    dist = distribution([100 + i % 250 for i in range(100_000)])
    assert (dist.n, dist.n_distinct) == (100_000, 250)


def test_an_empty_distribution_has_no_statistics():
    dist = Distribution()
    assert dist.summary() == {
        "n": 0,
        "min": None,
        "max": None,
        "mean": None,
        "median": None,
        "p5": None,
        "p95": None,
    }
    assert dist.histogram() == []
    with pytest.raises(IndexError):
        dist.kth(0)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="0 to 100"):
        distribution([1]).percentile(101)
    with pytest.raises(ValueError, match="at least 1"):
        distribution([1]).histogram(0)


def test_a_dataset_counts_missing_roles_and_sizes():
    stats = DatasetStats()
    stats.add(
        [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "u"},
            {"role": "assistant", "content": "a"},
        ],
        30,
        5,
    )
    stats.add([{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}], 20, 4)
    stats.add([{"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}])
    data = stats.to_dict()
    assert (data["n_examples"], data["n_missing_system"], data["n_missing_user"]) == (3, 1, 1)
    assert data["messages_per_example"]["max"] == 3 and data["messages_per_example"]["min"] == 2
    assert data["tokens_per_example"]["n"] == 2 and data["tokens_per_example"]["mean"] == 25
    assert data["assistant_tokens_per_example"]["max"] == 5


@given(batches=st.lists(st.lists(st.integers(0, 500), min_size=1, max_size=30), min_size=1, max_size=6))
def test_statistics_read_between_adds_count_every_value_added_so_far(batches):
    dist, seen = Distribution(), []
    for batch in batches:
        for value in batch:
            dist.add(value)
        seen += batch
        assert (dist.min, dist.max, dist.median) == (min(seen), max(seen), statistics.median(seen))
        assert list(dist.values()) == sorted(seen)


@pytest.mark.parametrize(
    ("roles", "missing"),
    [
        (["user", "system", "assistant"], (0, 0)),
        (["assistant", "user"], (1, 0)),
        (["system", "assistant", "system"], (0, 1)),
        (["assistant", "tool", "function"], (1, 1)),
    ],
)
def test_a_system_or_user_message_anywhere_in_an_example_is_found(roles, missing):
    stats = DatasetStats()
    stats.add([{"role": role, "content": "x"} for role in roles])
    assert (stats.n_missing_system, stats.n_missing_user) == missing
