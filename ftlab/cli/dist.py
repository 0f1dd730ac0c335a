"""``ftlab dist student OUT``: the kit for learners, without solutions/ and hidden checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ftlab.cli.arguments import Subcommands
from ftlab.errors import ExitCode


def add_dist_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("dist", help="build a distribution of the kit")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    student = kinds.add_parser(
        "student",
        help="the learners' copy: no solutions/, no hidden checks; pytest exercises/ still works",
        description="Copy the kit for learners into OUT: package, exercises, graders without hidden "
        "checks, data, lab.ipynb and the GitHub Classroom workflow; never solutions/, tests/ or the "
        "instructor pages.",
    )
    student.add_argument("out", metavar="OUT", help="a new or empty folder")
    student.add_argument("--kit", default=".", metavar="DIR", help="the kit's root (default: .)")
    student.set_defaults(run=student_command)
    return parser


def student_command(args: argparse.Namespace) -> int:
    from ftlab.classroom.dist import HiddenCheckLeft, build_student

    try:
        files = build_student(Path(args.kit).resolve(), Path(args.out))
    except (OSError, ValueError, HiddenCheckLeft) as error:
        print(f"ftlab dist student: {error}", file=sys.stderr)
        return ExitCode.FAILED
    print(f"wrote {len(files)} files to {args.out} (no solutions/, hidden checks removed)")
    return ExitCode.OK
