"""``ftlab.cli.validate``: the validate and report commands, their engine imported only when they run."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from ftlab.cli.main import build_parser, main
from ftlab.cli.validate import DEFAULT_MODEL, add_validate_parser
from ftlab.tokens.models import resolve_model
from tests.paths import DATA, ROOT

#: What the ``ftlab`` command must not import before a command that needs it runs.
ENGINE = (
    "ftlab.dataset.validation",
    "ftlab.dataset.quality",
    "ftlab.mock.server",
    "werkzeug",
    "ftlab.course.journey",
)


def test_starting_ftlab_imports_neither_the_validator_nor_the_mock_server():
    probe = (
        "import sys, json; from ftlab.cli.main import build_parser; build_parser(); "
        f"print(json.dumps([name for name in {list(ENGINE)!r} if name in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(done.stdout) == []


def test_the_default_model_is_one_ftlab_counts_tokens_for():
    assert resolve_model(DEFAULT_MODEL).name.startswith(DEFAULT_MODEL)


@pytest.mark.parametrize("command", ["validate", "report"])
def test_an_unknown_model_is_a_usage_error_naming_it(command, capsys):
    argv = [command, "x.jsonl", "--model", "gpt-99-imaginary"] + (
        ["-o", "x.html"] if command == "report" else []
    )
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2 and "gpt-99-imaginary" in capsys.readouterr().err


def test_both_commands_are_added_with_the_same_report_options():
    parser = argparse.ArgumentParser()
    add_validate_parser(parser.add_subparsers(dest="command"))
    validate = parser.parse_args(["validate", "a.jsonl"])
    report = parser.parse_args(["report", "a.jsonl", "-o", "a.html"])
    for args in (validate, report):
        assert (args.model, args.max_lines, args.validation) == (resolve_model(DEFAULT_MODEL).name, 20, None)
    assert report.json is False and validate.run is report.run


def test_validate_runs_the_engine_when_called(capsys):
    assert main(["validate", str(DATA / "support_tickets.jsonl"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == resolve_model(DEFAULT_MODEL).name
