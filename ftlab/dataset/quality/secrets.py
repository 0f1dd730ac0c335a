"""Secrets and personal data that look real: API keys, e-mail addresses, phone numbers.

What is trained into a model can come back out of it. Placeholders do not count: e-mail
domains reserved for examples (example.com, .test, .invalid, .example, localhost), the
fictional 555 phone numbers, and keys that say EXAMPLE, xxxx, your… or repeat one character.
A match is echoed masked (its first and last characters only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ftlab.dataset.quality.examples import ChatExample
from ftlab.dataset.quality.lines import subject
from ftlab.dataset.quality.results import SECRET, QualityWarning
from ftlab.dataset.wording import printable

_KINDS = {
    "openai": "an OpenAI API key",
    "aws": "an AWS access key",
    "github": "a GitHub token",
    "slack": "a Slack token",
    "google": "a Google API key",
    "private": "a private key",
    "email": "an e-mail address",
    "phone": "a phone number",
}
_PATTERN = re.compile(
    r"(?P<openai>\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})"
    r"|(?P<aws>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"
    r"|(?P<github>\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))"
    r"|(?P<slack>\bxox[abposr]-[A-Za-z0-9\-]{10,})"
    r"|(?P<google>\bAIza[0-9A-Za-z_\-]{35})"
    r"|(?P<private>-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----)"
    r"|(?P<email>\b[A-Za-z0-9._%+\-]+@(?P<domain>[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})\b)"
    r"|(?P<phone>(?<![\w+\-./])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{2,4}\)|\d{2,4})"
    r"(?:[ .\-]\d{2,4}){2,3}(?![\w\-/.]\w))"
)
_PLACEHOLDER = re.compile(r"example|xxxx|your|dummy|placeholder|redacted|\*{3}|\.\.\.|<", re.IGNORECASE)
_RESERVED_DOMAINS = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$", re.IGNORECASE
)


def findings(text: str) -> Iterator[tuple[str, str]]:
    """Each real-looking secret or personal datum in ``text``: its kind's name and the match, masked."""
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup if match.lastgroup != "domain" else "email"
        kind = next(name for name in _KINDS if match.group(name)) if kind not in _KINDS else kind
        found = match.group(kind)
        if _placeholder(kind, found, match.group("domain")):
            continue
        if kind == "phone" and not _phone_like(found, text[max(0, match.start() - 30) : match.start()]):
            continue
        yield _KINDS[kind], mask(found)


def _placeholder(kind: str, found: str, domain: str | None) -> bool:
    if kind == "email":
        return bool(domain and _RESERVED_DOMAINS.search(domain)) or bool(_PLACEHOLDER.search(found))
    if kind == "phone":
        return _fake_phone(found)
    if kind == "private":
        return False
    body = found.split("-", 1)[-1].split("_", 1)[-1]
    return bool(_PLACEHOLDER.search(found)) or len(set(body)) < 6


def _fake_phone(found: str) -> bool:
    digits = re.sub(r"\D", "", found)
    if not 9 <= len(digits) <= 15 or len(set(digits)) < 4:
        return True
    local = digits[-10:]
    return "555" in (local[0:3], local[3:6]) if len(local) == 10 else False


def _phone_like(found: str, before: str) -> bool:
    """A number is taken for a phone number by its form (+country, US style) or a word before it."""
    return bool(found.startswith("+") or _US_STYLE.fullmatch(found) or _PHONE_WORDS.search(before))


_US_STYLE = re.compile(r"\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}")
_PHONE_WORDS = re.compile(
    r"phone|call|tel\b|mobile|cell|whatsapp|sms|text me|fax|número|telefon|téléphone", re.IGNORECASE
)


def mask(found: str) -> str:
    """The match with only its first and last characters shown ("sk-p…9aQ", "to…@fastmail.com")."""
    if "@" in found:
        local, domain = found.split("@", 1)
        return printable(f"{local[:2]}…@{domain}")
    keep = 4 if len(found) > 12 else 2
    return printable(f"{found[:keep]}…{found[-2:]}")


@dataclass
class SecretFinder:
    """Scans each example's text (``add``); ``warnings`` gives one warning per kind, naming its lines."""

    _found: dict[str, dict[int, list[str]]] = field(default_factory=dict)

    def add(self, example: ChatExample) -> None:
        texts = (example.system or "", example.prompt, *example.answers)
        for text in texts:
            for kind, masked in findings(text):
                seen = self._found.setdefault(kind, {}).setdefault(example.line, [])
                if masked not in seen and len(seen) < 3:
                    seen.append(masked)

    def warnings(self) -> list[QualityWarning]:
        found = []
        for kind, by_line in self._found.items():
            lines = sorted(by_line)
            shown = ", ".join(
                masked if len(lines) == 1 else f"{masked} (line {line})"
                for line in lines[:5]
                for masked in by_line[line][:1]
            )
            found.append(
                QualityWarning(
                    SECRET,
                    tuple(lines),
                    f"{subject(lines, 'contains', 'contain')} what looks like {kind} ({shown}): what a "
                    f"model is trained on can come back out of it; {_ADVICE.get(kind, _KEY_ADVICE)}",
                )
            )
        return found


_ADVICE = {
    "an e-mail address": "replace it with a placeholder such as jane@example.com",
    "a phone number": "replace it with a placeholder such as 555-0100",
}
_KEY_ADVICE = "remove it from the file (and revoke it if it is real)"
