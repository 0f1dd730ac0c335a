"""The challenge's scoreboard: the table's rows and the break-even line."""

from __future__ import annotations

from ftlab.course.legs import LegResult
from ftlab.course.scoreboard import COLUMNS, break_even_lines, render, row
from ftlab.course.triage import SIMULATION_NOTE


def test_a_fine_tune_dearer_per_request_never_pays_back():
    cheap = LegResult("prompt", 1, 1, 1, 1, 100, 10, 1e-5, 0.0, "p")
    dear = LegResult("fine-tune", 1, 1, 1, 1, 50, 10, 2e-5, 0.5, "f")
    assert any(
        "never pays back" in line
        for line in render([cheap, dear], model="gpt-4o-mini", requests_per_day=1000)
    )


def test_a_cheaper_fine_tune_pays_back_after_a_number_of_requests_and_days():
    prompt = LegResult("prompt", 1, 1, 1, 1, 100, 10, 2e-5, 0.0, "p")
    tuned = LegResult("fine-tune", 1, 1, 1, 1, 50, 10, 1e-5, 0.5, "f")
    [line] = break_even_lines([prompt, tuned], model="gpt-4o-mini", requests_per_day=1000)
    assert line.startswith("- break-even: against the prompt, the fine-tune's $0.50 pays back after 50,000")
    assert line.endswith("at 1,000 a day")


def test_without_both_the_prompt_and_the_fine_tune_there_is_no_break_even_line():
    prompt = LegResult("prompt", 1, 1, 1, 1, 100, 10, 2e-5, 0.0, "p")
    assert break_even_lines([prompt], model="gpt-4o-mini", requests_per_day=1000) == []


def test_each_row_lines_up_under_the_columns_and_a_skipped_leg_says_why():
    result = LegResult("rag", 20, 12, 10, 7, 664.2, 10, 0.000118, 0.0, "n")
    lines = render([result], model="gpt-4o-mini", requests_per_day=10, skipped={"fine-tune": "no mock"})
    assert lines[1] == SIMULATION_NOTE and lines[3] == COLUMNS
    assert lines[4] == row(result) and len(row(result)) == len(COLUMNS)
    assert row(result).split() == ["rag", "12/20", "10/20", "7/20", "664", "$0.118", "$0.00"]
    assert lines[5] == "fine-tune  not run: no mock"
