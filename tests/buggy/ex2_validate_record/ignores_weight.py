"""Wrong: the reference solution, but it never checks an assistant's weight."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_validate = reference("ex2_validate_record")["validate_record"]


def validate_record(record):
    return [code for code in _validate(record) if code != "invalid_weight"]
