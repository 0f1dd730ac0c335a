"""Part B's journey decisions: the API, the estimate, which events get a line, what to ask."""

from __future__ import annotations

from types import SimpleNamespace

from ftlab.course.endpoint import LOCAL_KEY, Endpoint
from ftlab.course.journey import (
    DEFAULT_QUESTION,
    PACE,
    api_for,
    api_message,
    one_line,
    question_for,
    training_estimate,
    worth_a_line,
)
from ftlab.dataset.jsonl import read_jsonl, write_jsonl
from tests.paths import DATA

TICKETS = DATA / "support_tickets.jsonl"


def test_a_chosen_api_is_used_as_it_is():
    chosen = Endpoint("http://127.0.0.1:9/v1", "sk-x", "local")
    with api_for(chosen) as endpoint:
        assert endpoint is chosen


def test_without_a_choice_an_offline_mock_runs_for_the_block():
    with api_for(None) as endpoint:
        assert endpoint.kind == "mock" and endpoint.api_key == LOCAL_KEY
        assert endpoint.base_url.startswith("http://127.0.0.1:")


def test_the_mock_is_polled_fastest_and_the_real_api_slowest():
    assert PACE["mock"][0] < PACE["local"][0] < PACE["real"][0]


def test_the_estimate_prices_the_dataset_and_is_none_for_a_model_without_a_price():
    estimate = training_estimate(str(TICKETS), "gpt-4o-mini-2024-07-18")
    assert estimate is not None and estimate.billed_tokens > 0 and estimate.cost_usd > 0
    assert training_estimate(str(TICKETS), "gpt-2") is None


def metrics(step: int, total: int) -> SimpleNamespace:
    return SimpleNamespace(type="metrics", data={"step": step, "total_steps": total}, message=f"Step {step}")


def test_about_ten_step_lines_a_job_get_a_line_and_the_last_always_does():
    shown = [step for step in range(1, 217) if worth_a_line(metrics(step, 216))]
    assert 8 <= len(shown) <= 12 and shown[-1] == 216
    assert worth_a_line(SimpleNamespace(type="message", data=None, message="Job started"))


def test_the_question_is_the_first_examples_last_user_message_with_its_system_prompt():
    first = next(iter(read_jsonl(TICKETS))).record["messages"]
    question, system = question_for(str(TICKETS), None)
    assert question == [m for m in first if m["role"] == "user"][-1]["content"]
    assert system == first[0]["content"]
    assert question_for(str(TICKETS), "Is it down?") == ("Is it down?", system)


def test_a_dataset_without_a_user_message_gets_the_default_question(tmp_path):
    path = tmp_path / "x.jsonl"
    write_jsonl([{"messages": [{"role": "assistant", "content": "hi"}]}], path)
    assert question_for(str(path), None) == (DEFAULT_QUESTION, None)


def test_a_long_question_is_shown_on_one_cut_line():
    assert one_line("a\n b") == "a b"
    assert one_line("x" * 150, width=10) == "xxxxxxx..."


def test_the_apis_own_message_is_preferred_to_the_sdks():
    assert api_message(SimpleNamespace(body={"message": "Model gpt-2 is not available"}, message="400")) == (
        "Model gpt-2 is not available"
    )
    assert api_message(SimpleNamespace(body=None, message="Error code: 400")) == "Error code: 400"
