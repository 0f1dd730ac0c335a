"""Where the project's folders are, for tests at any depth of ``tests/``."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
ENGINE = ROOT / "ftlab"
DATA = ROOT / "data"
BUGGY = TESTS / "buggy"
GOLDEN = TESTS / "golden"
CLASS = TESTS / "class"
