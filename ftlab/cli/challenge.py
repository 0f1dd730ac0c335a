"""``ftlab challenge``: triage done three ways (prompt, RAG, fine-tune), side by side.

Offline simulation by default; ``--local-model MODEL`` asks a small open model on this machine (and
trains its LoRA adapter), ``--real`` asks models behind the API. ``python -m ftlab.cli.challenge``
runs the same command on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode

if TYPE_CHECKING:
    from ftlab.course.challenge import Engine, Inputs
    from ftlab.course.legs import LegResult, Responder

HELP = (
    "the optional challenge: triage done three ways (prompt, RAG, fine-tune), side by side "
    "(offline simulation unless --local-model or --real)"
)
LOCAL_HEADER = "Answered by {model}, a real model running on this machine (not a simulation)."
REAL_HEADER = "Answered by models behind {url} (not a simulation)."


def add_challenge_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """``ftlab challenge``: add the subcommand to the ``ftlab`` command's subcommands."""
    parser = subparsers.add_parser("challenge", help=HELP, description=HELP)
    add_options(parser)
    return parser


def add_options(parser: argparse.ArgumentParser) -> None:
    """The challenge's options and its ``run`` default, on ``parser``."""
    add = parser.add_argument
    add(
        "--train",
        default="data/support_tickets.jsonl",
        help="training file for the fine-tune (default: %(default)s)",
    )
    add(
        "--heldout",
        default="data/support_tickets_heldout.jsonl",
        help="held-out file to score on (default: %(default)s)",
    )
    add("--docs", default="data/challenge", help="folder of .md pages for RAG (default: %(default)s)")
    add("--prompt", metavar="FILE", help="a text file with your own prompt (start from --show-prompt's)")
    add(
        "--show-prompt",
        action="store_true",
        help="print the default prompt and stop (save it, edit it, pass it with --prompt)",
    )
    add(
        "--model",
        default="gpt-4o-mini",
        help="model whose prices are used; with --real, the chat model asked (default: %(default)s)",
    )
    add(
        "--requests-per-day",
        type=number(int, minimum=0),
        default=1000,
        help="traffic for the break-even line (default: %(default)s)",
    )
    _add_engine_options(parser)
    add("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(run=challenge_command)


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Which model answers (a local one, or the API's), and the options that go with it."""
    add = parser.add_argument
    engines = parser.add_mutually_exclusive_group()
    engines.add_argument(
        "--local-model",
        metavar="MODEL",
        help="a small instruct model to run here: a folder or a hub id (needs the 'train' extra)",
    )
    engines.add_argument(
        "--real",
        action="store_true",
        help="ask models behind the real API (needs OPENAI_API_KEY; costs money)",
    )
    add("--ft-model", metavar="ID", help="with --real: the fine-tuned model id for the fine-tune leg")
    add(
        "--max-steps",
        type=number(int, minimum=1),
        default=None,
        help="with --local-model: stop training after this many steps (default: 3 epochs)",
    )
    add(
        "--max-tokens",
        type=number(int, minimum=1),
        default=64,
        help="longest reply asked of a real model (default: %(default)s)",
    )
    add(
        "--cache",
        metavar="DIR",
        help="where --local-model and --real keep each leg's results and the adapter "
        "(default: ~/.cache/ftlab/challenge)",
    )


def challenge_command(args: argparse.Namespace, *, fine_tuned: Responder | None = None) -> int:
    """Run the three legs and print the table (or JSON); 0 ran, 1 a model failed, 2 an input is unusable."""
    from ftlab.course.triage import PROMPT, ChallengeError, read_prompt

    if args.show_prompt:
        print(PROMPT)
        return ExitCode.OK
    if args.ft_model and not args.real:
        return _refuse("--ft-model names the fine-tuned model for --real; add --real or leave it out")
    try:
        prompt = read_prompt(args.prompt)
    except ChallengeError as error:
        return _refuse(str(error))
    if args.local_model:
        return _local(args, prompt)
    if args.real:
        return _real(args, prompt)
    return _simulated(args, prompt, fine_tuned)


def _simulated(args: argparse.Namespace, prompt: str, fine_tuned: Responder | None) -> int:
    # Imported here: the legs pull in the openai SDK, which no other command should pay for.
    from ftlab.course.challenge import run_challenge
    from ftlab.course.triage import ChallengeError

    try:
        results, skipped = run_challenge(
            train=args.train, heldout=args.heldout, docs=args.docs, model=args.model,
            fine_tuned=fine_tuned, prompt=prompt,
        )  # fmt: skip
    except (ChallengeError, ValueError, OSError) as error:
        return _refuse(str(error))
    _show(args, results, skipped, engine="simulation")
    return ExitCode.OK


def _local(args: argparse.Namespace, prompt: str) -> int:
    from ftlab.lora.errors import LoraError, MissingExtra
    from ftlab.lora.extra import require

    try:
        require()
    except MissingExtra as error:
        return _refuse(str(error))
    from transformers.utils import logging as transformers_logging

    from ftlab.course.local_engine import LocalEngine
    from ftlab.lora.settings import TrainSettings

    transformers_logging.disable_progress_bar()  # the step lines are the progress
    log = _logger(args)
    settings = TrainSettings(max_steps=args.max_steps)
    header = LOCAL_HEADER.format(model=args.local_model)
    try:
        engine = LocalEngine(args.local_model, settings=settings, max_tokens=args.max_tokens, log=log)
    except LoraError as error:
        print(f"ftlab challenge: {error}", file=sys.stderr)
        return ExitCode.FAILED
    return _with_engine(args, prompt, engine, header=header, kind="local")


def _real(args: argparse.Namespace, prompt: str) -> int:
    from ftlab.course.api_engine import ApiEngine
    from ftlab.course.endpoint import EndpointRefused, choose

    try:
        endpoint = choose(os.environ, real=True)
    except EndpointRefused as error:
        return _refuse(str(error))
    assert endpoint is not None  # --real always names an endpoint (or refuses)
    _logger(args)(endpoint.banner)
    engine = ApiEngine(endpoint, args.model, ft_model=args.ft_model, max_tokens=args.max_tokens)
    try:
        return _with_engine(
            args, prompt, engine, header=REAL_HEADER.format(url=endpoint.base_url), kind="api"
        )
    finally:
        engine.close()


def _with_engine(args: argparse.Namespace, prompt: str, engine: Engine, *, header: str, kind: str) -> int:
    """Run the legs on a real engine, through the cache; print the timed table."""
    from ftlab.course.challenge import run_with_engine
    from ftlab.course.leg_cache import LegCache, default_folder
    from ftlab.course.triage import ChallengeError, EngineFailed
    from ftlab.lora.errors import LoraError

    cache = LegCache(Path(args.cache) if args.cache else default_folder())
    try:
        results, skipped = run_with_engine(engine, _inputs(args, prompt), cache, log=_logger(args))
    except (EngineFailed, LoraError) as error:
        print(f"ftlab challenge: {error}", file=sys.stderr)
        return ExitCode.FAILED
    except (ChallengeError, ValueError, OSError) as error:
        return _refuse(str(error))
    except KeyboardInterrupt:
        print("ftlab challenge: interrupted; the legs that finished are cached", file=sys.stderr)
        return ExitCode.INTERRUPTED
    footer = [
        f"- results and the adapter are cached in {cache.folder}: a leg runs again only when its model, "
        "prompt, pages, files or settings change; delete that folder to clear it"
    ]
    _show(args, results, skipped, engine=kind, header=header, footer=footer, cache=str(cache.folder))
    return ExitCode.OK


def _inputs(args: argparse.Namespace, prompt: str) -> Inputs:
    from ftlab.course.challenge import Inputs

    source = f"the prompt in {args.prompt}" if args.prompt else None
    extra = {"prompt_source": source} if source else {}
    return Inputs(args.train, args.heldout, args.docs, args.model, prompt, **extra)


def _show(
    args: argparse.Namespace, results: list[LegResult], skipped: dict[str, str], *, engine: str, **table: Any
) -> None:
    from ftlab.course.run_table import render_run

    if args.json:
        data = {"simulated": engine == "simulation", "engine": engine, "cache": table.pop("cache", None)}
        data |= {"results": [asdict(r) for r in results], "skipped": skipped}
        print(json.dumps(data, indent=2))
        return
    table.pop("cache", None)
    lines = render_run(
        results, model=args.model, requests_per_day=args.requests_per_day, skipped=skipped,
        timed=engine != "simulation", **table,
    )  # fmt: skip
    print("\n".join(lines))


def _logger(args: argparse.Namespace) -> Callable[[str], None]:
    """Progress lines: to stdout, or to stderr when stdout carries JSON."""
    stream = sys.stderr if args.json else sys.stdout
    return lambda message: print(message, file=stream, flush=True)


def _refuse(message: str) -> int:
    print(f"ftlab challenge: {message}", file=sys.stderr)
    return ExitCode.USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ftlab.cli.challenge``: the same as ``ftlab challenge``."""
    parser = argparse.ArgumentParser(prog="python -m ftlab.cli.challenge", description=HELP)
    add_options(parser)
    return int(challenge_command(parser.parse_args(argv)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
