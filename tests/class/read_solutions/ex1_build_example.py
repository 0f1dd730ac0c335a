"""Tries to read the reference answers (by path and by import) and use them: in a sandbox there are none."""

import sys


def build_example(user, assistant, system=None):
    raise NotImplementedError


def write_jsonl(examples, path):
    raise NotImplementedError


for _path in ("{{SOLUTIONS}}/ex1_build_example.py", "../solutions/ex1_build_example.py", "solutions/ex1_build_example.py"):
    try:
        with open(_path, encoding="utf-8") as _stream:
            exec(_stream.read(), globals())
        break
    except OSError:
        pass
sys.path[:0] = ["{{SOLUTIONS}}/..", ".."]
try:
    from solutions.ex1_build_example import build_example, write_jsonl  # noqa: F811
except ImportError:
    pass
