"""The ``ftlab`` command: a thin layer of argparse over the engine.

Every command's exit status means one thing (:class:`ftlab.errors.ExitCode`): a crash inside,
whatever raised it, is one line on stderr and status 3, never a traceback unless ``--debug``.
A reader that stops early (``ftlab validate FILE --json | head -1``) ends the command quietly
with status 141 (128 + SIGPIPE), as a shell reports a command killed by SIGPIPE.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence

from ftlab import __version__
from ftlab.cli.arguments import number
from ftlab.cli.challenge import add_challenge_parser
from ftlab.cli.dist import add_dist_parser
from ftlab.cli.finetune import add_finetune_parser
from ftlab.cli.grade import add_grade_parser
from ftlab.cli.gradescope import add_gradescope_parser
from ftlab.cli.mock_server import add_mock_server_parser
from ftlab.cli.notebook import add_notebook_parser
from ftlab.cli.train_lora import add_train_lora_parser
from ftlab.dataset.findings import FileReport
from ftlab.dataset.jsonl import UnwritableOutput, atomic_writer
from ftlab.dataset.report import DEFAULT_MODEL, render_text, said, to_json
from ftlab.dataset.validation import UnusableFile, validate_file
from ftlab.dataset.webpage import render_page
from ftlab.errors import ExitCode
from ftlab.tokens.models import UnknownModel, resolve_model

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
    validate = commands.add_parser(
        "validate",
        help="check a JSONL training file (chat, tool calling or preference) line by line; "
        "report its tokens and cost",
    )
    validate.add_argument("file", help="the JSONL training file")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    _report_options(validate)
    validate.set_defaults(run=_validate)
    report = commands.add_parser(
        "report", help="write the dataset report as one self-contained HTML page (exit status as validate)"
    )
    report.add_argument("file", help="the JSONL training file")
    report.add_argument(
        "-o", "--output", required=True, metavar="HTML", help="where to write the page (report.html)"
    )
    _report_options(report)
    report.set_defaults(run=_validate, json=False)
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


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        type=_model,
        default=DEFAULT_MODEL,
        help=f"count tokens, check the training context and price for this model (default {DEFAULT_MODEL})",
    )
    parser.add_argument(
        "--max-lines",
        type=number(int, minimum=1),
        default=20,
        metavar="N",
        help="list at most N lines per problem code (all are counted; default 20)",
    )
    parser.add_argument(
        "--validation",
        metavar="FILE",
        help="a validation JSONL file: name its examples that are also (or almost) in the training file",
    )


def _model(name: str) -> str:
    try:
        return resolve_model(name).name
    except UnknownModel as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _validate(args: argparse.Namespace) -> int:
    try:
        report = validate_file(args.file, model=args.model, keep=args.max_lines, validation=args.validation)
    except UnusableFile as error:
        return _unusable(args, error.path, error.reason)
    except OSError as error:  # a name too long, a folder that cannot be searched: before the file opens
        return _unusable(args, args.file, error.strerror or str(error))
    if getattr(args, "output", None):
        return _write_page(args, report)
    if args.json:
        print(json.dumps(to_json(report), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_text(report)))
    return ExitCode.OK if report.ok else ExitCode.FAILED


def _unusable(args: argparse.Namespace, path: str, reason: str) -> int:
    if args.json:
        print(json.dumps({"file": said(path), "error": said(reason)}, ensure_ascii=False))
    else:
        print(f"ftlab {args.command}: {said(path)}: {said(reason)}", file=sys.stderr)
    return ExitCode.USAGE


def _write_page(args: argparse.Namespace, report: FileReport) -> int:
    """``ftlab report -o``: the page written atomically, over a regular file only (or a symlink to one)."""
    writer = atomic_writer(args.output)
    try:
        with writer as stream:
            stream.write(render_page(report))
    except UnwritableOutput as error:
        print(f"ftlab report: {said(error.path)}: {said(error.reason)}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as error:  # the disk full, a write refused
        print(f"ftlab report: {said(args.output)}: {said(error.strerror or str(error))}", file=sys.stderr)
        return ExitCode.USAGE
    through = "" if writer.target == writer.path else f" (through the symlink, to {said(str(writer.target))})"
    verdict = "valid" if report.ok else "not valid"
    print(f"{said(args.output)}{through}: dataset report for {said(report.path)} ({verdict})")
    return ExitCode.OK if report.ok else ExitCode.FAILED


def internal_error(error: BaseException, *, debug: bool) -> int:
    """Say on stderr that ftlab failed inside (the traceback only with ``debug``); the status to exit with."""
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
