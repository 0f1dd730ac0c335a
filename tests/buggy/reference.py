"""Load a reference solution by path, for the wrong answers here to build on."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def reference(slug: str) -> dict[str, Any]:
    """The names defined by ``solutions/<slug>.py``."""
    return runpy.run_path(str(SOLUTIONS / f"{slug}.py"))
