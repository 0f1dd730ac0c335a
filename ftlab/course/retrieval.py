"""Retrieval for the challenge's RAG leg: a small TF-IDF index over a folder of Markdown pages."""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ftlab.course.responder import tokens
from ftlab.errors import FtlabError


@dataclass(frozen=True)
class Page:
    """One document of the set: its file name and text."""

    name: str
    text: str


class NoPages(FtlabError, ValueError):
    """A document folder that is missing or holds no pages."""

    def __init__(self, folder: str, reason: str) -> None:
        super().__init__(folder, reason)
        self.folder, self.reason = folder, reason

    def __str__(self) -> str:
        return f"{self.folder}: {self.reason}"


def read_pages(folder: str | os.PathLike[str]) -> list[Page]:
    """Every ``*.md`` file of a folder except its README, sorted by name."""
    path = Path(folder)
    if not path.is_dir():
        raise NoPages(str(folder), "no such folder of documents")
    pages = [
        Page(p.name, p.read_text(encoding="utf-8"))
        for p in sorted(path.glob("*.md"))
        if p.name.lower() != "readme.md"
    ]
    if not pages:
        raise NoPages(str(folder), "no .md pages to retrieve from")
    return pages


class Index:
    """Pages weighted by TF-IDF; :meth:`search` ranks them by cosine similarity to a query."""

    def __init__(self, pages: list[Page]) -> None:
        self.pages = pages
        counts = [Counter(tokens(p.text)) for p in pages]
        df = Counter(word for count in counts for word in count)
        self._idf = {word: math.log((1 + len(pages)) / (1 + n)) + 1 for word, n in df.items()}
        self._vectors = [self._vector(count) for count in counts]

    def _vector(self, count: Counter[str]) -> dict[str, float]:
        vector = {w: n * self._idf.get(w, 0.0) for w, n in count.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    def search(self, query: str, k: int = 2) -> list[Page]:
        """The ``k`` pages most similar to ``query``, best first (ties: file order)."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        q = self._vector(Counter(tokens(query)))
        scores = [sum(q.get(w, 0.0) * v for w, v in vector.items()) for vector in self._vectors]
        order = sorted(range(len(self.pages)), key=lambda i: (-scores[i], i))
        return [self.pages[i] for i in order[:k]]
