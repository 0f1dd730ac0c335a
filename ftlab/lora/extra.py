"""The optional ``train`` extra: checked once, before any heavy import, with an install hint when missing."""

from __future__ import annotations

import importlib

from ftlab.lora.errors import MissingExtra

MODULES: tuple[str, ...] = ("torch", "transformers", "accelerate", "peft")  # peft imports accelerate


def require() -> None:
    """Import the extra's libraries, or raise :class:`MissingExtra` naming the first one missing."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise MissingExtra(name, str(error)) from None
