"""Wrong: 12 examples. The API would take them (10 is its minimum), but the exercise asks for 20."""


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    return train[:12], heldout
