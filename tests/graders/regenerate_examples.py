"""Regenerate every replayed property check's examples: ``python -m tests.graders.regenerate_examples``.

Writes ``graders/examples/<grader>.json`` from hypothesis (see :mod:`ftlab.grading.stored_examples`).
Run it after changing a check's strategies or its number of examples, or after upgrading hypothesis
(``tests/graders/test_stored_examples.py`` says when).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from ftlab.grading.stored_examples import Property, generate, properties
from tests.paths import ROOT


def grader_properties(grader: Path) -> list[Property]:
    """The replayed checks of a grader file, imported under a private name."""
    spec = importlib.util.spec_from_file_location(f"ftlab_regenerate_{grader.stem}", grader)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return properties(vars(module))


def contents(grader: Path) -> dict[str, Any] | None:
    """What the grader's examples file should hold (None: it has no replayed checks)."""
    import hypothesis

    found = grader_properties(grader)
    if not found:
        return None
    return {"hypothesis": hypothesis.__version__, "checks": {p.name: generate(p) for p in found}}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=True) + "\n"


def main() -> int:
    for grader in sorted((ROOT / "graders").glob("test_*.py")):
        data = contents(grader)
        if data is None:
            continue
        target = grader.parent / "examples" / f"{grader.stem}.json"
        target.write_text(dumps(data), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}: {sum(len(v) for v in data['checks'].values())} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
