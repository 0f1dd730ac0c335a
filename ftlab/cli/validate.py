"""``ftlab validate`` and ``ftlab report``: a JSONL training file checked against the engine's rules.

The engine's modules are imported when one of these commands runs, not when the ``ftlab``
command starts, so that the other commands (``ftlab grade`` first) do not wait for them.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode

if TYPE_CHECKING:
    from ftlab.dataset.findings import FileReport

#: The model ``--model`` counts tokens for when none is given.
DEFAULT_MODEL = "gpt-4o-mini"


def add_validate_parser(subparsers: Subcommands) -> None:
    """Add the ``validate`` and ``report`` commands to the ``ftlab`` command's subcommands."""
    validate = subparsers.add_parser(
        "validate",
        help="check a JSONL training file (chat, tool calling or preference) line by line; "
        "report its tokens and cost",
    )
    validate.add_argument("file", help="the JSONL training file")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    _report_options(validate)
    validate.set_defaults(run=_validate)
    report = subparsers.add_parser(
        "report", help="write the dataset report as one self-contained HTML page (exit status as validate)"
    )
    report.add_argument("file", help="the JSONL training file")
    report.add_argument(
        "-o", "--output", required=True, metavar="HTML", help="where to write the page (report.html)"
    )
    _report_options(report)
    report.set_defaults(run=_validate, json=False)


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
    from ftlab.tokens.models import UnknownModel, resolve_model

    try:
        return resolve_model(name).name
    except UnknownModel as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _validate(args: argparse.Namespace) -> int:
    from ftlab.dataset.report import render_text, to_json
    from ftlab.dataset.validation import UnusableFile, validate_file

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
    from ftlab.dataset.report import said

    if args.json:
        print(json.dumps({"file": said(path), "error": said(reason)}, ensure_ascii=False))
    else:
        print(f"ftlab {args.command}: {said(path)}: {said(reason)}", file=sys.stderr)
    return ExitCode.USAGE


def _write_page(args: argparse.Namespace, report: FileReport) -> int:
    """``ftlab report -o``: the page written atomically, over a regular file only (or a symlink to one)."""
    from ftlab.dataset.jsonl import UnwritableOutput, atomic_writer
    from ftlab.dataset.report import said
    from ftlab.dataset.webpage import render_page

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
