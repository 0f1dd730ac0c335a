"""Wrong: writes straight into the target file, so a failure halfway leaves half a file."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reference import reference  # noqa: E402

build_example = reference("ex1_build_example")["build_example"]


def write_jsonl(examples, path):
    count = 0
    with open(path, "w", encoding="utf-8") as stream:
        for example in examples:
            stream.write(json.dumps(example, ensure_ascii=False) + "\n")
            count += 1
    return count
