"""The challenge's task, Acme Cloud ticket triage: the good prompt, the held-out cases, reading a reply."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ftlab.dataset.jsonl import read_jsonl
from ftlab.errors import FtlabError

#: The good prompt of the prompt leg: instructions, the eight categories and the priority rule.
PROMPT = """You triage Acme Cloud support emails. Reply with exactly three lines: Category, Priority, Summary.

Pick the category from what the customer needs. Categories, with the words that usually give them away:
- billing: invoice, charged, refund, payment, credit card, price, receipt, VAT, plan cost.
- outage: down, outage, unreachable, 503, timing out, slow, delayed, past incident.
- account: log in, password, 2FA, SSO, invitation, member, ownership, username.
- bug: error, broken, does not work, wrong, glitch, typo.
- feature_request: feature, would love, could you add, any chance, suggestion.
- data: import, export, backup, restore, deleted, data loss, GDPR, data residency.
- security: compromised, leaked key, suspicious login, stolen, encryption, SOC 2.
- cancellation: cancel, close account, remove add-on, another provider.

Priority depends on impact, not on the category:
- P1: production down, site down, security incident, data loss.
- P2: blocked, workaround, failing, slow, charged twice, refund.
- P3: question, how do I, feature request, cosmetic, typo.

Summary: one sentence, at most 20 words, plain English, no greeting."""

SIMULATION_NOTE = "All answers come from offline simulations, not from a real model (see the notes below)."


class ChallengeError(FtlabError):
    """Something the challenge needs is missing or unusable (a file, the mock API)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(what, reason)
        self.what, self.reason = what, reason

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


class EngineFailed(ChallengeError):
    """The model answering a leg failed (an API refusal, an unreachable server): not the learner's input."""


@dataclass(frozen=True)
class Case:
    """One held-out email and its reference answer's category and priority."""

    email: str
    category: str
    priority: str


def parse_reply(text: str) -> tuple[str, str]:
    """The Category and Priority values of a triage reply ("" for a line that is missing)."""
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, colon, value = line.partition(":")
        if colon and key in ("Category", "Priority"):
            found.setdefault(key, value.strip())
    return found.get("Category", ""), found.get("Priority", "")


def read_cases(path: str | os.PathLike[str]) -> list[Case]:
    """The held-out set: each example's last user message and its final answer's labels."""
    cases = []
    for line in read_jsonl(existing(path)):
        if line.problem is not None or not isinstance(line.record, dict):
            problem = str(line.problem or "not a training example")
            raise ChallengeError(f"{path}, line {line.number}", problem)
        messages = line.record.get("messages") or []
        users = [m.get("content", "") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        answer = messages[-1].get("content", "") if messages and isinstance(messages[-1], dict) else ""
        category, priority = parse_reply(answer)
        if not users or not category or not priority:
            raise ChallengeError(
                f"{path}, line {line.number}",
                "needs a user email and a reference answer with Category and Priority lines",
            )
        cases.append(Case(users[-1], category, priority))
    if not cases:
        raise ChallengeError(str(path), "no held-out examples")
    return cases


def read_prompt(path: str | os.PathLike[str] | None) -> str:
    """The prompt in a text file (``--prompt FILE``), or the default :data:`PROMPT` when no file is given."""
    if path is None:
        return PROMPT
    try:
        text = existing(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ChallengeError(str(path), "not UTF-8 text; save the prompt as a plain text file") from None
    if not text.strip():
        raise ChallengeError(str(path), "the prompt file is empty")
    return text.strip()


def existing(path: str | os.PathLike[str]) -> Path:
    """``path`` when it names a file; else a :class:`ChallengeError` saying where to run from."""
    if not Path(path).is_file():
        raise ChallengeError(str(path), "no such file (run from the ftlab folder, or pass its path)")
    return Path(path)
