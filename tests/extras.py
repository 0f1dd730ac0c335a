"""The optional ``train`` extra made to look missing, one module at a time, for the install-line tests."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import pytest

from ftlab.lora.extra import MODULES


def without(missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import <missing>`` fail, installed or not; the extra's other modules import as they are."""
    for name in MODULES:  # what is installed is imported first: transformers decides at import time
        if name != missing and importlib.util.find_spec(name) is not None:  # whether accelerate is there
            importlib.import_module(name)
    monkeypatch.setitem(sys.modules, missing, None)
