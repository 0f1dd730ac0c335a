"""``ftlab grade SUBMISSION... --out DIR``: grade a class in parallel, learner code in a sandbox."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT

DEFAULT_BUDGET = 600.0


DESCRIPTION = (
    "Grade one submission or a whole class. A submission is a folder shaped like exercises/, "
    "one .py file, or a .ipynb notebook; a folder of those is a class. Learner code runs in a "
    "sandboxed child process."
)


def add_grade_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """``ftlab grade``, on the ``ftlab`` command's subcommands."""
    parser = subparsers.add_parser(
        "grade",
        help="grade submissions (folders, .py files, notebooks) in a sandbox and write gradebook reports",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="a submission, a folder of submissions, or a glob",
    )
    parser.add_argument(
        "--out",
        default="grades",
        metavar="DIR",
        help="where to write results.json, junit.xml, gradebook.csv, summary.md (default: grades)",
    )
    parser.add_argument(
        "--graders", default=None, metavar="DIR", help="the grader suites (default: ./graders)"
    )
    _add_limits(parser)
    sandbox = parser.add_mutually_exclusive_group()
    sandbox.add_argument(
        "--sandbox",
        choices=("auto", "bubblewrap", "user", "none"),
        default="auto",
        help="auto (default): bubblewrap, else an unprivileged user with Landlock (when root), else "
        "Landlock; bubblewrap or user: only that, refusing to grade without it; none: a plain process",
    )
    sandbox.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run learner code in a plain child process (same as --sandbox none)",
    )
    sandbox.add_argument(
        "--require-sandbox", action="store_true", help="refuse to grade when no sandbox is available"
    )
    parser.add_argument(
        "--logs",
        action="store_true",
        help="also write logs/NAME.log per submission (pytest output; for instructors only)",
    )
    parser.set_defaults(run=grade_command)
    return parser


def _add_limits(parser: argparse.ArgumentParser) -> None:
    """How many submissions at once, and how long a call and a submission may take."""
    parser.add_argument(
        "--jobs",
        "-j",
        type=number(int, minimum=1),
        default=None,
        metavar="N",
        help="submissions graded at once (default: one per core)",
    )
    parser.add_argument(
        "--timeout",
        type=number(float, above=0),
        default=DEFAULT_CALL_TIMEOUT,
        metavar="S",
        help=f"seconds one call into learner code may take (default {DEFAULT_CALL_TIMEOUT:g})",
    )
    parser.add_argument(
        "--budget",
        type=number(float, above=0),
        default=DEFAULT_BUDGET,
        metavar="S",
        help=f"seconds one whole submission may take (default {DEFAULT_BUDGET:g})",
    )


def grade_command(args: argparse.Namespace) -> int:
    """Grade and write the reports; 0 all graded, 1 some not graded, 2 nothing to grade or no sandbox."""
    from ftlab.classroom.batch import Settings, default_jobs, grade_all
    from ftlab.classroom.exports import write_reports
    from ftlab.classroom.submission import find_submissions
    from ftlab.grading.isolation.sandbox import find_sandbox

    graders = Path(args.graders or "graders").resolve()
    if not graders.is_dir() or not any(graders.glob("test_ex*.py")):
        print(
            f"ftlab grade: no grader suites (test_ex*.py) in {graders}; pass --graders DIR", file=sys.stderr
        )
        return ExitCode.USAGE
    submissions = find_submissions(args.submissions)
    if not submissions:
        print("ftlab grade: no submissions found in " + ", ".join(args.submissions), file=sys.stderr)
        return ExitCode.USAGE
    mode = "none" if args.no_sandbox else args.sandbox
    sandbox = find_sandbox(mode=mode)
    wanted = {"bubblewrap": "bubblewrap", "user": "unprivileged"}.get(mode)
    if (args.require_sandbox and not sandbox.protected) or (wanted and sandbox.kind != wanted):
        because = "--require-sandbox" if args.require_sandbox else f"--sandbox {mode}"
        print(
            f"ftlab grade: no sandbox available ({sandbox.reason}); refusing because of {because}",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    print(f"ftlab grade: learner code runs in a {sandbox.describe()}", file=sys.stderr)
    jobs = args.jobs or default_jobs()
    settings = Settings(graders=graders, timeout=args.timeout, sandbox=sandbox, jobs=jobs, budget=args.budget)
    results = grade_all(submissions, settings, progress=sys.stderr)
    out = Path(args.out)
    write_reports(results, out, sandbox=sandbox.describe(), logs=args.logs)
    not_graded = [r for r in results if r.status != "graded"]
    graded = f"{len(results) - len(not_graded)} of {len(results)} submissions graded"
    print(f"ftlab grade: {graded}; reports in {out}/", file=sys.stderr)
    for result in not_graded:
        print(f"  {result.name}: {result.status}: {result.message}", file=sys.stderr)
    return ExitCode.FAILED if not_graded else ExitCode.OK
