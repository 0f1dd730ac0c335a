"""``ftlab challenge --real``: the same rails as ``ftlab finetune --real``, tested on the offline mock
on 127.0.0.1 through OPENAI_BASE_URL (never the network)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ftlab.cli.challenge import add_challenge_parser
from ftlab.course.finetuning import follow, submit
from ftlab.errors import ExitCode
from ftlab.mock import running_mock
from ftlab.mock.server import DEFAULT_KEY
from tests.paths import DATA

TRAIN, HELDOUT, HANDBOOK = (
    DATA / "support_tickets.jsonl",
    DATA / "support_tickets_heldout.jsonl",
    DATA / "challenge",
)


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ftlab")
    add_challenge_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["challenge", "--train", str(TRAIN), "--heldout", str(HELDOUT), "--docs", str(HANDBOOK), *argv]
    )
    return int(args.run(args))


@pytest.fixture
def mock(monkeypatch: pytest.MonkeyPatch):
    with running_mock(seed="challenge-real") as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
        yield server


def _fine_tuned(mock) -> str:
    client = mock.client()
    _, job = submit(client, TRAIN, "gpt-4o-mini-2024-07-18")
    return follow(client, job.id, poll_seconds=0.05, timeout_seconds=60).fine_tuned_model


def test_real_asks_the_chat_model_and_the_fine_tuned_one_naming_each(mock, tmp_path: Path, capsys):
    model = _fine_tuned(mock)
    before = len(mock.requests())

    code = _run("--real", "--ft-model", model, "--cache", str(tmp_path))

    out = capsys.readouterr().out
    chats = [r.body["model"] for r in mock.requests()[before:] if r.path.endswith("/chat/completions")]
    assert code == ExitCode.OK
    assert f"Using the API at {mock.base_url} on this machine" in out
    assert f"- prompt: gpt-4o-mini at {mock.base_url} (a server on this machine)" in out
    assert f"- fine-tune: {model} at {mock.base_url}" in out and "s / request" in out
    assert chats.count("gpt-4o-mini") == 40 and chats.count(model) == 20
    fine_tune = next(line for line in out.splitlines() if line.startswith("fine-tune "))
    assert fine_tune.split()[3] != "0/20"  # the mock's fine-tuned model answers with training replies


def test_a_rerun_comes_from_the_cache_without_a_request(mock, tmp_path: Path, capsys):
    model = _fine_tuned(mock)
    assert _run("--real", "--ft-model", model, "--cache", str(tmp_path)) == ExitCode.OK
    before = len(mock.requests())

    assert _run("--real", "--ft-model", model, "--cache", str(tmp_path)) == ExitCode.OK

    assert len(mock.requests()) == before
    assert "fine-tune: from the cache" in capsys.readouterr().out


def test_without_a_fine_tuned_model_the_fine_tune_row_says_how_to_give_one(mock, tmp_path: Path, capsys):
    assert _run("--real", "--cache", str(tmp_path)) == ExitCode.OK
    assert "fine-tune  not run: give the fine-tuned model's id with --ft-model" in capsys.readouterr().out


def test_real_without_a_key_exits_2_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert _run("--real", "--cache", str(tmp_path)) == ExitCode.USAGE
    assert "OPENAI_API_KEY" in capsys.readouterr().err and not any(tmp_path.iterdir())


def test_a_refused_chat_model_exits_1_with_the_apis_answer(mock, tmp_path: Path, capsys):
    assert _run("--real", "--model", "ft:gpt-4o-mini:none:x:1", "--cache", str(tmp_path)) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert "ftlab challenge: ft:gpt-4o-mini:none:x:1: the API answered 404: The model" in err
    assert "Traceback" not in err
