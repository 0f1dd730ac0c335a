"""How a check reads in every class report: its title, what a learner is told, a board's percentage.

Every report shows learners' checks through :meth:`ftlab.grading.results.CheckResult.public`, the
same view ``pytest exercises/`` gives them: a hidden check keeps its name, points and hint, never
its inputs, expected values or code.
"""

from __future__ import annotations

from collections.abc import Sequence

from ftlab.classroom.graded import Graded
from ftlab.grading.exercises import EXERCISES
from ftlab.grading.results import CheckResult, Scoreboard


def title(check: CheckResult) -> str:
    """A check's readable name.

    ``test_blank_text_is_refused[empty-user]`` reads ``blank text is refused [empty-user]``.
    """
    base, _, params = check.name.partition("[")
    words = base.removeprefix("test_").replace("_", " ")
    return f"{words} [{params}" if params else words


def public_checks(board: Scoreboard) -> list[CheckResult]:
    """The board's checks as a learner may see them."""
    return [c.public() for c in board.checks]


def explanation(check: CheckResult) -> str:
    """What a learner is told about a check that did not pass: its hint, then what went wrong.

    Always the public view: a hidden check never shows what it expected.
    """
    check = check.public()
    if not check.feedback or check.feedback.startswith(check.hint):
        return check.feedback or check.hint
    return f"{check.hint}\n{check.feedback}" if check.hint else check.feedback


def percent(board: Scoreboard) -> str:
    """The share of the points earned, ``"62%"``; ``"-"`` for a board worth nothing."""
    return f"{100 * board.points / board.max_points:.0f}%" if board.max_points else "-"


def exercise_columns(results: Sequence[Graded]) -> list[str]:
    """The exercises any submission was graded on: the course's order first, then any others by name."""
    seen = {g.slug for r in results for g in r.board.exercises()}
    order = [e.slug for e in EXERCISES if e.slug in seen]
    return order + sorted(seen - set(order))
