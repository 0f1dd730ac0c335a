"""Wrong: builds the example from whatever it is given, empty or not a string."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

write_jsonl = reference("ex1_build_example")["write_jsonl"]


def build_example(user, assistant, system=None):
    messages = [{"role": "system", "content": system}] if system is not None else []
    return {"messages": messages + [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}
