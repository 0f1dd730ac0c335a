"""Chat records for the quality tests, built by keyword."""

from __future__ import annotations

from typing import Any

SYSTEM = "You triage Acme Cloud support emails. Reply with exactly three lines: Category, Priority, Summary."


def chat(user: str, answer: str = "Category: bug", *, system: str | None = SYSTEM) -> dict[str, Any]:
    """A single-turn chat record."""
    messages: list[dict[str, Any]] = [] if system is None else [{"role": "system", "content": system}]
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": messages}


def triage(category: str, priority: str = "P3", summary: str = "Customer asks a question.") -> str:
    """An answer in the three-line triage pattern."""
    return f"Category: {category}\nPriority: {priority}\nSummary: {summary}"


def email(n: int) -> str:
    """A distinct customer e-mail (no two share three words in a row)."""
    words = [f"w{n}x{i}" for i in range(12)]
    return " ".join(words)
