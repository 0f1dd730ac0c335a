"""Wrong: strips the texts, so the model would not learn the exact words given."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex1_build_example")
write_jsonl = _ref["write_jsonl"]


def build_example(user, assistant, system=None):
    clean = [t.strip() if isinstance(t, str) else t for t in (user, assistant, system)]
    return _ref["build_example"](*clean)
