"""Wrong: finds the right codes but returns them unsorted, with a repeat (a list appended per message)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_validate = reference("ex2_validate_record")["validate_record"]


def validate_record(record):
    codes = _validate(record)
    return codes[::-1] + codes[-1:] if len(codes) > 1 else codes
