"""Functions that failed too often to be called again: ended the child's process, or returned too much.

A learner's function that ends the Python process (``os._exit``) costs a fresh child each time,
and one whose value is refused for its size or depth (a 600 MB string) costs as long to build
again: :class:`Strikes` counts both per function, and once one reaches its limit the function is
not called again; its checks fail at once with a message that says why. Hangs have their own
rules and budget (:mod:`ftlab.grading.isolation.hangs`).
"""

from __future__ import annotations

from ftlab.grading.isolation.wire import oversized
from ftlab.grading.outcomes import Outcome

MAX_FAILS = 3  # a function that ends the process this many times is not run again
MAX_OVERSIZED = 2  # a function whose value was refused for its size this many times is not run again


def process_ended(message: str) -> Outcome:
    """The outcome of a call whose process ended (or was not started again)."""
    return Outcome("ended", message=message)


class Strikes:
    """Per function of each exercise: how often it ended the process, and its refused values."""

    def __init__(self) -> None:
        self._exits: dict[tuple[str, str], int] = {}
        self._oversized: dict[tuple[str, str], list[str]] = {}

    def exited(self, slug: str, function: str) -> None:
        """Note that a call of ``function`` ended the child's process."""
        self._exits[slug, function] = self._exits.get((slug, function), 0) + 1

    def answered(self, slug: str, function: str, outcome: Outcome) -> None:
        """Note a call's outcome (only a value refused for its size or depth counts)."""
        if oversized(outcome):
            self._oversized.setdefault((slug, function), []).append(outcome.message)

    def refusal(self, slug: str, function: str) -> Outcome | None:
        """The outcome of a call of ``function`` that is not made, or None to make it."""
        refusals = self._oversized.get((slug, function), [])
        if len(refusals) >= MAX_OVERSIZED:
            return Outcome(
                "not_plain",
                message=f"{refusals[-1]} ({function}() was not called again: it returned such a value "
                f"{len(refusals)} times already)",
            )
        if self._exits.get((slug, function), 0) >= MAX_FAILS:
            return process_ended(
                f"{function}() ended the Python process running your code {MAX_FAILS} times; "
                "it is not run again"
            )
        return None
