"""A submission's budget for hung calls: what a learner's endless loops may cost the grader in all.

Each call into learner code has its time limit (``--ftlab-timeout``, 10 s by default). Without a
budget, a submission whose every function loops forever would cost that limit on every check
that calls it. Here a function is not called again once it has timed out :data:`MAX_HANGS`
times, and once this submission's calls (and imports) that timed out have taken
:data:`BUDGET` seconds in all, a function that ever hung fails at once and every other call runs
with a shorter limit (:func:`short_limit`). A submission that never hangs is graded exactly as
before: the budget only counts time spent in calls that timed out (a batch's call that hung after
its check had stopped included: its time was lost all the same).
"""

from __future__ import annotations

MAX_HANGS = 2  # a function that timed out this many times is not run again
BUDGET = 20.0  # seconds one submission's hung calls and imports may take in all
MIN_LOAD_TIMEOUT = 30.0


def short_limit(timeout: float) -> float:
    """The limit once the budget is spent: a fifth of the usual one, at least 1 s."""
    return max(1.0, timeout / 5)


class HangBudget:
    """Counts one submission's hung calls; says which calls to refuse and what limit the others get."""

    def __init__(self, timeout: float, *, seconds: float = BUDGET) -> None:
        self.timeout = timeout
        self.seconds = seconds
        self.spent = 0.0
        self._hangs: dict[tuple[str, str], int] = {}
        self._import_hung = False

    @property
    def exhausted(self) -> bool:
        return self.timeout > 0 and self.spent >= self.seconds

    def limit(self) -> float:
        """The time limit of the next call (0: none)."""
        return short_limit(self.timeout) if self.exhausted else self.timeout

    def load_limit(self) -> float:
        """How long loading a file (and its first call) may take: generous until an import has hung once."""
        if self._import_hung:
            return self.limit()
        return max(MIN_LOAD_TIMEOUT, 3 * self.timeout)

    def refusal(self, slug: str, function: str) -> str | None:
        """Why ``function`` is not called again (a timeout message, after its name), or None to call it."""
        hangs = self._hangs.get((slug, function), 0)
        if hangs >= MAX_HANGS:
            why = f"it timed out {hangs} times already"
        elif hangs and self.exhausted:
            why = (
                "it timed out before, and the calls that timed out have used up this submission's "
                f"{self.seconds:g} s budget for them"
            )
        else:
            return None
        return f"was not called again: {why} (is there an endless loop, or a wait that never ends?)"

    def hung(self, slug: str, function: str, seconds: float) -> None:
        """A call of ``function`` timed out after ``seconds``."""
        key = (slug, function)
        self._hangs[key] = self._hangs.get(key, 0) + 1
        self.spent += seconds

    def waited(self, seconds: float) -> None:
        """A call no check asked for (a batch's, its check ended) hung: ``seconds`` lost, none blamed."""
        self.spent += seconds

    def import_hung(self, seconds: float) -> None:
        """Importing a file did not finish within its limit (after ``seconds``)."""
        self._import_hung = True
        self.spent += seconds

    def note(self, limit: float) -> str:
        """What a timeout message adds when ``limit`` is the shortened one."""
        if self.timeout > 0 and limit < self.timeout:
            return (
                f" (the limit was cut from {self.timeout:g} s: calls that timed out have used up this "
                f"submission's {self.seconds:g} s budget for them)"
            )
        return ""
