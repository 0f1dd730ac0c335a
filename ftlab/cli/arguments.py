"""Command-line arguments shared by every command: number checks with one wording, the subcommand type."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Protocol


class Subcommands(Protocol):
    """What ``ArgumentParser.add_subparsers()`` returns, as the commands use it (no argparse privates)."""

    def add_parser(self, name: str, *, help: str = ..., description: str = ...) -> argparse.ArgumentParser:
        """A new subcommand ``name`` and its parser (vulture: ``help`` and ``description`` are the API)."""
        ...


def number(
    kind: type[int] | type[float] = int,
    *,
    minimum: float | None = None,
    above: float | None = None,
    maximum: float | None = None,
    name: str | None = None,
) -> Callable[[str], int | float]:
    """An argparse ``type=`` that reads ``kind`` and checks its bounds, saying what was wrong.

    ``name`` is what the value is called when it can't be read ("a port number").
    """
    called = name or ("whole number" if kind is int else "number")

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {called}") from None
        low = minimum is not None and value < minimum
        high = maximum is not None and value > maximum
        if (low or high) and minimum is not None and maximum is not None:
            raise argparse.ArgumentTypeError(f"must be {minimum:g}-{maximum:g}, got {text}")
        if low:
            wanted = "0 or more" if minimum == 0 else f"at least {minimum:g}"
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text}")
        if high:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:g}, got {text}")
        if above is not None and not value > above:
            wanted = "positive" if above == 0 else f"more than {above:g}"
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its "invalid ... value" message
    return parse
