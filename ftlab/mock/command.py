"""``ftlab mock-server``: run the offline OpenAI fine-tuning API in the foreground."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from ftlab.mock.clock import Clock, ManualClock, ScaledClock
from ftlab.mock.server import MockServer

DEFAULT_PORT = 8765
HELP = "run an offline, OpenAI-compatible fine-tuning API on this machine"
DESCRIPTION = (
    "Serve OpenAI's files, fine-tuning jobs, models and chat completions endpoints on loopback. "
    "Point the openai SDK at it with OPENAI_BASE_URL; any API key works and each key sees only "
    "its own files and jobs. Time is simulated, so a fine-tuning job finishes in well under a second."
)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0 picks a free one), got {value}")
    return value


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the speed must be positive, got {text}")
    return value


def add_mock_server_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add the ``mock-server`` command to an argparse subparsers object."""
    parser = subparsers.add_parser("mock-server", help=HELP, description=DESCRIPTION)
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    parser.add_argument("--speed", type=_speed, default=1000.0, help="how much faster than real time simulated time runs (default 1000)")
    parser.add_argument("--manual-clock", action="store_true", help="stop time: it moves only on POST /_mock/clock {\"advance\": seconds}")
    parser.add_argument("--api-key", action="append", dest="api_keys", metavar="KEY", help="accept only this key (repeatable; default: any key)")
    parser.add_argument("--org", default="personal", help="organisation part of fine-tuned model names (default personal)")
    parser.add_argument("--quiet", action="store_true", help="do not print a line per request")
    parser.set_defaults(run=mock_server_command)
    return parser


def mock_server_command(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C; print the base URL and the environment lines once ready."""
    clock: Clock = ManualClock() if args.manual_clock else ScaledClock(args.speed)
    server = MockServer(clock=clock, host=args.host, port=args.port, api_keys=args.api_keys, org=args.org, log=not args.quiet)
    try:
        server.bind()
    except OSError as error:
        print(f"ftlab mock-server: {error}", file=sys.stderr)
        return 1
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}, not loopback: other machines can reach this server", file=sys.stderr)
    key = args.api_keys[0] if args.api_keys else "any-key"
    time_note = "manual (POST /_mock/clock to advance)" if args.manual_clock else f"{args.speed:g}x real time"
    where = f"unix socket {server.socket_path} (as {server.base_url})" if server.socket_path else server.base_url
    print(f"ftlab mock OpenAI API ready at {where}  (simulated time: {time_note})")
    print("Set these where your code runs, then use the openai SDK as usual:")
    print(f"  export OPENAI_BASE_URL={server.base_url}")
    print(f"  export OPENAI_API_KEY={key}")
    print("Press Ctrl+C to stop.", flush=True)
    try:
        server.serve_forever()  # returns on Ctrl+C (werkzeug catches KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("\nftlab mock-server stopped.")
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.startswith("unix://"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the command on its own: ``python -m ftlab.mock.command``."""
    parser = argparse.ArgumentParser(prog="ftlab")
    add_mock_server_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
