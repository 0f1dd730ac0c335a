from __future__ import annotations

from ftlab.grading.isolation.plain_data import TOO_LARGE
from ftlab.grading.isolation.strikes import MAX_FAILS, MAX_OVERSIZED, Strikes
from ftlab.grading.outcomes import Outcome

SLUG = "ex1_build_example"
REFUSED = Outcome("not_plain", message=f"{TOO_LARGE} (a str)")


def test_a_function_is_called_until_its_value_was_refused_for_its_size_the_limit_times():
    strikes = Strikes()
    for _ in range(MAX_OVERSIZED - 1):
        strikes.answered(SLUG, "build_example", REFUSED)
    assert strikes.refusal(SLUG, "build_example") is None
    strikes.answered(SLUG, "build_example", REFUSED)
    refused = strikes.refusal(SLUG, "build_example")
    assert refused is not None and refused.kind == "not_plain"
    assert refused.message.startswith(TOO_LARGE)
    assert f"it returned such a value {MAX_OVERSIZED} times already" in refused.message
    assert strikes.refusal(SLUG, "write_jsonl") is None, "only that function is struck"


def test_a_value_refused_for_its_type_is_no_strike():
    strikes = Strikes()
    for _ in range(MAX_OVERSIZED + 1):
        strikes.answered(SLUG, "build_example", Outcome("not_plain", message="a generator object"))
        strikes.answered(SLUG, "build_example", Outcome("value", value="x" * 100))
    assert strikes.refusal(SLUG, "build_example") is None


def test_a_function_that_ends_the_process_the_limit_times_is_not_called_again():
    strikes = Strikes()
    for _ in range(MAX_FAILS - 1):
        strikes.exited(SLUG, "build_example")
    assert strikes.refusal(SLUG, "build_example") is None
    strikes.exited(SLUG, "build_example")
    refused = strikes.refusal(SLUG, "build_example")
    assert refused is not None and refused.kind == "ended"
    assert f"{MAX_FAILS} times; it is not run again" in refused.message
