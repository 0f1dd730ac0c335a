"""``ftlab challenge``: triage done three ways (prompt, RAG, fine-tune), side by side, offline.

``python -m ftlab.cli.challenge`` runs the same command on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode

if TYPE_CHECKING:
    from ftlab.course.legs import Responder

HELP = "the optional challenge: triage done three ways (prompt, RAG, fine-tune), side by side, offline"


def add_challenge_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """``ftlab challenge``: add the subcommand to the ``ftlab`` command's subcommands."""
    parser = subparsers.add_parser("challenge", help=HELP)
    add_options(parser)
    return parser


def add_options(parser: argparse.ArgumentParser) -> None:
    """The challenge's options and its ``run`` default, on ``parser``."""
    parser.add_argument(
        "--train",
        default="data/support_tickets.jsonl",
        help="training file for the fine-tune (default: %(default)s)",
    )
    parser.add_argument(
        "--heldout",
        default="data/support_tickets_heldout.jsonl",
        help="held-out file to score on (default: %(default)s)",
    )
    parser.add_argument(
        "--docs", default="data/challenge", help="folder of .md pages for RAG (default: %(default)s)"
    )
    parser.add_argument(
        "--model",
        default="gpt-4o-mini",
        help="model whose prices are used, and fine-tuned (default: %(default)s)",
    )
    parser.add_argument(
        "--requests-per-day",
        type=number(int, minimum=0),
        default=1000,
        help="traffic for the break-even line (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(run=challenge_command)


def challenge_command(args: argparse.Namespace, *, fine_tuned: Responder | None = None) -> int:
    """Run the three legs and print the table (or JSON); 0 when it ran, 2 when an input is unusable."""
    # Imported here: the legs pull in the openai SDK, which no other command should pay for.
    from ftlab.course.challenge import run_challenge
    from ftlab.course.scoreboard import render
    from ftlab.course.triage import ChallengeError

    try:
        results, skipped = run_challenge(
            train=args.train, heldout=args.heldout, docs=args.docs, model=args.model, fine_tuned=fine_tuned
        )
    except (ChallengeError, ValueError, OSError) as error:
        print(f"ftlab challenge: {error}", file=sys.stderr)
        return ExitCode.USAGE
    if args.json:
        data = {"simulated": True, "results": [asdict(r) for r in results], "skipped": skipped}
        print(json.dumps(data, indent=2))
    else:
        table = render(results, model=args.model, requests_per_day=args.requests_per_day, skipped=skipped)
        print("\n".join(table))
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ftlab.cli.challenge``: the same as ``ftlab challenge``."""
    parser = argparse.ArgumentParser(
        prog="python -m ftlab.cli.challenge", description="Triage done three ways, side by side, offline."
    )
    add_options(parser)
    return int(challenge_command(parser.parse_args(argv)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
