"""``ftlab gradescope build``: the Gradescope autograder zip for this kit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT

EXIT_OK, EXIT_FAILED = 0, 1


def add_gradescope_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("gradescope", help="package the graders as a Gradescope autograder")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser(
        "build",
        help="write the autograder zip (setup.sh, run_autograder, the kit without solutions/)",
        description="Write a Gradescope autograder zip. Upload it as the assignment's autograder; students upload their "
        "exercise files (ex1_build_example.py, ...) or one .ipynb notebook.",
    )
    build.add_argument(
        "--out",
        default="ftlab-autograder.zip",
        metavar="ZIP",
        help="the zip to write (default: ftlab-autograder.zip)",
    )
    build.add_argument(
        "--kit",
        default=".",
        metavar="DIR",
        help="the kit's root, holding pyproject.toml, ftlab/ and graders/ (default: .)",
    )
    build.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_CALL_TIMEOUT,
        metavar="S",
        help="seconds one call into learner code may take",
    )
    build.add_argument(
        "--visibility",
        default="visible",
        choices=("visible", "hidden", "after_due_date", "after_published"),
        help="when students see their results (Gradescope's setting)",
    )
    build.set_defaults(run=build_command)
    return parser


def build_command(args: argparse.Namespace) -> int:
    from ftlab.classroom.gradescope import build_zip

    try:
        names = build_zip(
            Path(args.out), kit=Path(args.kit).resolve(), timeout=args.timeout, visibility=args.visibility
        )
    except (OSError, ValueError) as error:
        print(f"ftlab gradescope build: {error}", file=sys.stderr)
        return EXIT_FAILED
    graders = sum(n.startswith("kit/graders/test_") for n in names)
    print(
        f"wrote {args.out}: setup.sh, run_autograder and the kit ({len(names) - 2} files, {graders} grader suites)"
    )
    return EXIT_OK
