"""The challenge's table for any engine: the scoreboard's columns, who answered each leg, and the
measured times when a real model answered.

The rows, the break-even line and the closing notes are the scoreboard's own
(:mod:`ftlab.course.scoreboard`); this adds the engine of every leg and, with ``timed``, the wall
time per request and the one-off training time measured on this machine, next to the hosted prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ftlab.course.legs import LegResult
from ftlab.course.scoreboard import CLOSING_NOTES, COLUMNS, break_even_lines, row
from ftlab.course.triage import SIMULATION_NOTE
from ftlab.tokens.models import resolve_model

TIMED_COLUMNS = f"{'s / request':>13}{'trained in':>12}"


def render_run(
    results: Sequence[LegResult],
    *,
    model: str,
    requests_per_day: int,
    skipped: Mapping[str, str] | None = None,
    header: str = SIMULATION_NOTE,
    timed: bool = False,
    footer: Sequence[str] = (),
) -> list[str]:
    """The side-by-side table, who answered each leg, the notes and the fine-tune's break-even."""
    n = results[0].n if results else 0
    lines = [
        f"One task, three ways: Acme Cloud ticket triage on {n} held-out emails "
        f"({resolve_model(model).name} prices)",
        header,
        "",
        COLUMNS + (TIMED_COLUMNS if timed else ""),
    ]
    lines += [row(r) + (timing(r) if timed else "") for r in results]
    lines += [f"{name:<11}not run: {reason}" for name, reason in (skipped or {}).items()]
    lines += ["", "Answered by:"]
    lines += [f"- {r.name}: {r.engine}" for r in results]
    lines += ["", "Notes:"]
    lines += [f"- {r.name}: {r.note}" for r in results]
    lines += break_even_lines(results, model=model, requests_per_day=requests_per_day)
    if timed:
        lines.append(
            "- s / request and trained in: wall time measured on this machine; cost and one-off: "
            f"what the hosted {resolve_model(model).name} would charge for the same tokens"
        )
    lines += CLOSING_NOTES
    lines += footer
    return lines


def timing(r: LegResult) -> str:
    """A leg's measured columns: seconds per request, the training time ("-" when none ran here)."""
    trained = "-" if r.training_seconds is None else duration(r.training_seconds)
    return f"{f'{r.seconds_per_request:.2f}s':>13}{trained:>12}"


def duration(seconds: float) -> str:
    """Seconds as a learner reads them: ``42s``, ``6m05s``, ``1h02m``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
