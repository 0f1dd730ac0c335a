"""The ``ftlab`` command: a thin layer of argparse over the engine."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ftlab import __version__
from ftlab.challenge import add_challenge_parser
from ftlab.commands.dist import add_dist_parser
from ftlab.commands.grade import add_grade_parser
from ftlab.commands.gradescope import add_gradescope_parser
from ftlab.commands.notebook import add_notebook_parser
from ftlab.lora.command import add_train_lora_parser
from ftlab.mock.command import add_mock_server_parser
from ftlab.partb import add_finetune_parser
from ftlab.validation import FileReport, UnusableFile, validate_file

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE = 0, 1, 2



def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ftlab", description="Build, check and grade fine-tuning datasets and exercises.")
    parser.add_argument("--version", action="version", version=f"ftlab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser("validate", help="check a chat-format JSONL training file, line by line")
    validate.add_argument("file", help="the JSONL training file")
    validate.add_argument("--json", action="store_true", help="print the report as JSON")
    validate.set_defaults(run=_validate)
    add_mock_server_parser(commands)
    add_challenge_parser(commands)
    add_train_lora_parser(commands)
    add_finetune_parser(commands)
    add_grade_parser(commands)
    add_gradescope_parser(commands)
    add_notebook_parser(commands)
    add_dist_parser(commands)
    return parser


def _validate(args: argparse.Namespace) -> int:
    try:
        report = validate_file(args.file)
    except UnusableFile as error:
        if args.json:
            print(json.dumps({"file": error.path, "error": error.reason}))
        else:
            print(f"ftlab validate: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_report(report)))
    return EXIT_OK if report.ok else EXIT_INVALID


def render_report(report: FileReport) -> list[str]:
    """The terminal form of a validation report: one line per problem, then a summary."""
    lines = [report.path]
    for item in report.problems:
        lines.append(f"  line {item.line}: {item.problem.severity} {item.problem.code}: {item.problem.message}")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(
        f"{report.n_examples} example{'s' if report.n_examples != 1 else ''}, "
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    lines.append("valid: ready to upload" if report.ok else "not valid: fix the errors above (each names its line)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
