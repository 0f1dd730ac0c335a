"""``ftlab challenge`` and ``python -m ftlab.cli.challenge``: the table or JSON, exit 2 on a bad input."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from ftlab.cli.challenge import add_challenge_parser, main
from ftlab.course import challenge
from ftlab.course.scoreboard import render
from ftlab.course.triage import PROMPT, SIMULATION_NOTE, ChallengeError, read_cases
from tests.paths import DATA, ROOT

TRAIN, HELDOUT, HANDBOOK = (
    DATA / "support_tickets.jsonl",
    DATA / "support_tickets_heldout.jsonl",
    DATA / "challenge",
)


def args(*extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ftlab")
    add_challenge_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(
        ["challenge", "--train", str(TRAIN), "--heldout", str(HELDOUT), "--docs", str(HANDBOOK), *extra]
    )


def oracle(cases):
    """A fake fine-tuned model that knows every held-out answer."""
    answers = {c.email: f"Category: {c.category}\nPriority: {c.priority}\nSummary: s." for c in cases}
    return lambda messages: answers[messages[-1]["content"]]


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


def test_when_the_mock_fine_tune_fails_the_fine_tune_row_says_why(capsys, monkeypatch):
    def refused(train, model):
        raise ChallengeError("the fine-tune leg", "the mock's job ftjob-1 ended failed")

    monkeypatch.setattr(challenge, "mock_fine_tune", refused)
    parsed = args()
    assert parsed.run(parsed) == 0
    assert "fine-tune  not run: the mock's job ftjob-1 ended failed" in capsys.readouterr().out


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


def test_the_main_function_runs_the_same_command(capsys):
    assert main(["--train", str(TRAIN), "--heldout", str(HELDOUT), "--docs", str(HANDBOOK), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["simulated"] is True


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run(
        [sys.executable, "-m", "ftlab.cli.challenge", "--heldout", str(ROOT / "missing.jsonl")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert (
        done.returncode == 2
        and "ftlab challenge: " in done.stderr
        and "missing.jsonl: no such file" in done.stderr
    )


def test_the_default_output_is_the_scoreboard_with_only_the_engine_labels_added(capsys):
    cases = read_cases(HELDOUT)
    parsed = args()
    assert parsed.run(parsed, fine_tuned=oracle(cases)) == 0
    out = capsys.readouterr().out.splitlines()
    results, skipped = challenge.run_challenge(
        train=TRAIN, heldout=HELDOUT, docs=HANDBOOK, model="gpt-4o-mini", fine_tuned=oracle(cases)
    )
    start = out.index("Answered by:")
    assert out[start + 1 : start + 4] == [
        "- prompt: the keyword responder (offline simulation)",
        "- rag: the keyword responder (offline simulation)",
        f"- fine-tune: {challenge.GIVEN_NOTE}",
    ]
    assert out[:start] + out[start + 5 :] == render(
        results, model="gpt-4o-mini", requests_per_day=1000, skipped=skipped
    )


def test_a_prompt_file_replaces_the_prompt_in_the_simulation(capsys, tmp_path):
    (tmp_path / "mine.txt").write_text("You triage emails.\n- billing: invoice, refund, charged.\n")
    parsed = args("--prompt", str(tmp_path / "mine.txt"), "--json")
    assert parsed.run(parsed, fine_tuned=oracle(read_cases(HELDOUT))) == 0
    prompt = json.loads(capsys.readouterr().out)["results"][0]
    billing = sum(case.category == "billing" for case in read_cases(HELDOUT))
    assert prompt["name"] == "prompt" and prompt["category_right"] == billing


def test_a_missing_prompt_file_exits_2_naming_it(capsys, tmp_path):
    parsed = args("--prompt", str(tmp_path / "nope.txt"))
    assert parsed.run(parsed) == 2
    assert f"{tmp_path / 'nope.txt'}: no such file" in capsys.readouterr().err


def test_show_prompt_prints_the_default_prompt_to_start_from(capsys):
    parsed = args("--show-prompt")
    assert parsed.run(parsed) == 0
    assert capsys.readouterr().out == PROMPT + "\n"


def test_a_fine_tuned_model_id_without_real_is_refused(capsys):
    parsed = args("--ft-model", "ft:x")
    assert parsed.run(parsed) == 2
    assert "--ft-model" in capsys.readouterr().err


def test_the_help_tells_learners_to_pass_a_prompt_file_not_to_edit_code(capsys):
    with pytest.raises(SystemExit):
        args("--help")
    out = capsys.readouterr().out
    assert "--prompt FILE" in out and "--show-prompt" in out and ".py" not in out
