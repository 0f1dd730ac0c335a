"""Partly right: build_example is correct, write_jsonl writes in place (not atomically) with ASCII escapes."""

from __future__ import annotations

import json


def build_example(user, assistant, system=None):
    for text in (user, assistant) + ((system,) if system is not None else ()):
        if not isinstance(text, str) or not text.strip():
            raise ValueError("every text must be a non-empty string")
    messages = [{"role": "system", "content": system}] if system is not None else []
    return {"messages": messages + [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}


def write_jsonl(examples, path):
    count = 0
    with open(path, "w", encoding="utf-8") as stream:
        for example in examples:
            stream.write(json.dumps(example) + "\n")
            count += 1
    return count
