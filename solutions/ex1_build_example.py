"""Exercise 1, reference solution: build a training example, then write a training file."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{what} must not be empty")
    return value


def build_example(user: str, assistant: str, system: str | None = None) -> dict:
    """Return ``{"messages": [...]}``: optional system, then user, then assistant."""
    messages = []
    if system is not None:
        messages.append({"role": "system", "content": _text(system, "system")})
    messages.append({"role": "user", "content": _text(user, "user")})
    messages.append({"role": "assistant", "content": _text(assistant, "assistant")})
    return {"messages": messages}


def write_jsonl(examples: Iterable[dict], path: str | os.PathLike[str]) -> int:
    """Write ``examples`` to ``path`` as UTF-8 JSONL, atomically; return how many."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ftlab-", suffix=".jsonl.tmp")
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            for example in examples:
                stream.write(json.dumps(example, ensure_ascii=False) + "\n")
                count += 1
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return count
