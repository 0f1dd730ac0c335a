"""Partial credit: a check made of sub-checks earns its points in proportion to those that pass."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from ftlab.grading.feedback import describe


@dataclass(frozen=True)
class SubCheck:
    """One sub-check's verdict."""

    label: str
    passed: bool
    hint: str = ""
    detail: str = ""


@dataclass
class PartialCredit:
    """Collects sub-check verdicts; the plugin scores the test as ``passed / total`` of its points.

    Use it as the ``credit`` fixture::

        for case in CASES:
            with credit.check(case.label, hint=case.hint):
                assert exercise.decide_approach(case.scenario)["approach"] == case.expected

    A sub-check fails on an assertion or on any exception from the learner's code; the test
    goes on with the next one.
    """

    results: list[SubCheck] = field(default_factory=list)

    @contextlib.contextmanager
    def check(self, label: str, *, hint: str = "") -> Iterator[None]:
        try:
            yield
        except Exception as error:  # noqa: BLE001 - every failure of a sub-check is a verdict
            self.results.append(SubCheck(label, False, hint, describe(error)))
        else:
            self.results.append(SubCheck(label, True, hint))

    @property
    def used(self) -> bool:
        return bool(self.results)

    @property
    def fraction(self) -> float:
        return sum(r.passed for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def failures(self) -> list[SubCheck]:
        return [r for r in self.results if not r.passed]

    def summary(self, *, details: bool) -> str:
        """What failed, one line per sub-check (with the details only when they may be shown)."""
        passed = len(self.results) - len(self.failures)
        lines = [f"{passed} of {len(self.results)} passed"]
        for result in self.failures:
            line = f"- {result.label}"
            if result.hint:
                line += f": {result.hint}"
            if details and result.detail:
                line += f" ({result.detail})"
            lines.append(line)
        return "\n".join(lines)
