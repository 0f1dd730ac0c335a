"""Wrong: one line lost its closing brace when it was edited by hand, so it is not JSON."""


def wrong(train: list[str], heldout: list[str]) -> tuple[list[str], list[str]]:
    lines = list(train)
    lines[11] = lines[11].rstrip().removesuffix("}")
    return lines, heldout
