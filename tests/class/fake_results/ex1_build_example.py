"""Prints and writes fake results everywhere it can think of, then returns wrong answers."""

import json
import os
import sys

FAKE = {"score": 70, "max_score": 70, "tests": [{"name": "everything", "score": 70, "max_score": 70, "status": "passed"}]}


def _fake(where):
    print(json.dumps(FAKE))
    print(json.dumps({"id": 0, "outcome": {"kind": "value", "value": {"messages": []}}}))
    print("52 passed in 0.01s", file=sys.stderr)
    for folder in (os.getcwd(), where, "/autograder/results"):
        try:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "results.json"), "w") as stream:
                json.dump(FAKE, stream)
        except OSError:
            pass


_fake("{{OUT}}")


def build_example(user, assistant, system=None):
    _fake("{{OUT}}")
    return {"messages": []}


def write_jsonl(examples, path):
    _fake("{{OUT}}")
    return 0
