"""System prompts: how many distinct ones a file has, and the lines whose prompt is not the usual one.

Prompts are compared normalised (whitespace and case ignored). An example without a system
prompt, in a file where most have one, differs too. Kept: a digest and the lines per distinct
prompt, and the text of the first ``KEPT_TEXTS`` distinct prompts (to say how they differ).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from ftlab.dataset.quality.examples import NO_SYSTEM, system_key
from ftlab.dataset.quality.lines import subject
from ftlab.dataset.quality.results import SYSTEM_PROMPT, QualityWarning
from ftlab.dataset.wording import printable

KEPT_TEXTS = 50
_NONE = NO_SYSTEM
_QUOTE = 60


@dataclass
class SystemPrompts:
    """Groups examples by their system prompt (``add``); ``warnings`` names the lines that differ."""

    _lines: dict[int, list[int]] = field(default_factory=dict)
    _texts: dict[int, str] = field(default_factory=dict)

    def add(self, line: int, system: str | None, key: int) -> None:
        """Note a line's system prompt (None if none) and its normalised digest (``NO_SYSTEM`` if none)."""
        if key not in self._lines and system is not None and len(self._texts) < KEPT_TEXTS:
            self._texts[key] = system
        self._lines.setdefault(key, []).append(line)

    def add_batch(self, lines: Sequence[int], systems: Sequence[str | None]) -> list[int]:
        """``add`` for lines and their system prompts (``examples.system_key`` of each distinct one
        computed once); their keys, in order."""
        known = {system: system_key(system) for system in set(systems)}
        keys = list(map(known.__getitem__, systems))
        if len(set(known.values())) == 1 and lines:  # one prompt all along (most batches)
            self.add(lines[0], systems[0], keys[0])
            self._lines[keys[0]] += lines[1:]
            return keys
        for line, system, key in zip(lines, systems, keys, strict=True):
            self.add(line, system, key)
        return keys

    @property
    def distinct(self) -> int:
        """How many distinct system prompts (an example without one is not counted)."""
        return len(self._lines) - (_NONE in self._lines)

    def warnings(self) -> list[QualityWarning]:
        if len(self._lines) < 2:
            return []
        usual = max(self._lines, key=lambda key: (len(self._lines[key]), key != _NONE))
        count = len(self._lines[usual])
        found = []
        for key, lines in self._lines.items():
            if key == usual:
                continue
            how = self._how(key, usual)
            found.append(
                QualityWarning(
                    SYSTEM_PROMPT,
                    tuple(lines),
                    f"{subject(lines, *how)}, unlike the usual system prompt on {count} lines: the model "
                    "learns to answer the prompt it is trained with; use the same one everywhere",
                )
            )
        return found

    def _how(self, key: int, usual: int) -> tuple[str, str]:
        if key == _NONE:
            what = "no system prompt"
        elif usual == _NONE:
            what = "a system prompt"
        else:
            text, usual_text = self._texts.get(key), self._texts.get(usual)
            what = "another system prompt"
            if text is not None and usual_text is not None:
                what += f", which {word_difference(text, usual_text)}"
        return f"has {what}", f"have {what}"


def word_difference(text: str, usual: str) -> str:
    """Where ``text`` first differs from ``usual``, in words: 'says "…" where the usual says "…"'."""
    mine, theirs = text.split(), usual.split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        said = _quote(" ".join(mine[i1:i2]))
        usual_said = _quote(" ".join(theirs[j1:j2]))
        if tag == "insert":
            return f"first differs in lacking {usual_said}"
        if tag == "delete":
            return f"first differs in adding {said}"
        return f"first differs in saying {said} where the usual one says {usual_said}"
    return "differs only in case or spacing"


def _quote(text: str) -> str:
    return f'"{printable(text, _QUOTE)}"'
