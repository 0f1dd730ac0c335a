"""Wrong: puts the system message after the conversation instead of first."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

_ref = reference("ex1_build_example")
write_jsonl = _ref["write_jsonl"]


def build_example(user, assistant, system=None):
    messages = _ref["build_example"](user, assistant)["messages"]
    if system is not None:
        messages.append({"role": "system", "content": system})
    return {"messages": messages}
