"""The ``ftlab`` command: a thin layer of argparse over the engine."""

from __future__ import annotations

import argparse
import json
import sys
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
from ftlab.dataset.jsonl import atomic_writer
from ftlab.dataset.report import DEFAULT_MODEL, render_text, to_json
from ftlab.dataset.validation import UnusableFile, validate_file
from ftlab.dataset.webpage import render_page
from ftlab.errors import ExitCode
from ftlab.tokens.models import UnknownModel, resolve_model


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ftlab", description="Build, check and grade fine-tuning datasets and exercises."
    )
    parser.add_argument("--version", action="version", version=f"ftlab {__version__}")
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


def _model(name: str) -> str:
    try:
        return resolve_model(name).name
    except UnknownModel as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _validate(args: argparse.Namespace) -> int:
    try:
        report = validate_file(args.file, model=args.model, keep=args.max_lines)
    except UnusableFile as error:
        if args.json:
            print(json.dumps({"file": error.path, "error": error.reason}))
        else:
            print(f"ftlab {args.command}: {error}", file=sys.stderr)
        return ExitCode.USAGE
    if getattr(args, "output", None):
        with atomic_writer(args.output) as stream:
            stream.write(render_page(report))
        print(f"{args.output}: dataset report for {report.path} ({'valid' if report.ok else 'not valid'})")
    elif args.json:
        print(json.dumps(to_json(report), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_text(report)))
    return ExitCode.OK if report.ok else ExitCode.FAILED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
