"""Wrong: the last eight examples were written on another day, with a reworded system prompt."""

import json

OTHER = "You are a helpful assistant for Acme Cloud. Triage the email."


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    lines = list(train)
    for index in range(len(lines) - 8, len(lines)):
        record = json.loads(lines[index])
        record["messages"][0]["content"] = OTHER
        lines[index] = json.dumps(record, ensure_ascii=False)
    return lines, heldout
