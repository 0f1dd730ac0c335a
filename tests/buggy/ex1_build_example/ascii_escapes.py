"""Wrong: json.dumps's default ensure_ascii=True escapes every non-ASCII character."""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

build_example = reference("ex1_build_example")["build_example"]


def write_jsonl(examples, path):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)))
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        lines = [json.dumps(example) for example in examples]
        stream.write("\n".join(lines) + ("\n" if lines else ""))
    os.replace(tmp, path)
    return len(lines)
