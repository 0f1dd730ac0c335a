"""The challenge harness: three legs on the held-out set, scored and priced, offline."""

from __future__ import annotations

import argparse
import json
import sys

import pytest

from ftlab.course.challenge import (
    PROMPT,
    SIMULATION_NOTE,
    Case,
    ChallengeError,
    LegResult,
    add_challenge_parser,
    fine_tune_leg,
    parse_reply,
    prompt_leg,
    rag_leg,
    read_cases,
    render,
    run_leg,
)
from ftlab.dataset.jsonl import read_jsonl
from ftlab.tokens.cost import estimate_training_cost
from ftlab.tokens.counting import content_tokens, count_tokens
from ftlab.tokens.prices import request_cost_usd
from tests.paths import ROOT

ROOT = ROOT
DATA = ROOT / "data"
TRAIN, HELDOUT, HANDBOOK = (
    DATA / "support_tickets.jsonl",
    DATA / "support_tickets_heldout.jsonl",
    DATA / "challenge",
)
CATEGORIES = {"billing", "outage", "account", "bug", "feature_request", "data", "security", "cancellation"}


def args(*extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ftlab")
    add_challenge_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(
        ["challenge", "--train", str(TRAIN), "--heldout", str(HELDOUT), "--docs", str(HANDBOOK), *extra]
    )


def oracle(cases: list[Case]):
    """A fake fine-tuned model that knows every held-out answer."""
    answers = {c.email: f"Category: {c.category}\nPriority: {c.priority}\nSummary: s." for c in cases}
    return lambda messages: answers[messages[-1]["content"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Category: billing\nPriority: P2\nSummary: x", ("billing", "P2")),
        ("Category:  outage \r\nPriority:P1", ("outage", "P1")),
        ("Summary: only", ("", "")),
        ("The category: billing", ("", "")),
        ("", ("", "")),
    ],
)
def test_a_reply_gives_its_category_and_priority_lines(text, expected):
    assert parse_reply(text) == expected


def test_the_held_out_set_has_twenty_labelled_emails():
    cases = read_cases(HELDOUT)
    assert len(cases) == 20
    assert {c.category for c in cases} <= CATEGORIES and {c.priority for c in cases} <= {"P1", "P2", "P3"}


def test_a_missing_held_out_file_is_named(tmp_path):
    with pytest.raises(ChallengeError, match="nowhere.jsonl: no such file"):
        read_cases(tmp_path / "nowhere.jsonl")


def test_a_held_out_answer_without_labels_names_its_line(tmp_path):
    path = tmp_path / "heldout.jsonl"
    good = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Category: bug\\nPriority: P3"}]}'
    bad = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "no labels"}]}'
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(ChallengeError, match="heldout.jsonl, line 2: needs a user email"):
        read_cases(path)


def test_a_leg_is_scored_on_exact_labels_and_priced_per_request():
    cases = [Case("Site down!", "outage", "P1"), Case("Refund please", "billing", "P2")]
    leg = fine_tune_leg(
        "gpt-4o-mini", TRAIN, lambda messages: "Category: outage\nPriority: P2\nSummary: x.", note="fake"
    )
    result = run_leg(leg, cases)
    assert (result.category_right, result.priority_right, result.both_right, result.n) == (1, 1, 0, 2)
    expected = 0.0
    for case in cases:
        messages = leg.build(case.email)
        n_in, n_out = (
            count_tokens(messages, "gpt-4o-mini"),
            content_tokens({"content": "Category: outage\nPriority: P2\nSummary: x."}, "gpt-4o-mini"),
        )
        expected += request_cost_usd("gpt-4o-mini", input_tokens=n_in, output_tokens=n_out, fine_tuned=True)
    assert result.cost_per_request_usd == pytest.approx(expected / 2)


def test_the_fine_tune_legs_one_off_cost_is_exercise_3s_estimate_and_it_keeps_the_short_prompt():
    leg = fine_tune_leg("gpt-4o-mini", TRAIN, lambda m: "", note="fake")
    examples = [line.record for line in read_jsonl(TRAIN)]
    assert leg.one_off_usd == estimate_training_cost(examples, "gpt-4o-mini").cost_usd > 0
    assert leg.build("hello") == [examples[0]["messages"][0], {"role": "user", "content": "hello"}]
    assert leg.fine_tuned and leg.name == "fine-tune"


def test_rag_puts_the_closest_pages_after_the_good_prompt():
    messages = rag_leg("gpt-4o-mini", HANDBOOK).build("I was charged twice, refund the duplicate invoice")
    assert messages[0]["content"].startswith(PROMPT) and "# Category: billing" in messages[0]["content"]
    assert prompt_leg("gpt-4o-mini").build("x")[0]["content"] == PROMPT


def test_retrieved_pages_make_the_rag_leg_dearer_than_the_prompt():
    cases = read_cases(HELDOUT)
    prompt, rag = run_leg(prompt_leg("gpt-4o-mini"), cases), run_leg(rag_leg("gpt-4o-mini", HANDBOOK), cases)
    assert rag.input_tokens > prompt.input_tokens and rag.cost_per_request_usd > prompt.cost_per_request_usd
    assert prompt.one_off_usd == rag.one_off_usd == 0


def test_the_command_prints_the_table_with_the_simulation_warning(capsys):
    cases = read_cases(HELDOUT)
    parsed = args("--requests-per-day", "5000")
    assert parsed.run(parsed, fine_tuned=oracle(cases)) == 0
    out = capsys.readouterr().out
    assert "on 20 held-out emails" in out and SIMULATION_NOTE in out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.split() and line.split()[0] in ("prompt", "rag", "fine-tune")
    }
    assert set(rows) == {"prompt", "rag", "fine-tune"}
    assert rows["fine-tune"][1:4] == ["20/20", "20/20", "20/20"]
    assert "at 5,000 a day" in out


def test_json_output_says_the_numbers_are_simulated(capsys):
    parsed = args("--json")
    assert parsed.run(parsed, fine_tuned=oracle(read_cases(HELDOUT))) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["simulated"] is True and [r["name"] for r in data["results"]] == [
        "prompt",
        "rag",
        "fine-tune",
    ]


def test_without_the_mock_the_fine_tune_row_says_why(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ftlab.mock", None)  # import ftlab.mock now raises ImportError
    parsed = args()
    assert parsed.run(parsed) == 0
    out = capsys.readouterr().out
    assert "fine-tune  not run: needs the mock API (ftlab.mock)" in out


def test_a_missing_input_exits_2_naming_it(capsys, tmp_path):
    parsed = args("--heldout", str(tmp_path / "missing.jsonl"))
    assert parsed.run(parsed, fine_tuned=lambda m: "") == 2
    assert "missing.jsonl: no such file" in capsys.readouterr().err


def test_an_unknown_model_exits_2(capsys):
    parsed = args("--model", "gpt-9")
    assert parsed.run(parsed, fine_tuned=lambda m: "") == 2
    assert "gpt-9" in capsys.readouterr().err


def test_negative_traffic_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        args("--requests-per-day", "-5")
    assert "must be 0 or more" in capsys.readouterr().err


def test_a_fine_tune_dearer_per_request_never_pays_back():
    cheap = LegResult("prompt", 1, 1, 1, 1, 100, 10, 1e-5, 0.0, "p")
    dear = LegResult("fine-tune", 1, 1, 1, 1, 50, 10, 2e-5, 0.5, "f")
    assert any(
        "never pays back" in line
        for line in render([cheap, dear], model="gpt-4o-mini", requests_per_day=1000)
    )


def test_the_mock_fine_tune_answers_a_training_email_with_its_own_reply():
    pytest.importorskip("ftlab.mock", reason="the mock API (ftlab.mock, branch mock) is not installed here")
    from ftlab.course.challenge import mock_fine_tune

    example = next(read_jsonl(TRAIN)).record["messages"]
    with mock_fine_tune(TRAIN, "gpt-4o-mini") as answer:
        assert answer(example[:2]) == example[2]["content"]


def test_python_dash_m_runs_the_same_command(capsys):
    from ftlab.course.challenge import main

    assert main(["--train", str(TRAIN), "--heldout", str(HELDOUT), "--docs", str(HANDBOOK), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["simulated"] is True


def test_an_invalid_training_file_is_refused_before_any_training(tmp_path):
    broken = tmp_path / "train.jsonl"
    broken.write_text('{"messages": [{"role": "user", "content": "hi"}]}\n', encoding="utf-8")
    with pytest.raises(ChallengeError, match="run ftlab validate on it"):
        fine_tune_leg("gpt-4o-mini", broken, lambda m: "", note="fake")
