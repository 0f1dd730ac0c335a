"""Exercise 1: build a training example, then write a training file.

A fine-tuning dataset is a JSONL file: one JSON object per line, each one a short
conversation that shows the model exactly how you want it to answer. In the chat format,
an example looks like this (one line in the file, spread out here to read):

    {"messages": [
        {"role": "system", "content": "You triage Acme Cloud support emails."},
        {"role": "user", "content": "I was charged twice this month!"},
        {"role": "assistant", "content": "Category: billing\\nPriority: P2\\nSummary: ..."}
    ]}

Task 1. ``build_example(user, assistant, system=None)``
    Return one training example: a dict with a single key, ``"messages"``, holding the
    system message (only when ``system`` is given), then the user message, then the
    assistant message. Each message is ``{"role": ..., "content": ...}``, and the content is
    kept exactly as given (don't strip or change it: the model learns these exact words).
    Raise ``ValueError`` with a clear message when a text is not a string, or is empty or
    only whitespace (an empty answer teaches the model to say nothing).

Task 2. ``write_jsonl(examples, path)``
    Write the examples to ``path`` as JSONL and return how many you wrote:
    - UTF-8, one example per line, every line ending in ``"\\n"``, no blank lines;
    - keep non-ASCII text readable (``json.dumps(..., ensure_ascii=False)``: "é", not "\\u00e9");
    - write atomically: if anything goes wrong halfway (an example that can't be turned
      into JSON, a full disk), the file at ``path`` must be left as it was before, never
      half-written. Write to a temporary file in the same folder, then ``os.replace`` it
      over ``path``.

Check your work with ``pytest exercises/ex1_build_example.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def build_example(user: str, assistant: str, system: str | None = None) -> dict:
    """Return ``{"messages": [...]}``: optional system, then user, then assistant (Task 1)."""
    raise NotImplementedError("Task 1: build the example's 'messages' list and return it in a dict")


def write_jsonl(examples: Iterable[dict], path: str | os.PathLike[str]) -> int:
    """Write ``examples`` to ``path`` as UTF-8 JSONL, atomically; return how many (Task 2)."""
    raise NotImplementedError(
        "Task 2: write one JSON object per line to a temporary file, then os.replace it"
    )
