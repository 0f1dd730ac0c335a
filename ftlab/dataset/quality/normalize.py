"""Text as the quality pass compares it: Unicode-normalised, case-folded, whitespace collapsed."""

from __future__ import annotations

import unicodedata

#: Near-duplicates are compared over shingles of this many words.
SHINGLE_WORDS = 3


def normalize(text: str) -> str:
    """``text`` with Unicode compatibility forms folded, case folded and every run of whitespace one space."""
    return " ".join(normalized_words(text))


def normalized_words(text: str) -> list[str]:
    """The words of ``text`` once normalised: what whitespace separates (punctuation stays on its word)."""
    return folded(text).split()


def folded(text: str) -> str:
    """``text`` with Unicode compatibility forms folded and case folded (its whitespace as it was)."""
    if text.isascii():  # case folding is lower-casing for ASCII, and much quicker
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


def digest(value: str | bytes | tuple[object, ...]) -> int:
    """A 64-bit fingerprint kept instead of the text: equal texts, equal digests (Python's own hash:
    the same within one run, which is all the pass compares; a collision is a 1 in 10^10 chance
    in a 100,000-example file)."""
    return hash(value)


def shingles(found: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The set of ``size``-word shingles of a text's words (the whole text when it is shorter)."""
    if len(found) <= size:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + size]) for i in range(len(found) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
