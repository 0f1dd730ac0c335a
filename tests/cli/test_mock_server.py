"""``ftlab mock-server``: ready message, environment lines, loopback default, clean stop."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys

import httpx2
import openai
import pytest

from ftlab.cli import mock_server as cli_mock_server
from ftlab.cli.mock_server import (
    DEFAULT_PORT,
    add_mock_server_parser,
    main,
    mock_server_command,
)
from tests.paths import ROOT


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ftlab")
    add_mock_server_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["mock-server", *argv])


def test_the_defaults_are_loopback_and_a_fixed_port() -> None:
    args = _parse()
    assert (args.host, args.port, args.speed, args.manual_clock) == ("127.0.0.1", DEFAULT_PORT, 1000.0, False)
    assert args.run is mock_server_command


@pytest.mark.parametrize(
    ("argv", "words"),
    [(["--port", "70000"], "0-65535"), (["--port", "x"], "not a port"), (["--speed", "0"], "positive")],
)
def test_bad_options_are_refused_with_a_reason(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        _parse(*argv)
    assert words in capsys.readouterr().err


def test_ctrl_c_while_the_ready_lines_print_stops_the_server_cleanly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # what a Ctrl+C right after the first ready line raises

    monkeypatch.setattr(cli_mock_server, "_print_ready", interrupted)
    assert main(["mock-server", "--port", "0", "--quiet"]) == 0
    assert "stopped" in capsys.readouterr().out


def test_a_port_in_use_is_reported_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["mock-server", "--port", str(port), "--quiet"]) == 1
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_the_server_says_where_it_is_serves_the_sdk_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "ftlab.cli.mock_server", "mock-server", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("ftlab mock OpenAI API ready at http://127.0.0.1:")
        base_url = lines[2].strip().removeprefix("export OPENAI_BASE_URL=")
        assert lines[3].strip() == "export OPENAI_API_KEY=any-key"
        assert openai.OpenAI(base_url=base_url, api_key="any-key").models.list().data
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "stopped" in out
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(base_url + "/models")
