"""Secrets and personal data that look real: API keys, e-mail addresses, phone numbers.

What is trained into a model can come back out of it. Placeholders do not count: e-mail
domains reserved for examples (example.com, .test, .invalid, .example, localhost), the
fictional 555 phone numbers, and keys that say EXAMPLE, xxxx, your… or repeat one character.
A match is echoed masked (its first and last characters only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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
_KEYS = re.compile(
    r"(?P<openai>\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})"
    r"|(?P<aws>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"
    r"|(?P<github>\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))"
    r"|(?P<slack>\bxox[abposr]-[A-Za-z0-9\-]{10,})"
    r"|(?P<google>\bAIza[0-9A-Za-z_\-]{35})"
    r"|(?P<private>-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----)"
)
#: Each pattern runs only on a text that passes its cheap test: for keys, one of these hints.
_MAYBE_KEY = re.compile(r"sk-|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|AIza|PRIVATE KEY")
#: Every key ``_KEYS`` finds is ``KEY_RUN`` characters in a row of ``KEY_CHARS``, a Slack token
#: ``SLACK_RUN`` of them holding ``SLACK_HINT``, or a private key's header holding ``PRIVATE_HINT``
#: (a looser test than ``_MAYBE_KEY``, for a quick scan).
KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
KEY_RUN = 20
SLACK_HINT, SLACK_RUN = "xox", 15
PRIVATE_HINT = "PRIVATE"
#: A phone number has at least this many digits (and at most ``PHONE_MAX``).
PHONE_DIGITS, PHONE_MAX = 9, 15
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})\b")
#: The characters of an address before its "@" (as ``_EMAIL`` has them).
_LOCAL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"
_PHONE = re.compile(r"[0-9][0-9 .()\-]{7,}[0-9]")  # a "+" or "(" before it is taken in below
_NON_DIGITS = re.compile(r"\D")
_GLUED = re.compile(r"[\w+\-./]")
_PLACEHOLDER = re.compile(r"example|xxxx|your|dummy|placeholder|redacted|\*{3}|\.\.\.|<", re.IGNORECASE)
_RESERVED_DOMAINS = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$", re.IGNORECASE
)
_US_STYLE = re.compile(r"\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}")
#: The digits of a phone number written US style (a run with as many may be one, whatever is before it).
US_DIGITS = 10
_PHONE_WORDS = re.compile(
    r"phone|call|tel\b|mobile|cell|whatsapp|sms|text me|fax|número|telefon|téléphone", re.IGNORECASE
)


#: What ``findings`` looks for, as bits: keys, e-mail addresses, phone numbers (``ANY``: all three).
KEYS, EMAILS, PHONES = 1, 2, 4
ANY = KEYS | EMAILS | PHONES


def findings(text: str, scan: int = ANY) -> Iterator[tuple[str, str]]:
    """Each real-looking secret or personal datum in ``text``: its kind's name and the match, masked.

    ``scan`` (bits of ``ANY``) leaves out the kinds a text is known not to hold (``scans.secret_hints``)."""
    if scan & KEYS and _MAYBE_KEY.search(text):
        for match in _KEYS.finditer(text):
            kind = str(match.lastgroup)
            if kind == "private" or not _fake_key(match.group()):
                yield _KINDS[kind], mask(match.group())
    if scan & EMAILS and "@" in text:
        for match in _emails(text):
            if not (_RESERVED_DOMAINS.search(match.group(1)) or _PLACEHOLDER.search(match.group())):
                yield _KINDS["email"], mask(match.group())
    if not scan & PHONES:
        return
    for match in _PHONE.finditer(text):
        start, end = match.span()
        if start and text[start - 1] in "+(":
            start -= 1
        glued = (start and _GLUED.match(text[start - 1])) or (end < len(text) and text[end].isalnum())
        if not glued and _phone(text[start:end], text[max(0, start - 30) : start]):
            yield _KINDS["phone"], mask(text[start:end])


def _emails(text: str) -> Iterator[re.Match[str]]:
    """``_EMAIL.finditer(text)``, each search begun where the address characters before the next "@"
    begin (the expression alone is tried at every word of the text: ten times slower)."""
    end = 0
    at = text.find("@")
    while at >= 0:
        match = _EMAIL.search(text, _run_start(text, end, at))
        if match is None:
            return
        yield match
        end = match.end()
        at = text.find("@", end)


def _run_start(text: str, low: int, at: int) -> int:
    """Where the run of ``_LOCAL`` characters that ends before ``at`` begins (not before ``low``)."""
    while True:
        start = max(low, at - 64)
        kept = len(text[start:at].rstrip(_LOCAL))
        if kept or start == low:
            return start + kept
        at = start


def text_of(example: ChatExample) -> str:
    """The text of an example that is scanned (besides its system prompt): its input and answers."""
    return "\n".join((example.prompt, *example.answers))


def _fake_key(found: str) -> bool:
    body = found.split("-", 1)[-1].split("_", 1)[-1]
    return bool(_PLACEHOLDER.search(found)) or len(set(body)) < 6


def _phone(found: str, before: str) -> bool:
    """A run of digits is a real-looking phone number: 9 to 15 digits, not a fictional 555 one,
    written like one (+country, US style) or after a word such as "phone" or "call"."""
    digits = _NON_DIGITS.sub("", found)
    if not PHONE_DIGITS <= len(digits) <= PHONE_MAX or len(set(digits)) < 4:
        return False
    local = digits[-10:]
    if len(local) == 10 and "555" in (local[0:3], local[3:6]):
        return False
    return bool(found.startswith("+") or _US_STYLE.fullmatch(found) or _PHONE_WORDS.search(before))


def phone_hint(digits: int, plus: bool, before: str) -> bool:
    """Whether a run of digits, spaces, dots, brackets and dashes may be a phone number ``findings``
    reports: it has this many ``digits``, ``plus`` when a "+" is right before its first digit, and
    ``before`` holds at least the 31 characters before that digit."""
    if not PHONE_DIGITS <= digits <= PHONE_MAX:
        return False
    return plus or digits == US_DIGITS or bool(_PHONE_WORDS.search(before))


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
    _system: str | None = None
    _system_found: list[tuple[str, str]] = field(default_factory=list)

    def add(self, example: ChatExample, *, scan: int = ANY) -> None:
        """Note what an example holds; ``scan`` (bits of ``ANY``, see ``findings``) leaves out what
        its text is known not to hold (see ``scans.secret_hints``); its system prompt is looked at
        whatever ``scan`` says."""
        scan = ANY if scan is True else scan
        self.add_batch([example.line], [example.system], [example.prompt], [example.answers], [scan])

    def add_batch(
        self,
        lines: Sequence[int],
        systems: Sequence[str | None],
        prompts: Sequence[str],
        answers: Sequence[tuple[str, ...]],
        scans: Sequence[int],
    ) -> None:
        """``add`` for examples given as their lines, system prompts, inputs, answers and ``scan``s
        (the text scanned, ``text_of``, made only for an example with something to scan)."""
        distinct = set(systems)
        distinct.discard(None)
        if not self._system_found and distinct <= {self._system}:  # no system prompt to look at
            for index in [index for index, scan in enumerate(scans) if scan]:
                text = "\n".join((prompts[index], *answers[index]))
                self._note(lines[index], systems[index], text, scans[index])
            return
        for line, system, prompt, said, scan in zip(lines, systems, prompts, answers, scans, strict=True):
            if scan or not (system is None or (system == self._system and not self._system_found)):
                self._note(line, system, "\n".join((prompt, *said)), scan)  # most have nothing to scan

    def _note(self, line: int, system: str | None, text: str, scan: int) -> None:
        found = self._in_system(system)
        if scan:
            found = found + list(findings(text, scan))
        for kind, masked in found:
            seen = self._found.setdefault(kind, {}).setdefault(line, [])
            if masked not in seen and len(seen) < 3:
                seen.append(masked)

    def _in_system(self, system: str | None) -> list[tuple[str, str]]:
        """What a system prompt holds (remembered: the same prompt usually starts every example)."""
        if system is None:
            return []
        if system != self._system:
            self._system, self._system_found = system, list(findings(system))
        return self._system_found

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
