"""Wrong: two held-out examples were copied from the training file (one with its spacing changed),
so testing on them measures memory, not what the model learnt."""

import json


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    record = json.loads(train[5])
    record["messages"][1]["content"] = record["messages"][1]["content"].replace(" ", "  ")
    return train, [*heldout, train[2], json.dumps(record, ensure_ascii=False)]
