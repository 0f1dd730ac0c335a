"""How the quality pass names lines in a sentence: "lines 3, 8 and 12"."""

from __future__ import annotations

from collections.abc import Sequence

#: At most this many line numbers are written out in one sentence; the rest are counted.
SHOWN_LINES = 10


def line_list(lines: Sequence[int], *, shown: int = SHOWN_LINES) -> str:
    """ "line 4", "lines 4 and 9", "lines 4, 9 and 15", "lines 1, 2, … and 40 more"."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    if len(lines) > shown:
        head = ", ".join(str(n) for n in lines[:shown])
        return f"lines {head} and {len(lines) - shown} more"
    return f"lines {', '.join(str(n) for n in lines[:-1])} and {lines[-1]}"


def subject(lines: Sequence[int], singular: str, plural: str) -> str:
    """The lines as the subject of a sentence, with the verb agreeing: "Line 4 has", "Lines 4 and 9 have"."""
    return f"{line_list(lines).capitalize()} {singular if len(lines) == 1 else plural}"
