"""Text as the quality pass compares it: Unicode-normalised, case-folded, whitespace collapsed."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
#: Near-duplicates are compared over shingles of this many words.
SHINGLE_WORDS = 3


def normalize(text: str) -> str:
    """``text`` with Unicode compatibility forms folded, case folded and every run of whitespace one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def digest(text: str) -> bytes:
    """A 16-byte fingerprint of ``text`` (equal texts, equal digests; kept instead of the text)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def words(text: str) -> list[str]:
    """The words of a normalised text (punctuation dropped)."""
    return _WORD.findall(text)


def shingles(found: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The set of ``size``-word shingles of a text's words (the whole text when it is shorter)."""
    if len(found) <= size:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + size]) for i in range(len(found) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
