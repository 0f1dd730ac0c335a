"""Streaming statistics of a training file: exact distributions in memory that does not grow with it.

A :class:`Distribution` keeps how many times each value was seen, not the values: a file
of 100,000 examples whose lengths take 900 different values costs 900 entries. Percentiles
are exact, interpolated between the closest ranks as numpy's default and
``statistics.quantiles(method="inclusive")`` do.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

#: The percentiles every summary reports.
SUMMARY_PERCENTILES = (5, 95)


@dataclass(frozen=True)
class Bin:
    """One histogram bar: values from ``low`` to ``high`` inclusive, and how many there were."""

    low: int
    high: int
    count: int


class Distribution:
    """Exact summary statistics of a stream of integers."""

    def __init__(self) -> None:
        self._counts: Counter[int] = Counter()
        self.n = 0
        self.total = 0
        #: The values sorted and their cumulative counts, and ``n`` when they were (stale once it grows).
        self._sorted: tuple[list[int], list[int]] = ([], [])
        self._sorted_n = 0

    def add(self, value: int) -> None:
        self._counts[value] += 1
        self.n += 1
        self.total += value

    @property
    def n_distinct(self) -> int:
        return len(self._counts)

    @property
    def min(self) -> int | None:
        return self._order()[0][0] if self.n else None

    @property
    def max(self) -> int | None:
        return self._order()[0][-1] if self.n else None

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def median(self) -> float | None:
        return self.percentile(50)

    def percentile(self, p: float) -> float | None:
        """The p-th percentile (0-100), linearly interpolated between the closest ranks."""
        if not 0 <= p <= 100:
            raise ValueError(f"a percentile is from 0 to 100, got {p}")
        if not self.n:
            return None
        rank = (self.n - 1) * Fraction(p) / 100
        low = math.floor(rank)
        below, above = self.kth(low), self.kth(min(low + 1, self.n - 1))
        return float(below + (above - below) * (rank - low))

    def kth(self, k: int) -> int:
        """The k-th smallest value (0-based)."""
        if not 0 <= k < self.n:
            raise IndexError(f"k must be from 0 to {self.n - 1}, got {k}")
        values, cumulative = self._order()
        return values[bisect.bisect_right(cumulative, k)]

    def values(self) -> Iterator[int]:
        """Every value seen, smallest first (generated from the counts, never stored)."""
        for value in self._order()[0]:
            yield from itertools.repeat(value, self._counts[value])

    def count_between(self, low: int, high: int) -> int:
        """How many values were from ``low`` to ``high`` inclusive."""
        values, cumulative = self._order()
        start, end = bisect.bisect_left(values, low), bisect.bisect_right(values, high)
        if end <= start:
            return 0
        return cumulative[end - 1] - (cumulative[start - 1] if start else 0)

    def histogram(self, max_bins: int = 30) -> list[Bin]:
        """Equal-width bars from min to max (integer widths), at most ``max_bins`` of them."""
        if max_bins < 1:
            raise ValueError(f"max_bins must be at least 1, got {max_bins}")
        if not self.n:
            return []
        low, high = self.min, self.max
        assert low is not None and high is not None
        width = max(1, math.ceil((high - low + 1) / max_bins))
        return [
            Bin(start, start + width - 1, self.count_between(start, start + width - 1))
            for start in range(low, high + 1, width)
        ]

    def summary(self) -> dict[str, float | int | None]:
        """min, max, mean, median, p5 and p95 (None for an empty distribution)."""
        out: dict[str, float | int | None] = {
            "n": self.n,
            "min": self.min,
            "max": self.max,
            "mean": self.mean,
            "median": self.median,
        }
        for p in SUMMARY_PERCENTILES:
            out[f"p{p}"] = self.percentile(p)
        return out

    def _order(self) -> tuple[list[int], list[int]]:
        if self._sorted_n != self.n:
            values = sorted(self._counts)
            self._sorted = (values, list(itertools.accumulate(self._counts[v] for v in values)))
            self._sorted_n = self.n
        return self._sorted


@dataclass
class DatasetStats:
    """What the valid examples of a file look like: sizes, tokens, and what they are missing."""

    n_examples: int = 0
    n_missing_system: int = 0
    n_missing_user: int = 0
    n_over_context: int = 0
    messages: Distribution = field(default_factory=Distribution)
    tokens: Distribution = field(default_factory=Distribution)
    assistant_tokens: Distribution = field(default_factory=Distribution)

    def add(
        self,
        messages: list[Mapping[str, Any]],
        tokens: int | None = None,
        assistant_tokens: int | None = None,
    ) -> None:
        """Count one valid example (its messages, and its token counts when a model is known)."""
        system = user = False
        for message in messages:  # a loop, not a set of the roles: this runs for every example
            role = message.get("role")
            system = system or role == "system"
            user = user or role == "user"
        self.n_examples += 1
        self.n_missing_system += not system
        self.n_missing_user += not user
        self.messages.add(len(messages))
        if tokens is not None:
            self.tokens.add(tokens)
        if assistant_tokens is not None:
            self.assistant_tokens.add(assistant_tokens)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_examples": self.n_examples,
            "n_missing_system": self.n_missing_system,
            "n_missing_user": self.n_missing_user,
            "n_over_context": self.n_over_context,
            "messages_per_example": self.messages.summary(),
            "tokens_per_example": self.tokens.summary(),
            "assistant_tokens_per_example": self.assistant_tokens.summary(),
        }
