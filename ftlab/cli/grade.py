"""``ftlab grade SUBMISSION... --out DIR``: grade a class in parallel, learner code in a sandbox.

Each submission's reports are written as it is graded; Ctrl+C or SIGTERM stops the workers and
writes the class reports for what is done; ``--resume`` grades what is missing; grading into a
folder that holds a class replaces only the students graded. ``--shard K/N`` grades one slice of
a class and ``--merge DIR...`` writes the class reports of the slices' folders.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlab.classroom import shutdown, workers  # light: so the forkserver starts before the heavy imports
from ftlab.cli.adjustments import add_adjustments_option
from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT

if TYPE_CHECKING:
    from ftlab.classroom.adjustments import Adjustments
    from ftlab.classroom.graded import Graded
    from ftlab.classroom.ledger import Ledger
    from ftlab.grading.isolation.sandbox import Sandbox

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
        nargs="*",
        metavar="SUBMISSION",
        help="a submission, a folder of submissions, or a glob",
    )
    _add_runs(parser)
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
    add_adjustments_option(parser)
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


def shard_spec(text: str) -> tuple[int, int]:
    """``K/N`` as (K, N), 1 <= K <= N."""
    index, _, count = text.partition("/")
    try:
        k, n = int(index), int(count)
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N with 1 <= K <= N (for example 2/3)")
    return k, n


def _add_runs(parser: argparse.ArgumentParser) -> None:
    """Resuming, slicing a class across machines, and merging the slices."""
    parser.add_argument(
        "--resume", action="store_true", help="grade only the submissions --out has no results for yet"
    )
    parser.add_argument(
        "--shard",
        type=shard_spec,
        metavar="K/N",
        help="grade only the K-th of N slices of the class (stable: by a hash of each name)",
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        default=None,
        metavar="DIR",
        help="grade nothing: write the class reports in --out from these --out folders of shards",
    )


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
    parser.add_argument(
        "--no-templates", action="store_true", help="start each sandboxed child afresh (no warmed template)"
    )


def grade_command(args: argparse.Namespace) -> int:
    """Grade and write the reports; 0 all graded, 1 some not graded, 2 nothing to grade or no sandbox.

    130 (Ctrl+C) or 143 (SIGTERM) when stopped, after writing the reports of what was done.
    """
    from ftlab.classroom.batch import Interrupted

    if args.merge is not None:
        return _merge(args)
    if not args.submissions:
        print("ftlab grade: name the submissions to grade (or --merge DIR...)", file=sys.stderr)
        return ExitCode.USAGE
    with _signals_raise():
        try:
            return _grade(args)
        except Interrupted as stop:
            print(f"ftlab grade: {stop}; {stop.summary}; reports in {args.out}/; --resume grades the rest",
                  file=sys.stderr)  # fmt: skip
            return 128 + stop.signum


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` here (the workers are stopped on the way out)."""
    from ftlab.classroom.batch import Interrupted

    def stop(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _grade(args: argparse.Namespace) -> int:
    graders = Path(args.graders or "graders").resolve()
    if not graders.is_dir() or not any(graders.glob("test_ex*.py")):
        print(
            f"ftlab grade: no grader suites (test_ex*.py) in {graders}; pass --graders DIR", file=sys.stderr
        )
        return ExitCode.USAGE
    workers.start()  # its imports (seconds) run while this process does its own work
    from ftlab.classroom.batch import Interrupted, Settings, default_jobs, grade_all
    from ftlab.classroom.ledger import Ledger
    from ftlab.classroom.submission import find_submissions, shard

    shutdown.skip_last_collection()  # its exit need not collect what it holds (shutdown.py)
    submissions = find_submissions(args.submissions)
    if args.shard is not None:
        submissions = shard(submissions, *args.shard)
    elif not submissions:
        print("ftlab grade: no submissions found in " + ", ".join(args.submissions), file=sys.stderr)
        return ExitCode.USAGE
    sandbox = _sandbox(args)
    if sandbox is None:
        return ExitCode.USAGE
    ledger = Ledger(Path(args.out))
    ledger.sandbox = sandbox.describe()
    kept = ledger.load()
    todo = [s for s in submissions if not (args.resume and s.name in kept)]
    names = {s.name for s in submissions}
    in_class = len(names | set(kept)) > 1 or args.shard is not None
    jobs, templates = args.jobs or default_jobs(), not args.no_templates
    settings = Settings(graders, args.timeout, sandbox, jobs, args.budget, templates=templates)
    try:
        results = grade_all(
            todo, settings, progress=sys.stderr, finished=lambda g: ledger.save(g, own_folder=in_class)
        )
    except Interrupted as stop:
        done = [n for n in ledger.load() if n in names]
        stop.summary = f"{len(done)} of {len(names)} submissions graded"
        _report(ledger, sandbox.describe(), args, names, quiet=True)
        raise
    workers.stop()  # no worker is started after grade_all: it exits while the reports are written
    for graded in results:  # those not graded now list every check at zero
        if graded.status != "graded":
            ledger.save(graded, own_folder=in_class)
    return _report(ledger, sandbox.describe(), args, names)


def _sandbox(args: argparse.Namespace) -> Sandbox | None:
    """The sandbox asked for, said on stderr; None (after saying why) when it cannot be had."""
    from ftlab.grading.isolation.sandbox import find_sandbox

    mode = "none" if args.no_sandbox else args.sandbox
    sandbox = find_sandbox(mode=mode)
    wanted = {"bubblewrap": "bubblewrap", "user": "unprivileged"}.get(mode)
    if (args.require_sandbox and not sandbox.protected) or (wanted and sandbox.kind != wanted):
        because = "--require-sandbox" if args.require_sandbox else f"--sandbox {mode}"
        print(
            f"ftlab grade: no sandbox available ({sandbox.reason}); refusing because of {because}",
            file=sys.stderr,
        )
        return None
    print(f"ftlab grade: learner code runs in a {sandbox.describe()}", file=sys.stderr)
    return sandbox


def _report(
    ledger: Ledger, sandbox: str, args: argparse.Namespace, names: set[str], *, quiet: bool = False
) -> int:
    """Write the class reports from every record in ``--out`` (``--adjust`` applied); the exit status."""
    from ftlab.classroom.batch import fill_blank_boards
    from ftlab.classroom.ledger import ordered

    out = ledger.out
    everyone = ordered(ledger.load().values())
    fill_blank_boards(everyone, None)
    _write_class(everyone, out, sandbox=sandbox, logs=args.logs, adjustments=args.adjust)
    mine = [g for g in everyone if g.name in names]
    not_graded = [r for r in mine if r.status != "graded"]
    graded = f"{len(mine) - len(not_graded)} of {len(names)} submissions graded"
    others = f" (and {len(everyone) - len(mine)} graded before)" if len(everyone) > len(mine) else ""
    if quiet:
        return ExitCode.FAILED
    print(f"ftlab grade: {graded}{others}; reports in {out}/", file=sys.stderr)
    for result in not_graded:
        print(f"  {result.name}: {result.status}: {result.message}", file=sys.stderr)
    return ExitCode.FAILED if not_graded or len(mine) < len(names) else ExitCode.OK


def _write_class(
    results: Sequence[Graded], out: Path, *, sandbox: str, logs: bool, adjustments: Adjustments | None
) -> None:
    from ftlab.classroom.exports import write_reports

    if len(results) > 1:  # a class: one student's reports at the top would be stale
        for stale in ("feedback.md", "classroom.json"):
            (out / stale).unlink(missing_ok=True)
    write_reports(results, out, sandbox=sandbox, logs=logs, adjustments=adjustments)


def _merge(args: argparse.Namespace) -> int:
    """``--merge DIR...``: the class reports of several shards' folders, written in ``--out``."""
    from ftlab.classroom.ledger import Ledger, UnreadableLedger, merged

    try:
        results, sandbox = merged([Path(d) for d in args.merge])
    except UnreadableLedger as error:
        print(f"ftlab grade: {error}", file=sys.stderr)
        return ExitCode.USAGE
    out = Path(args.out)
    ledger = Ledger(out)
    for graded in results:
        ledger.save(graded, own_folder=len(results) > 1)
    ledger.sandbox = sandbox
    return _report(ledger, sandbox, args, {g.name for g in results})
