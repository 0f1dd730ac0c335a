"""``ftlab finetune`` (Part B): the whole journey on the mock, never the real API by accident,
and the README's Part B shows what the commands really print."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from ftlab.cli.main import main
from ftlab.mock import running_mock
from tests.paths import ROOT

TICKETS = ROOT / "data" / "support_tickets.jsonl"
VARYING = [
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\b(file|ftjob)-[A-Za-z0-9]+"), r"\1-ID"),
    (re.compile(r"(ft:[\w.-]+:[\w-]+:[\w-]*:)[A-Za-z0-9]+"), r"\1ID"),
    (re.compile(r"loss=\d+\.\d+"), "loss=X"),
]


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


def ftlab(*argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ftlab.cli.main", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=offline_env(),
        timeout=120,
        **kwargs,
    )  # type: ignore[call-overload]


@pytest.fixture
def local_api(monkeypatch: pytest.MonkeyPatch):
    """A mock on the default (fast) clock, named by OPENAI_BASE_URL as a running mock-server would be."""
    with running_mock() as mock:
        monkeypatch.setenv("OPENAI_BASE_URL", mock.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-learner")
        yield mock


# --- the command --------------------------------------------------------------------------


def test_against_a_local_server_the_dataset_is_trained_and_the_model_answers(local_api, capsys) -> None:
    assert (
        main(
            [
                "finetune",
                str(TICKETS),
                "--suffix",
                "triage",
                "--question",
                "Our checkout is down, the API returns 503",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith(f"Using the API at {local_api.base_url} on this machine (from OPENAI_BASE_URL)\n")
    [upload] = local_api.uploads("sk-learner")
    assert (upload.purpose, upload.data) == ("fine-tune", TICKETS.read_bytes())
    [job] = local_api.jobs("sk-learner")
    assert (
        job.status == "succeeded"
        and f"Fine-tuned model: {job.fine_tuned_model}\n" in out
        and ":triage:" in job.fine_tuned_model
    )
    chat = local_api.requests("sk-learner")[-1]
    assert chat.path == "/v1/chat/completions" and chat.body["model"] == job.fine_tuned_model
    assert (
        chat.body["messages"][0]["role"] == "system"
        and chat.body["messages"][-1]["content"] == "Our checkout is down, the API returns 503"
    )
    assert "  Category: outage\n" in out


def test_every_event_of_the_job_is_printed_except_most_step_lines(local_api, capsys) -> None:
    assert main(["finetune", str(TICKETS)]) == 0
    out = capsys.readouterr().out
    during = out.split(" (Ctrl+C stops the waiting, not the job)\n", 1)[1].split("\nFine-tuned model: ", 1)[0]
    printed = [line.removeprefix("  ") for line in during.splitlines()]
    client = local_api.client("sk-learner")
    events = list(client.fine_tuning.jobs.list_events(local_api.jobs("sk-learner")[0].id, limit=100))[::-1]
    messages = [e.message for e in events if e.type != "metrics"]
    assert [m for m in printed if not m.startswith("Step ")] == messages
    steps = [m for m in printed if m.startswith("Step ")]
    assert 5 <= len(steps) <= 12 and steps[-1].startswith("Step 216/216:")


def test_a_dataset_with_errors_is_listed_and_never_uploaded(local_api, capsys) -> None:
    assert main(["finetune", str(ROOT / "data" / "broken.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "  line 3: error data_type:" in out and "Nothing was uploaded" in out
    assert local_api.requests("sk-learner") == []


def test_a_job_that_fails_exits_1_with_the_apis_reason(local_api, capsys) -> None:
    local_api.fail_next_job(message="The training loss became NaN.", code="server_error")
    assert main(["finetune", str(TICKETS)]) == 1
    err = capsys.readouterr().err
    assert re.fullmatch(
        r"ftlab finetune: fine-tuning job ftjob-\w+ failed: server_error: The training loss became NaN\.\n",
        err,
    )


def test_a_model_the_api_refuses_exits_1_with_its_message(local_api, capsys) -> None:
    assert main(["finetune", str(TICKETS), "--model", "gpt-2"]) == 1
    assert (
        "ftlab finetune: the API answered 400: Model gpt-2 is not available for fine-tuning"
        in capsys.readouterr().err
    )


def test_a_set_key_is_not_used_without_real(monkeypatch, capsys) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-would-cost-money")
    assert main(["finetune", str(TICKETS)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Using the offline mock API at http://127.0.0.1:")
    assert out[1] == "(OPENAI_API_KEY is set but not used: add --real to use the real API)"


def test_real_without_a_key_exits_2_before_anything_is_sent() -> None:
    result = ftlab("finetune", "data/support_tickets.jsonl", "--real")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "ftlab finetune: --real needs your OpenAI API key in the OPENAI_API_KEY environment variable; "
        "nothing was sent\n"
    )


def test_a_base_url_on_another_machine_needs_real(monkeypatch, capsys) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://api.openai.com/v1")
    assert main(["finetune", str(TICKETS)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not this machine: add --real" in captured.err


def test_a_missing_dataset_exits_2_naming_it(tmp_path, capsys) -> None:
    assert main(["finetune", str(tmp_path / "mine.jsonl")]) == 2
    assert capsys.readouterr().err == f"ftlab finetune: {tmp_path / 'mine.jsonl'}: no such file\n"


def test_a_file_with_only_a_file_level_problem_names_it_as_validate_does(local_api, tmp_path, capsys) -> None:
    three = tmp_path / "three.jsonl"
    three.write_text("".join(TICKETS.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), "utf-8")
    assert main(["validate", str(three)]) == 1
    validated = capsys.readouterr().out.splitlines()
    assert main(["finetune", str(three)]) == 1
    out = capsys.readouterr().out.splitlines()
    [problem] = [line for line in validated if line.startswith("  file: error invalid_n_examples:")]
    assert problem in out and "must have at least 10 examples" in problem
    assert validated[-2:] == out[-3:-1] == ["3 examples, 1 error, 1 warning", render_verdict()]
    assert local_api.requests("sk-learner") == []


def test_a_valid_file_with_a_file_level_warning_names_it_and_is_trained(local_api, tmp_path, capsys) -> None:
    ten = tmp_path / "ten.jsonl"
    ten.write_text("".join(TICKETS.read_text(encoding="utf-8").splitlines(keepends=True)[:10]), "utf-8")
    assert main(["finetune", str(ten)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{ten}: 10 examples, 0 errors, 2 warnings"  # few examples; line 3's e-mail address
    assert any(line.startswith("  file: warning few_examples: Training file has 10 examples") for line in out)


def render_verdict() -> str:
    return "not valid: fix the errors above (each names its line)"


# --- the README shows real output ------------------------------------------------------------


def part_b_blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Part B", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)


def normalized(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for pattern, replacement in VARYING:
            line = pattern.sub(replacement, line)
        out.append(line.rstrip())
    return out


def assert_shown(shown: list[str], real: list[str]) -> None:
    """Every shown line is real output, in order; '...' stands for lines left out."""
    shown, real = normalized(shown), normalized(real)
    chunks, chunk = [], []
    for line in shown:
        if line == "...":
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(line)
    chunks.append(chunk)
    at = 0
    for number, part in enumerate(chunks):
        starts = [i for i in range(at, len(real) - len(part) + 1) if real[i : i + len(part)] == part]
        assert starts, (
            "the README shows:\n" + "\n".join(part) + "\n\nbut the command printed:\n" + "\n".join(real)
        )
        if number == 0:
            assert starts[0] == 0, "the README's first lines are not the first lines printed"
        at = starts[0] + len(part)
    assert not chunks[-1] or at == len(real), (
        "the command prints more after the README's last line:\n" + "\n".join(real[at:])
    )


def test_the_readme_shows_what_ftlab_finetune_prints() -> None:
    language, block = part_b_blocks()[0]
    command, *shown = block.splitlines()
    assert language == "console" and command == "$ ftlab finetune data/support_tickets.jsonl"
    result = ftlab(*command.split()[2:])
    assert result.returncode == 0, result.stderr
    assert_shown(shown, result.stdout.splitlines())


def test_the_readme_shows_what_ftlab_mock_server_prints() -> None:
    language, block = part_b_blocks()[1]
    command, *shown = block.splitlines()
    assert language == "console" and command == "$ ftlab mock-server"
    process = subprocess.Popen(
        [sys.executable, "-m", "ftlab.cli.main", "mock-server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=offline_env(),
    )
    try:
        assert process.stdout is not None
        real = [process.stdout.readline() for _ in shown]
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert_shown(shown, real)


def test_the_readmes_python_snippet_runs_against_the_mock_as_shown(monkeypatch, capsys) -> None:
    (python, code), (text, output) = part_b_blocks()[2:4]
    assert (python, text) == ("python", "text")
    with running_mock() as mock:
        monkeypatch.setenv("OPENAI_BASE_URL", mock.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "any-key")
        monkeypatch.chdir(ROOT)
        exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
        assert [(f.purpose, f.data) for f in mock.uploads("any-key")] == [("fine-tune", TICKETS.read_bytes())]
    assert_shown(output.splitlines(), capsys.readouterr().out.splitlines())
