"""What learners read: every hint names its task, exercise 2 states its rules, one set-up recipe,
and learners are sent to ``ftlab validate``, ``help(...)`` and the docs, never into engine source."""

from __future__ import annotations

import ast
import importlib.util
import re

import pytest

from ftlab.classroom.runner import blank_board
from ftlab.dataset.records import codes
from tests.paths import ROOT

#: "Task 2", "Tasks 1-3", "Task 2.4", "Tasks 1.2-1.3" at the start of a hint
TASK_IN_HINT = re.compile(r"^Tasks? \d")
#: a path or a module of ftlab's engine (``ftlab.learner`` is the learner API, the one allowed)
ENGINE_SOURCE = re.compile(r"\bftlab/\w|\bftlab\.(?!learner\b)[a-z_]+")


def _learner_texts() -> dict[str, str]:
    """Every text written for learners, by name (README up to the instructors' part)."""
    texts = {
        p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in ROOT.glob("exercises/*.py")
    }
    for name in ("data/broken.md", "data/README.md", "docs/decide.md", "docs/notes.md"):
        texts[name] = (ROOT / name).read_text(encoding="utf-8")
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## For instructors", 1)[0]
    # The optional challenge's section is left to the challenge's own work (ftlab issue 15).
    texts["docs/lab.md"] = (
        (ROOT / "docs" / "lab.md").read_text(encoding="utf-8").split("\n## Optional challenge")[0]
    )
    return texts


def _setup_commands(text: str) -> list[str]:
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert block is not None
    return [line.split("#", 1)[0].strip() for line in block[1].splitlines() if line.strip()]


def _ex2_grader():
    path = ROOT / "graders" / "test_ex2_validate_record.py"
    spec = importlib.util.spec_from_file_location("ex2_grader_for_texts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_graders_check_names_its_task_in_the_marker_or_the_hint():
    board = blank_board(ROOT / "graders")
    assert board.checks
    unnumbered = [
        f"{c.exercise}::{c.name}" for c in board.checks if not c.task and not TASK_IN_HINT.match(c.hint)
    ]
    assert not unnumbered, f"checks whose hint has no task number: {unnumbered}"


def test_every_per_code_hint_of_exercise_2_names_its_task():
    hints = [param.values[1] for param in _ex2_grader().BROKEN]
    assert hints and all(TASK_IN_HINT.match(hint) for hint in hints), hints


BOT = {"role": "bot", "content": ""}
ANSWER = {"role": "assistant", "content": "ok"}


@pytest.mark.parametrize(
    ("record", "expected", "said"),
    [
        (
            {"messages": [BOT, ANSWER]},
            ["unrecognized_role"],
            '``{"role": "bot", "content": ""}`` is just ``unrecognized_role``',
        ),
        (
            {"messages": []},
            ["missing_messages_list"],
            "no message-level code and no ``example_missing_assistant_message``",
        ),
        (
            {"messages": [{"content": "", "weight": 3}, ANSWER]},
            ["message_missing_key"],
            "has no ``role``, or has a role",
        ),
    ],
    ids=["unrecognized-role-alone", "no-messages-no-assistant-code", "no-role-alone"],
)
def test_exercise_2_states_the_rules_its_hidden_checks_need_and_they_hold(record, expected, said):
    text = ast.get_docstring(ast.parse((ROOT / "exercises" / "ex2_validate_record.py").read_text("utf-8")))
    assert text is not None and said in " ".join(text.split())
    assert codes(record) == expected


def test_the_readme_and_the_lab_give_the_same_set_up_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Set up", 1)[1]
    lab = (ROOT / "docs" / "lab.md").read_text(encoding="utf-8").split("\n## Setup", 1)[1]
    assert _setup_commands(readme) == _setup_commands(lab)
    assert (
        'pip install -e ".[dev]"' in _setup_commands(lab) and _setup_commands(lab)[-1] == "pytest exercises/"
    )


def test_learner_texts_point_at_commands_and_docs_never_at_engine_source():
    found = {
        name: sorted(set(ENGINE_SOURCE.findall(text)))
        for name, text in _learner_texts().items()
        if ENGINE_SOURCE.search(text)
    }
    assert not found, f"learner texts naming engine source (use ftlab validate, help(...) or docs): {found}"
