"""Wrong: two examples pasted in twice, one of them with its letters' case and spacing changed."""

import json


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    record = json.loads(train[7])
    record["messages"][1]["content"] = "  " + record["messages"][1]["content"].upper() + "  "
    return [*train, train[3], json.dumps(record, ensure_ascii=False)], heldout
