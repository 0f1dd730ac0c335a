"""An offline stand-in for a chat model that follows its prompt literally: keyword rules, no AI.

The challenge compares a prompt, RAG and a fine-tune without a network or a GPU. For the prompt
and RAG legs something has to play the model; this is it, and it is deliberately simple:

- it knows only what its system messages say. Every line of the form ``- <label>: cue, cue.``
  (a category, or P1/P2/P3) adds those cues to that label; nothing else is read;
- a cue matches an email when all its words appear in the email (lower-cased, a plural "s"
  ignored, small words like "a" and "the" skipped);
- the category is the one whose matched cues hold the most words (ties: the first listed;
  no match at all: the first category listed). The priority is the most urgent level with a
  matched cue, or the least urgent one when none matches;
- the summary is the email's first sentence, cut to 20 words.

So a longer, richer prompt (or retrieved policy pages) really does change its answers, and
its numbers are honest about one thing only: what the text it was given says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_CUE_LINE = re.compile(r"^\s*-\s+([A-Za-z_][\w]*)\s*:\s*(.+?)\s*$")
_PRIORITY = re.compile(r"^P[0-9]$")
_WORD = re.compile(r"[a-z0-9]+")
_SPLIT = re.compile(r",|;|\bor\b|\.$")
_SMALL_WORDS = frozenset(
    "a an the of to in on for with is are be it its our your their that this my we i".split()
)
SUMMARY_WORDS = 20


def tokens(text: str) -> list[str]:
    """The words of a text in order, as the responder compares them: lower case, plural "s" dropped."""
    found = []
    for word in _WORD.findall(text.lower()):
        if word not in _SMALL_WORDS:
            found.append(
                word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
            )
    return found


def words(text: str) -> frozenset[str]:
    """The set of a text's :func:`tokens`."""
    return frozenset(tokens(text))


@dataclass
class Rules:
    """Cues per label, in the order the labels were first seen."""

    categories: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    priorities: dict[str, list[frozenset[str]]] = field(default_factory=dict)

    def add(self, label: str, cues: str) -> None:
        table = self.priorities if _PRIORITY.match(label) else self.categories
        bucket = table.setdefault(label, [])
        for cue in _SPLIT.split(cues):
            cue_words = words(cue)
            if cue_words and cue_words not in bucket:
                bucket.append(cue_words)


def read_rules(texts: Sequence[str]) -> Rules:
    """The cue lines of some texts (a system prompt, retrieved pages)."""
    rules = Rules()
    for text in texts:
        for line in text.splitlines():
            match = _CUE_LINE.match(line)
            if match:
                rules.add(match.group(1), match.group(2))
    return rules


def _score(cues: list[frozenset[str]], email: frozenset[str]) -> int:
    return sum(len(cue) for cue in cues if cue <= email)


def classify(rules: Rules, email: str) -> tuple[str, str]:
    """(category, priority) for an email under some rules; ("unknown", "P3") when there are none."""
    email_words = words(email)
    category = "unknown"
    if rules.categories:
        category = max(rules.categories, key=lambda label: _score(rules.categories[label], email_words))
    levels = sorted(rules.priorities)
    matched = [level for level in levels if _score(rules.priorities[level], email_words) > 0]
    priority = matched[0] if matched else (levels[-1] if levels else "P3")
    return category, priority


def summarise(email: str) -> str:
    """The first sentence of an email's body (a "Subject:" line skipped), at most 20 words."""
    lines = [
        line.strip()
        for line in email.splitlines()
        if line.strip() and not line.lower().startswith("subject:")
    ]
    body = " ".join(lines)
    sentence = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0] if body else "No text."
    cut = sentence.split()[:SUMMARY_WORDS]
    return " ".join(cut) if cut else "No text."


def respond(messages: Sequence[Mapping[str, object]]) -> str:
    """The reply to a chat request: the system messages give the rules, the last user message the email."""
    system = [str(m.get("content") or "") for m in messages if m.get("role") == "system"]
    users = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
    email = users[-1] if users else ""
    category, priority = classify(read_rules(system), email)
    return f"Category: {category}\nPriority: {priority}\nSummary: {summarise(email)}"
