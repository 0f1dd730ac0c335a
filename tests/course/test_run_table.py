"""The challenge's table for any engine: the scoreboard's, plus who answered, plus measured times."""

from __future__ import annotations

import pytest

from ftlab.course.legs import LegResult
from ftlab.course.run_table import TIMED_COLUMNS, duration, render_run, timing
from ftlab.course.scoreboard import COLUMNS, render

RESULTS = [
    LegResult("prompt", 20, 10, 9, 8, 300.0, 12.0, 0.0001, 0.0, "p note", "engine A", 0.25, None),
    LegResult("fine-tune", 20, 15, 14, 13, 70.0, 12.0, 0.00005, 0.08, "f note", "engine B", 1.5, 125.0),
]  # fmt: skip


def test_untimed_it_is_the_scoreboard_plus_who_answered_each_leg():
    table = render_run(RESULTS, model="gpt-4o-mini", requests_per_day=1000, skipped={"rag": "why"})
    block = ["Answered by:", "- prompt: engine A", "- fine-tune: engine B", ""]
    start = table.index("Answered by:")
    assert table[start : start + 4] == block
    assert table[:start] + table[start + 4 :] == render(
        RESULTS, model="gpt-4o-mini", requests_per_day=1000, skipped={"rag": "why"}
    )


def test_timed_it_adds_seconds_per_request_and_training_time_and_says_what_they_are():
    table = render_run(RESULTS, model="gpt-4o-mini", requests_per_day=1000, header="real", timed=True)
    assert table[1] == "real" and table[3] == COLUMNS + TIMED_COLUMNS
    assert table[4].endswith("0.25s           -") and table[5].endswith("1.50s       2m05s")
    assert any(line.startswith("- s / request and trained in: wall time measured") for line in table)


def test_a_footer_ends_the_table():
    assert (
        render_run(RESULTS, model="gpt-4o-mini", requests_per_day=1, footer=["- the end"])[-1] == "- the end"
    )


@pytest.mark.parametrize(("seconds", "shown"), [(0.4, "0s"), (42, "42s"), (365, "6m05s"), (3720, "1h02m")])
def test_durations_read_as_seconds_minutes_or_hours(seconds: float, shown: str):
    assert duration(seconds) == shown


def test_a_leg_without_training_shows_a_dash():
    assert timing(RESULTS[0]).split() == ["0.25s", "-"]
