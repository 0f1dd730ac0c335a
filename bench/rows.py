"""One row of the speed table (issues 12 and 13): what was measured, against its target and peer.

Every bench script that has rows in the table accepts ``--json``; it then prints its usual lines
and, as its last line, ``json.dumps([row.to_dict(), ...])``. ``bench/table.py`` runs them all and
prints one table.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Row:
    """One measured row: ``met`` is whether ``measured`` holds against ``target`` in this run."""

    row: str
    measured: str
    target: str
    met: bool
    peer: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def wants_json(argv: Sequence[str] | None = None) -> bool:
    """Whether the script was asked for its rows (``--json``); the flag is taken out of ``sys.argv``."""
    args = sys.argv if argv is None else argv
    if "--json" in args:
        if argv is None:
            sys.argv.remove("--json")
        return True
    return False


def emit(rows: Sequence[Row]) -> None:
    """Print the rows as the last line of the script's output, for ``bench/table.py``."""
    print(json.dumps([row.to_dict() for row in rows]), flush=True)
