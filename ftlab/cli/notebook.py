"""``ftlab notebook build``: write lab.ipynb from exercises/ (``--check``: fail when it is out of date)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ftlab.cli.arguments import Subcommands
from ftlab.errors import ExitCode


def add_notebook_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("notebook", help="the learner's lab notebook")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser(
        "build", help="generate lab.ipynb from the exercise files (instructions, code, self-checks)"
    )
    build.add_argument(
        "--exercises", default="exercises", metavar="DIR", help="the exercise files (default: exercises)"
    )
    build.add_argument(
        "--out", default="lab.ipynb", metavar="FILE", help="the notebook to write (default: lab.ipynb)"
    )
    build.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if FILE is not what the exercises give"
    )
    build.set_defaults(run=build_command)
    return parser


def build_command(args: argparse.Namespace) -> int:
    from ftlab.classroom.notebook import render
    from ftlab.dataset.jsonl import atomic_writer

    exercises, out = Path(args.exercises), Path(args.out)
    if not any(exercises.glob("ex*_*.py")):
        print(f"ftlab notebook build: no exercise files (ex*_*.py) in {exercises}", file=sys.stderr)
        return ExitCode.FAILED
    text = render(exercises)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else None
        if current != text:
            print(f"{out} is out of date with {exercises}/: run `ftlab notebook build`", file=sys.stderr)
            return ExitCode.FAILED
        print(f"{out} is up to date")
        return ExitCode.OK
    with atomic_writer(out) as stream:
        stream.write(text)
    print(f"wrote {out}")
    return ExitCode.OK
