"""The harness inside the sandbox: it says a module loaded before calling into it, then answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ftlab.grading.cells import Cell, write_cells
from ftlab.grading.isolation.harness import Harness
from tests.paths import ROOT


def _harness(root: Path) -> tuple[Harness, list[dict]]:
    sent: list[dict] = []
    return Harness(root, timeout=5, send=sent.append), sent


def _request(ident: int, function: str, *args: object, exercise: str = "ex1_build_example") -> dict:
    return {"id": ident, "exercise": exercise, "function": function, "args": list(args), "kwargs": {}}


def test_loaded_is_announced_once_before_the_first_answer(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text("def build_example(a, b):\n    return [a, b]\n")
    harness, sent = _harness(tmp_path)
    harness.handle(_request(0, "build_example", "x", "y"))
    harness.handle(_request(1, "build_example", "z", "w"))
    assert sent == [
        {"id": 0, "event": "loaded", "notes": []},
        {"id": 0, "outcome": {"kind": "value", "value": ["x", "y"]}},
        {"id": 1, "outcome": {"kind": "value", "value": ["z", "w"]}},
    ]


def test_an_unloadable_file_is_answered_without_a_loaded_event(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text("def broken(:\n")
    harness, sent = _harness(tmp_path)
    harness.handle(_request(0, "build_example"))
    assert len(sent) == 1 and sent[0]["outcome"]["kind"] == "unloadable"
    assert "SyntaxError on line 1" in sent[0]["outcome"]["message"]


def test_private_names_are_never_called(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text("def _secret():\n    return 1\n")
    harness, sent = _harness(tmp_path)
    harness.handle(_request(0, "_secret"))
    assert sent[-1]["outcome"]["kind"] == "missing"


def test_a_notebook_file_reports_its_failed_cells_with_the_loaded_event(tmp_path):
    path = tmp_path / "notebook.py"
    write_cells(
        [Cell(2, "1 / 0"), Cell(3, "def build_example(a, b):\n    return a + b")], path, name="lab.ipynb"
    )
    harness, sent = _harness(path)
    harness.handle(_request(0, "build_example", "a", "b"))
    assert (
        sent[0]["event"] == "loaded"
        and "code cell 2 ('1 / 0') failed: ZeroDivisionError" in sent[0]["notes"][0]
    )
    assert sent[1]["outcome"]["value"] == "ab"


def test_every_exercise_reads_from_a_single_file_root(tmp_path):
    path = tmp_path / "all.py"
    path.write_text("def build_example(a, b):\n    return 1\ndef validate_record(r):\n    return []\n")
    harness, sent = _harness(path)
    harness.handle(_request(0, "validate_record", {}, exercise="ex2_validate_record"))
    assert sent[-1]["outcome"]["value"] == []


def test_a_limit_never_rises_above_the_hard_limit_already_set():
    code = (
        "import resource; from ftlab.grading.isolation.harness import _limit\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (100, 200))\n"
        "_limit(resource.RLIMIT_NOFILE, 5000)\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.strip() == "(200, 200)", done.stderr


def test_the_harness_speaks_only_on_its_own_descriptors(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text(
        "def build_example(a, b):\n    print('noise')\n    return a\n"
    )
    request_read, request_write = os.pipe()
    answer_read, answer_write = os.pipe()
    config = {
        "root": str(tmp_path),
        "timeout": 5,
        "in_fd": request_read,
        "out_fd": answer_write,
        "limits": {
            "cpu_seconds": 30,
            "memory_bytes": 2 << 30,
            "processes": 64,
            "file_bytes": 1 << 26,
            "open_files": 256,
        },
        "sandboxed": False,
        "parent": os.getpid(),
    }
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
         f"from ftlab.grading.isolation.harness import main; main({json.dumps(config)!r})"],
        pass_fds=(request_read, answer_write), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(request_read)
    os.close(answer_write)
    os.write(request_write, json.dumps(_request(0, "build_example", "x", "y")).encode() + b"\n")
    os.close(request_write)
    with os.fdopen(answer_read, "rb") as answers:
        messages = [json.loads(line) for line in answers]
    stdout, _ = process.communicate(timeout=30)
    assert [m.get("event") or m["outcome"]["value"] for m in messages] == ["ready", "loaded", "x"]
    assert stdout == b"noise\n"


def test_an_outcome_that_cannot_be_encoded_is_sent_as_a_refusal_not_a_crash(monkeypatch):
    from ftlab.grading.isolation import harness

    unprintable = {"id": "t", "outcome": {"kind": "value", "value": 10**5000}}
    assert json.loads(harness._encoded(unprintable)) == {
        "id": "t",
        "outcome": {
            "kind": "not_plain",
            "message": "a value that could not be sent (ValueError); return less data",
        },
    }
    monkeypatch.setattr(harness, "MAX_MESSAGE", 100)
    large = json.loads(harness._encoded({"id": "t", "outcome": {"kind": "value", "value": "x" * 200}}))
    assert large["outcome"]["kind"] == "not_plain" and "too large to send" in large["outcome"]["message"]


def test_notebook_errors_name_the_notebook_its_cell_and_the_line_in_that_cell(tmp_path):
    path = tmp_path / "notebook.py"
    cells = [
        Cell(1, "x = 1\ny = 2"),
        Cell(5, "z = 3\nprint(undefined)"),
        Cell(7, "def build_example(a, b):\n    return a / 0"),
    ]
    write_cells(cells, path, name="lab.ipynb")
    harness, sent = _harness(path)
    harness.handle(_request(0, "build_example", 1, 2))
    assert sent[0]["notes"] == [
        "code cell 5 ('z = 3') failed: NameError: name 'undefined' is not defined (line 2)"
    ]
    assert 'File "lab.ipynb", cell 7, line 2, in build_example' in sent[1]["outcome"]["traceback"]


def test_a_notebooks_helper_modules_are_importable(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", sys.path[:])
    (tmp_path / "helpers.py").write_text("def join(a, b):\n    return a + b\n")
    (tmp_path / "_private.py").write_text("SEP = '-'\n")
    path = tmp_path / "notebook.py"
    code = "from helpers import join\nfrom _private import SEP\n"
    code += "def build_example(a, b):\n    return join(a, SEP + b)"
    write_cells([Cell(1, code)], path, name="lab.ipynb")
    harness, sent = _harness(path)
    harness.open_imports()
    harness.handle(_request(0, "build_example", "a", "b"))
    assert sent[0]["notes"] == [] and sent[1]["outcome"]["value"] == "a-b"


def test_a_batch_is_answered_call_by_call_each_answer_naming_its_call(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text("def build_example(a, b):\n    return [a, b]\n")
    harness, sent = _harness(tmp_path)
    calls = [{"args": ["x", "y"], "kwargs": {}}, {"args": ["z", "w"], "kwargs": {}}]
    harness.handle({"id": 0, "exercise": "ex1_build_example", "function": "build_example", "calls": calls})
    assert sent == [
        {"id": 0, "event": "loaded", "notes": []},
        {"id": 0, "index": 0, "outcome": {"kind": "value", "value": ["x", "y"]}},
        {"id": 0, "index": 1, "outcome": {"kind": "value", "value": ["z", "w"]}},
    ]


def test_a_batch_stops_at_its_first_call_that_timed_out(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text(
        "def build_example(a, b):\n    while a == 'loop':\n        pass\n    return a\n"
    )
    harness, sent = _harness(tmp_path)
    calls = [{"args": [a, "b"], "kwargs": {}} for a in ("x", "loop", "y")]
    request = {"id": 0, "exercise": "ex1_build_example", "function": "build_example", "calls": calls}
    harness.handle({**request, "timeout": 0.2})
    assert [(m["index"], m["outcome"]["kind"]) for m in sent[1:]] == [(0, "value"), (1, "timeout")]


def test_an_unloadable_file_answers_a_batch_once(tmp_path):
    (tmp_path / "ex1_build_example.py").write_text("def broken(:\n")
    harness, sent = _harness(tmp_path)
    calls = [{"args": [], "kwargs": {}}] * 3
    harness.handle({"id": 0, "exercise": "ex1_build_example", "function": "build_example", "calls": calls})
    assert [(m["index"], m["outcome"]["kind"]) for m in sent] == [(0, "unloadable")]


WARM_UP_PROBE = """
import subprocess, threading
started = []
start = threading.Thread.start
threading.Thread.start = lambda self: (started.append(self.name), start(self))[1]
from ftlab.grading import warmup
from ftlab.grading.isolation import harness
harness.warm_up()
def refuse(*args, **kwargs):
    raise AssertionError("a program was run")
subprocess.Popen = refuse
import platform
print(warmup.BACKGROUND_THREAD in started, threading.active_count(), warmup._warmed == set(warmup.known()))
print(bool(platform.platform()))
"""


def test_warming_up_builds_the_encodings_beside_openai_leaves_one_thread_and_caches_the_platform():
    done = subprocess.run(
        [sys.executable, "-c", WARM_UP_PROBE], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]  # platform.platform() ran no program (uname -p)
    assert done.stdout.split() == ["True", "1", "True", "True"]  # a thread, joined, everything warm
