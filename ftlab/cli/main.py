"""The ``ftlab`` command: a thin layer of argparse over the engine.

Every command's exit status means one thing (:class:`ftlab.errors.ExitCode`): a crash inside,
whatever raised it, is one line on stderr and status 3, never a traceback unless ``--debug``.
A reader that stops early (``ftlab validate FILE --json | head -1``) ends the command quietly
with status 141 (128 + SIGPIPE), as a shell reports a command killed by SIGPIPE.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence

from ftlab import __version__
from ftlab.cli.challenge import add_challenge_parser
from ftlab.cli.dist import add_dist_parser
from ftlab.cli.finetune import add_finetune_parser
from ftlab.cli.grade import add_grade_parser
from ftlab.cli.gradescope import add_gradescope_parser
from ftlab.cli.mock_server import add_mock_server_parser
from ftlab.cli.notebook import add_notebook_parser
from ftlab.cli.train_lora import add_train_lora_parser
from ftlab.cli.validate import add_validate_parser
from ftlab.errors import ExitCode

DEBUG_HELP = "show the traceback when ftlab fails inside (exit status 3)"
#: What a shell reports for a command whose reader went away: killed by SIGPIPE.
CLOSED_PIPE = 128 + signal.SIGPIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ftlab", description="Build, check and grade fine-tuning datasets and exercises."
    )
    parser.add_argument("--version", action="version", version=f"ftlab {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_validate_parser(commands)
    add_mock_server_parser(commands)
    add_challenge_parser(commands)
    add_train_lora_parser(commands)
    add_finetune_parser(commands)
    add_grade_parser(commands)
    add_gradescope_parser(commands)
    add_notebook_parser(commands)
    add_dist_parser(commands)
    for command in commands.choices.values():  # after the command too: ftlab validate x.jsonl --debug
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    return parser


def internal_error(error: BaseException, *, debug: bool) -> int:
    """Say on stderr that ftlab failed inside (the traceback only with ``debug``); the status to exit with."""
    from ftlab.dataset.report import said

    if debug:
        traceback.print_exception(error)
    try:
        what = str(error)
    except Exception:  # noqa: BLE001 - an exception whose message cannot be made: name it alone
        what = ""
    detail = f"{type(error).__name__}: {what}" if what else type(error).__name__
    hint = "" if debug else " (run with --debug for the traceback)"
    print(f"ftlab: internal error: {said(detail)}{hint}", file=sys.stderr)
    return ExitCode.INTERNAL


def closed_pipe() -> int:
    """The reader of stdout went away: send the rest of the output nowhere (as the Python docs'
    note on SIGPIPE advises, so the flush at exit cannot fail again) and exit quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (captured in a test): nothing left to protect
        pass
    return CLOSED_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``ftlab`` command; its exit status. Argument errors and ``--help`` exit through argparse."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        status = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        return closed_pipe()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 - tiktoken's PanicException is a BaseException too
        return internal_error(error, debug=bool(getattr(args, "debug", False)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
