"""``ftlab mock-server``: run the offline OpenAI fine-tuning API in the foreground."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import TYPE_CHECKING

from ftlab.cli.arguments import Subcommands, number
from ftlab.errors import ExitCode

if TYPE_CHECKING:  # the server's modules (werkzeug) are imported when the command runs, not with ``ftlab``
    from ftlab.mock.backend import TrainingBackend
    from ftlab.mock.clock import Clock
    from ftlab.mock.server import MockServer

DEFAULT_PORT = 8765
HELP = "run an offline, OpenAI-compatible fine-tuning API on this machine"
DESCRIPTION = (
    "Serve OpenAI's files, fine-tuning jobs, models and chat completions endpoints on loopback. "
    "Point the openai SDK at it with OPENAI_BASE_URL; any API key works and each key sees only "
    "its own files and jobs. Time is simulated, so a fine-tuning job finishes in well under a second. "
    "With --backend lora every job is a real LoRA fine-tune of a local open model instead, in real time."
)


def add_mock_server_parser(subparsers: Subcommands) -> argparse.ArgumentParser:
    """Add the ``mock-server`` command to an argparse subparsers object."""
    parser = subparsers.add_parser("mock-server", help=HELP, description=DESCRIPTION)
    parser.add_argument(
        "--port",
        type=number(int, minimum=0, maximum=65535, name="port number"),
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)"
    )
    parser.add_argument(
        "--speed",
        type=number(float, above=0),
        default=1000.0,
        help="how much faster than real time simulated time runs "
        "(default 1000; --backend lora runs in real time)",
    )
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help='stop time: it moves only on POST /_mock/clock {"advance": seconds}',
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accept only this key (repeatable; default: any key)",
    )
    parser.add_argument(
        "--org", default="personal", help="organisation part of fine-tuned model names (default personal)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print a line per request")
    _add_backend_options(parser)
    parser.set_defaults(run=mock_server_command)
    return parser


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    """--backend and the options of its LoRA choice."""
    parser.add_argument(
        "--backend",
        choices=("simulated", "lora"),
        default="simulated",
        help="simulated: instant simulated jobs (default); lora: each job really fine-tunes "
        "--base-model with LoRA (needs the 'train' extra)",
    )
    parser.add_argument(
        "--base-model",
        metavar="MODEL_DIR_OR_HUB_ID",
        help="with --backend lora: the open model jobs fine-tune and chat answers with, "
        "e.g. HuggingFaceTB/SmolLM2-135M-Instruct",
    )
    parser.add_argument(
        "--work-dir",
        metavar="DIR",
        help="with --backend lora: keep each job's training file, adapter and checkpoints under DIR "
        "(default: a temporary folder, removed on exit)",
    )


def mock_server_command(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C; print the base URL and the environment lines once ready."""
    from ftlab.mock.clock import ManualClock, ScaledClock
    from ftlab.mock.server import MockServer

    problem = _backend_problem(args)
    if problem:
        print(f"ftlab mock-server: {problem}", file=sys.stderr)
        return ExitCode.USAGE
    backend: TrainingBackend | None = None
    if args.backend == "lora":
        backend, code = _lora_backend(args)
        if backend is None:
            return code
    clock: Clock | None = (
        ManualClock() if args.manual_clock else None if backend is not None else ScaledClock(args.speed)
    )
    server = MockServer(
        clock=clock,
        host=args.host,
        port=args.port,
        api_keys=args.api_keys,
        org=args.org,
        log=not args.quiet,
        backend=backend,
    )
    try:
        server.bind()
    except OSError as error:
        server.stop()
        print(f"ftlab mock-server: {error}", file=sys.stderr)
        return ExitCode.FAILED
    try:  # from here on Ctrl+C stops the server cleanly, even while the ready lines print
        if not _is_loopback(args.host):
            print(
                f"warning: listening on {args.host}, not loopback: other machines can reach this server",
                file=sys.stderr,
            )
        _print_ready(args, server, lora=backend is not None)
        server.serve_forever()  # returns on Ctrl+C (werkzeug catches KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("\nftlab mock-server stopped.")
    return ExitCode.OK


def _print_ready(args: argparse.Namespace, server: MockServer, *, lora: bool) -> None:
    """Where the server listens, how its time runs, and the two environment lines to set."""
    key = args.api_keys[0] if args.api_keys else "any-key"
    if lora:
        time_note = f"real LoRA fine-tuning of {args.base_model}, one job at a time, in real time"
    else:
        time_note = "simulated time: " + (
            "manual (POST /_mock/clock to advance)" if args.manual_clock else f"{args.speed:g}x real time"
        )
    where = (
        f"unix socket {server.socket_path} (as {server.base_url})" if server.socket_path else server.base_url
    )
    print(f"ftlab mock OpenAI API ready at {where}  ({time_note})")
    if args.work_dir:
        print(f"Each job's training file, adapter and checkpoints are kept under {args.work_dir}")
    print("Set these where your code runs, then use the openai SDK as usual:")
    print(f"  export OPENAI_BASE_URL={server.base_url}")
    print(f"  export OPENAI_API_KEY={key}")
    print("Press Ctrl+C to stop.", flush=True)


def _backend_problem(args: argparse.Namespace) -> str | None:
    """Why the backend options do not go together, if they do not."""
    if args.backend == "lora":
        if not args.base_model:
            return (
                "--backend lora needs --base-model MODEL (a local model folder, or a hub id such as "
                "HuggingFaceTB/SmolLM2-135M-Instruct)"
            )
        if args.manual_clock:
            return (
                "--manual-clock applies to the simulated backend only: a real LoRA training runs in real time"
            )
    elif args.base_model or args.work_dir:
        return f"{'--base-model' if args.base_model else '--work-dir'} applies to --backend lora only"
    return None


def _lora_backend(args: argparse.Namespace) -> tuple[TrainingBackend | None, int]:
    """The LoRA backend with its base model found, or None and the exit code after saying why not."""
    from ftlab.lora.errors import LoraError, MissingExtra

    try:
        from ftlab.mock.lora import LoraTraining

        backend = LoraTraining(args.base_model, work_dir=args.work_dir, log=None if args.quiet else _say)
    except MissingExtra as error:
        print(f"ftlab mock-server: {error}", file=sys.stderr)
        return None, ExitCode.USAGE
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # the training's step lines are the progress
    try:
        backend.check_model()
    except LoraError as error:
        backend.close()
        print(
            f"ftlab mock-server: {str(error).replace('Point --model at', 'Point --base-model at')}",
            file=sys.stderr,
        )
        return None, ExitCode.FAILED
    return backend, ExitCode.OK


def _say(message: str) -> None:
    print(f"  lora: {message}", flush=True)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.startswith("unix://"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the command on its own: ``python -m ftlab.cli.mock_server``."""
    parser = argparse.ArgumentParser(prog="ftlab")
    add_mock_server_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
