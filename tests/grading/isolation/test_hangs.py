"""The hang budget: a function is not run again after two hangs, and hung calls cost a bounded total."""

from __future__ import annotations

from ftlab.grading.isolation.hangs import BUDGET, MAX_HANGS, MIN_LOAD_TIMEOUT, HangBudget, short_limit


def test_a_submission_that_never_hangs_keeps_the_usual_limits():
    budget = HangBudget(10.0)
    assert budget.limit() == 10.0
    assert budget.load_limit() == max(MIN_LOAD_TIMEOUT, 30.0)
    assert budget.refusal("ex1", "build_example") is None


def test_a_function_is_refused_after_it_hung_twice():
    budget = HangBudget(10.0)
    for _ in range(MAX_HANGS):
        assert budget.refusal("ex1", "build_example") is None
        budget.hung("ex1", "build_example", 10.0)
    assert f"it timed out {MAX_HANGS} times already" in (budget.refusal("ex1", "build_example") or "")
    assert budget.refusal("ex1", "write_jsonl") is None, "only the function that hung"


def test_once_the_budget_is_spent_a_function_that_hung_once_is_refused_and_the_rest_get_a_short_limit():
    budget = HangBudget(10.0, seconds=25.0)
    budget.hung("ex1", "build_example", 12.0)
    budget.hung("ex2", "validate_record", 12.0)
    assert budget.refusal("ex2", "validate_record") is None, "24 s of 25: the budget is not spent yet"
    budget.hung("ex3", "count_tokens", 1.5)
    assert budget.exhausted
    assert "used up this submission's 25 s budget" in (budget.refusal("ex2", "validate_record") or "")
    assert budget.refusal("ex4", "submit_job") is None, "a function that never hung still runs"
    assert budget.limit() == short_limit(10.0) == 2.0
    assert "the limit was cut from 10 s" in budget.note(budget.limit())
    assert budget.note(10.0) == ""


def test_after_one_import_hung_the_next_imports_get_the_call_limit_not_the_load_limit():
    budget = HangBudget(10.0, seconds=40.0)
    budget.import_hung(30.0)
    assert budget.load_limit() == 10.0
    budget.import_hung(10.0)
    assert budget.load_limit() == short_limit(10.0), "past the budget, the short limit"


def test_without_a_time_limit_nothing_is_ever_cut():
    budget = HangBudget(0.0)
    budget.spent = 10 * BUDGET
    assert not budget.exhausted
    assert budget.limit() == 0.0


def test_the_short_limit_is_never_under_a_second():
    assert short_limit(2.0) == 1.0
    assert short_limit(60.0) == 12.0


def test_time_lost_to_a_call_no_check_asked_for_spends_the_budget_but_blames_no_function():
    budget = HangBudget(10.0, seconds=20.0)
    budget.waited(12.0)
    budget.waited(12.0)
    assert budget.exhausted and budget.limit() == short_limit(10.0)
    assert budget.refusal("ex1", "build_example") is None, "no function hung where a check asked"
