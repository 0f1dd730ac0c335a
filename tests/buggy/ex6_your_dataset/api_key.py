"""Wrong: a customer's email, pasted in whole, carries what looks like a real OpenAI API key."""

import json

# Not a key: random letters in the shape of one (sk-proj- and 48 more), as a leak would look.
KEY = "sk-proj-" + "Q7vR2kLm9XwT4bNc8JdF1sHy6GpZ3aUe5VtK0oWi7MqBxE2r"


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    lines = list(train)
    record = json.loads(lines[20])
    record["messages"][1]["content"] += f"\n\nThe token was {KEY}, it is in commit 4f2a9c1."
    lines[20] = json.dumps(record, ensure_ascii=False)
    return lines, heldout
