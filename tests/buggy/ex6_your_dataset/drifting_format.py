"""Wrong: four of 24 answers drift from the format (3 of 24 would still be within 90%): a capitalised
category with full stops, a past-tense summary with no Priority line, one answer in prose."""

import json

DRIFT = {
    2: "Category: Billing.\nPriority: P2.\nSummary: Customer was charged twice this month.",
    9: "Category: BUG\nPriority: P3\nSummary: The activity log showed the wrong year.",
    14: "Category: feature_request\nSummary: Wanted a dark mode in the console.",
    20: "This looks like a leaked token, so it is a security issue and urgent (P1).",
}


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    lines = list(train)
    for index, answer in DRIFT.items():
        record = json.loads(lines[index])
        record["messages"][-1]["content"] = answer
        lines[index] = json.dumps(record, ensure_ascii=False)
    return lines, heldout
