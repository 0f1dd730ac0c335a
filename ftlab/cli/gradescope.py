"""``ftlab gradescope build`` writes the Gradescope autograder zip for this kit; ``ftlab gradescope run``
grades one upload inside it (the zip's ``run_autograder`` calls it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ftlab.classroom.gradescope import DEFAULT_BUDGET, GRADESCOPE_LIMIT, MAX_BUDGET, VISIBILITIES
from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT

BUILD_DESCRIPTION = (
    "Write a Gradescope autograder zip. Upload it as the assignment's autograder; students upload "
    "their exercise files (ex1_build_example.py, ...) or one .ipynb notebook."
)
RUN_DESCRIPTION = (
    "Grade ROOT/submission with the kit in ROOT/source/kit and write ROOT/results/results.json, "
    "as Gradescope's autograder does; always exits 0 (a failure is reported in results.json)."
)


def add_gradescope_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """``ftlab gradescope build`` and ``ftlab gradescope run``, on the ``ftlab`` command's subcommands."""
    parser = subparsers.add_parser("gradescope", help="package the graders as a Gradescope autograder")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    _add_build(actions)
    run = actions.add_parser(
        "run",
        help="grade one upload inside the autograder (its run_autograder calls this)",
        description=RUN_DESCRIPTION,
    )
    run.add_argument(
        "--root", required=True, metavar="DIR", help="the autograder's folder (/autograder on Gradescope)"
    )
    run.set_defaults(run=run_command)
    return parser


def _add_build(actions: Subcommands) -> None:
    build = actions.add_parser(
        "build",
        help="write the autograder zip (setup.sh, run_autograder, the kit without solutions/)",
        description=BUILD_DESCRIPTION,
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
        type=number(float, above=0, maximum=MAX_BUDGET),
        default=DEFAULT_CALL_TIMEOUT,
        metavar="S",
        help=f"seconds one call into learner code may take (default {DEFAULT_CALL_TIMEOUT:g})",
    )
    build.add_argument(
        "--budget",
        type=number(float, above=0, maximum=MAX_BUDGET),
        default=DEFAULT_BUDGET,
        metavar="S",
        help=f"seconds one whole submission may take (default {DEFAULT_BUDGET:g}, inside Gradescope's "
        f"default limit of {GRADESCOPE_LIMIT / 60:g} minutes; raise that limit in the assignment's "
        "settings before raising this)",
    )
    build.add_argument(
        "--visibility",
        default="visible",
        choices=VISIBILITIES,
        help="when students see their results (Gradescope's setting; default visible)",
    )
    build.add_argument(
        "--hidden-visibility",
        default="after_published",
        choices=VISIBILITIES,
        help="when students see the hidden checks' results (default after_published)",
    )
    build.set_defaults(run=build_command)


def build_command(args: argparse.Namespace) -> int:
    """Write the zip; 0 when written, 1 when the kit is not a kit or the zip cannot be written."""
    from ftlab.classroom.gradescope import build_zip

    if args.timeout > args.budget:
        print(
            f"ftlab gradescope build: --timeout ({args.timeout:g} s) is longer than --budget "
            f"({args.budget:g} s)",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    try:
        names = build_zip(
            Path(args.out),
            kit=Path(args.kit).resolve(),
            timeout=args.timeout,
            visibility=args.visibility,
            hidden_visibility=args.hidden_visibility,
            budget=args.budget,
        )
    except (OSError, ValueError) as error:
        print(f"ftlab gradescope build: {error}", file=sys.stderr)
        return ExitCode.FAILED
    graders = sum(n.startswith("kit/graders/test_") for n in names)
    print(
        f"wrote {args.out}: setup.sh, run_autograder and the kit "
        f"({len(names) - 2} files, {graders} grader suites)"
    )
    return ExitCode.OK


def run_command(args: argparse.Namespace) -> int:
    """Grade the upload under ``--root``; 0 always, with results.json written."""
    from ftlab.classroom.gradescope import run

    return run(Path(args.root))
