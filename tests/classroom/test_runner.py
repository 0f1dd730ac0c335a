"""A prepared class, graded in parallel with learner code isolated: the exact score of every submission.

The class is built at test time from ``tests/class/`` (the adversarial ones), ``solutions/``
(the reference, a notebook and a single-file module made of it) and ``exercises/`` (the stubs).
Each ``tests/class/attacks/NAME.py`` is appended to all five stubs: a submission NAME whose every
exercise carries that attack, and which must score 0 on every exercise.
Submissions that try network access aim only at a listener on 127.0.0.1 that this test starts.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from ftlab.classroom.batch import Settings, grade_all
from ftlab.classroom.exports import write_reports
from ftlab.classroom.runner import Graded
from ftlab.classroom.submission import find_submissions
from ftlab.grading.cells import SELF_CHECK_TAG
from ftlab.grading.exercises import find
from ftlab.grading.isolation.hangs import short_limit
from ftlab.grading.isolation.sandbox import find_sandbox
from tests.paths import ROOT

CLASS = ROOT / "tests" / "class"
ATTACKS = CLASS / "attacks"
#: The call limit for the class: ``ftlab grade``'s default, long enough that huge_string's child
#: builds its 600 MB and is refused for its size ("larger than") before the limit, even beside the
#: rest of the suite on 2 busy cores (1.5 s, then 4 s, each timed out there once). The endless
#: loops still cost little: after two hangs a function is not called again (isolation/hangs.py).
TIMEOUT = 10.0
#: endless_loop is graded in a batch of its own with the limit its other calls get at TIMEOUT anyway
#: (its two hangs spend the hang budget, then every call runs with the short limit): each hang spins
#: a CPU for its limit and the harness's grace: up to 24 s of CPU at TIMEOUT, 8 s at this one. Its grades
#: and feedback are the same but for the limit named in its two "timed out after" messages.
LOOPING = {"endless_loop"}
LOOP_TIMEOUT = short_limit(TIMEOUT)
SANDBOX = find_sandbox()
needs_sandbox = pytest.mark.skipif(
    not SANDBOX.isolated, reason=f"no sandbox on this machine: {SANDBOX.reason}"
)

# Points on exercises 1 and 2 (29 and 41 at most); every other exercise scores 0, except for the reference.
EXPECTED = {
    "reference": (29, 41),
    "stub": (0, 0),
    "partly": (24, 41),  # write_jsonl escapes non-ASCII (-2) and is not atomic (-3)
    "notebook": (29, 41),
    "all_in_one": (29, 41),
    "early_exit_import": (0, 41),  # exercise 1 cannot load; exercise 2 is the reference
    "exit_in_call": (10, 41),  # build_example ends the process; write_jsonl (10) still scores
    "always_equal": (0, 41),
    "endless_loop": (10, 41),
    "fake_results": (3, 41),  # what its wrong answers earn: 2 + 1
    "network": (0, 41),
    "read_solutions": (0, 41),
    "broken_notebook": (0, 0),
    "empty": (0, 0),
    # tests/class/attacks/: the stubs with an attack in every exercise; 0 everywhere
    "engine_import": (0, 0),  # imports ftlab's engine beyond ftlab.learner
    "engine_lookup": (0, 0),  # the engine through sys.modules and importlib.import_module
    "engine_source": (0, 0),  # exec's ftlab/dataset/records.py read from disk
    "channel_forgery": (0, 0),  # forged answers on every file descriptor
    "deep_nesting": (0, 0),  # returns a list nested 200,000 deep
    "huge_string": (0, 0),  # returns a 600 MB string
    "kill_parent": (0, 0),  # SIGKILLs its parent process
}

#: What the feedback of every exercise of an attack says (the trick, reported as what it is). In
#: bubblewrap the harness's parent is the sandbox's pid 1, which a kill from inside cannot touch:
#: kill_parent's calls just return None there, so only its score is checked.
TRICKS: dict[str, str | None] = {
    "engine_import": "may not use ftlab's engine",
    "engine_lookup": "may not use ftlab's engine",
    "engine_source": "may not use ftlab's engine",
    "channel_forgery": "wrote on the grader's private channel",
    "deep_nesting": "nested more than",
    "huge_string": "larger than",
    "kill_parent": None,
}


def _points(graded: Graded) -> tuple[float, float, float]:
    """Points on exercise 1, exercise 2, and all the others."""
    by_slug = {g.slug: g.points for g in graded.board.exercises()}
    rest = sum(v for k, v in by_slug.items() if k not in ("ex1_build_example", "ex2_validate_record"))
    return by_slug.get("ex1_build_example", 0), by_slug.get("ex2_validate_record", 0), rest


class Listener:
    """A TCP server on 127.0.0.1 that answers "ok" and counts who connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.sendall(b"ok\n")


def _notebook(path: Path) -> None:
    ex1 = (ROOT / "solutions" / "ex1_build_example.py").read_text(encoding="utf-8")
    ex2 = (ROOT / "solutions" / "ex2_validate_record.py").read_text(encoding="utf-8")
    self_check = nbformat.v4.new_code_cell("raise SystemExit('a self-check cell must not run while grading')")
    self_check.metadata["tags"] = [SELF_CHECK_TAG]
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Lab"),
            nbformat.v4.new_code_cell("!pip install ftlab\n%load_ext autoreload\nimport json"),
            nbformat.v4.new_code_cell(ex1),
            nbformat.v4.new_code_cell('print(build_example("a question", "   "))'),
            self_check,
            nbformat.v4.new_code_cell("%%time\nraise RuntimeError('a cell magic cell is left out')"),
            nbformat.v4.new_code_cell(ex2),
        ]
    )
    nbformat.write(notebook, str(path))


def build_class(folder: Path, *, port: int, out: Path) -> None:
    """Lay out the class: adversarial folders with the reference exercise 2, submissions made from the kit."""
    for source in sorted(p for p in CLASS.iterdir() if p.is_dir() and p != ATTACKS):
        target = folder / source.name
        shutil.copytree(source, target)
        for file in target.glob("*.py"):
            text = file.read_text(encoding="utf-8")
            text = (
                text.replace("{{PORT}}", str(port))
                .replace("{{OUT}}", str(out))
                .replace("{{SOLUTIONS}}", str(ROOT / "solutions"))
            )
            file.write_text(text, encoding="utf-8")
        if not (target / "ex2_validate_record.py").exists():
            shutil.copy(ROOT / "solutions" / "ex2_validate_record.py", target)
    build_attacks(folder)
    shutil.copytree(ROOT / "solutions", folder / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "exercises", folder / "stub", ignore=shutil.ignore_patterns("__pycache__"))
    _notebook(folder / "notebook.ipynb")
    ex1 = (ROOT / "solutions" / "ex1_build_example.py").read_text(encoding="utf-8")
    ex2 = (
        (ROOT / "solutions" / "ex2_validate_record.py")
        .read_text(encoding="utf-8")
        .replace("from __future__ import annotations", "")
    )
    (folder / "all_in_one.py").write_text(ex1 + "\n\n" + ex2, encoding="utf-8")
    (folder / "broken_notebook.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "empty").mkdir()
    (folder / "empty" / "notes.txt").write_text("I did not finish, sorry\n", encoding="utf-8")


def build_attacks(folder: Path) -> None:
    """One submission per attack: every stub in exercises/ with the attack appended."""
    for attack in sorted(ATTACKS.glob("*.py")):
        target = folder / attack.stem
        target.mkdir()
        for stub in sorted((ROOT / "exercises").glob("ex*_*.py")):
            text = stub.read_text(encoding="utf-8") + "\n\n" + attack.read_text(encoding="utf-8")
            (target / stub.name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Graded], Path, Listener, bool]:
    listener = Listener()
    folder, out = tmp_path_factory.mktemp("class"), tmp_path_factory.mktemp("out")
    build_class(folder, port=listener.port, out=out)
    submissions = find_submissions([str(folder)])
    settings = Settings(graders=ROOT / "graders", timeout=TIMEOUT, sandbox=SANDBOX, jobs=2, budget=300)
    results = grade_all([s for s in submissions if s.name not in LOOPING], settings)
    looping = [s for s in submissions if s.name in LOOPING]
    results += grade_all(looping, replace(settings, timeout=LOOP_TIMEOUT))
    order = [s.name for s in submissions]
    results.sort(key=lambda r: order.index(r.name))
    fake_file_written = (out / "results.json").exists()
    write_reports(results, out)
    listener.server.close()
    return {r.name: r for r in results}, out, listener, fake_file_written


def test_every_submission_gets_exactly_its_expected_score(graded):
    results, _, _, _ = graded
    if not SANDBOX.isolated:  # without a sandbox these two do reach the network and the solutions
        results = {k: v for k, v in results.items() if k not in ("network", "read_solutions")}
    full = results["reference"].board.max_points
    expected = {name: (*EXPECTED[name], full - 70 if name == "reference" else 0) for name in results}
    assert {name: _points(g) for name, g in results.items()} == expected
    assert {g.board.max_points for g in results.values()} == {full}
    assert results["reference"].board.points == full


def test_only_unreadable_submissions_are_not_graded(graded):
    results, _, _, _ = graded
    assert {name for name, g in results.items() if g.status != "graded"} == {"broken_notebook", "empty"}
    assert results["broken_notebook"].status == "malformed"
    assert "not a notebook Jupyter can open" in results["broken_notebook"].message
    assert "found no exercise files" in results["empty"].message


def _feedback(graded: Graded, name: str) -> str:
    return next(c.feedback for c in graded.board.checks if c.name == name)


def test_each_trick_is_reported_as_what_it_is(graded):
    results, _, _, _ = graded
    first = "test_example_is_a_dict_with_a_messages_list"
    assert "SystemExit" in _feedback(results["early_exit_import"], first)
    assert "ended the Python process running your code (exit status 0)" in _feedback(
        results["exit_in_call"], first
    )
    assert f"timed out after {LOOP_TIMEOUT:g} s" in _feedback(results["endless_loop"], first)
    assert "AlwaysEqual object; return plain data only" in _feedback(results["always_equal"], first)
    assert "not implemented yet" in _feedback(results["stub"], first)


def test_a_notebook_keeps_going_past_a_failing_cell_and_says_which(graded):
    results, _, _, _ = graded
    notes = results["notebook"].notes
    assert len(notes) == 1
    assert (
        notes[0].startswith("code cell 4 ('print(build_example")
        and "failed: ValueError: assistant must not be empty" in notes[0]
    )


def test_fake_results_printed_or_written_change_nothing(graded):
    results, out, _, fake_file_written = graded
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    scores = {s["name"]: s["results"]["score"] for s in report["submissions"]}
    assert scores["fake_results"] == sum(EXPECTED["fake_results"])
    assert json.loads((out / "fake_results" / "results.json").read_text(encoding="utf-8"))["score"] == sum(
        EXPECTED["fake_results"]
    )
    if SANDBOX.isolated:
        assert not fake_file_written, "the sandboxed submission wrote into the report folder"


@needs_sandbox
def test_sandboxed_code_cannot_reach_a_listener_on_this_machine(graded):
    results, _, listener, _ = graded
    assert listener.connections == 0
    assert _points(results["network"]) == (*EXPECTED["network"], 0)


@needs_sandbox
def test_sandboxed_code_cannot_read_the_solutions(graded):
    results, _, _, _ = graded
    assert _points(results["read_solutions"]) == (*EXPECTED["read_solutions"], 0)
    assert "not implemented yet" in _feedback(
        results["read_solutions"], "test_example_is_a_dict_with_a_messages_list"
    )


def test_a_submission_that_cannot_be_graded_still_lists_every_check_at_zero(graded):
    results, _, _, _ = graded
    empty, reference = results["empty"], results["reference"]
    assert [c.name for c in empty.board.checks] == [c.name for c in reference.board.checks]
    assert all(c.points == 0 and c.feedback.startswith("not graded: ") for c in empty.board.checks)


@pytest.mark.parametrize("attack", sorted(TRICKS))
def test_an_attack_in_every_exercise_scores_zero_everywhere_and_is_reported_as_what_it_is(graded, attack):
    results, _, _, _ = graded
    graded_attack = results[attack]
    assert graded_attack.status == "graded", graded_attack.message
    exercises = graded_attack.board.exercises()
    assert {e.slug for e in exercises} == {p.stem for p in (ROOT / "exercises").glob("ex*_*.py")}
    assert {e.slug: e.points for e in exercises if e.points} == {}
    trick = TRICKS[attack]
    if trick is None:
        return
    coded = [e for e in exercises if find(e.slug).functions]  # ex6 grades files: no code to attack
    unexplained = {e.slug: e.checks[0].feedback for e in coded if trick not in e.checks[0].feedback}
    assert unexplained == {}, f"the first check of these exercises does not say {trick!r}"
