"""A graded class for the report tests (alice graded, bob malformed, carol timed out) and the golden files.

Set FTLAB_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change (then review the diff).
"""

from __future__ import annotations

import os

from ftlab.classroom.runner import Graded, not_graded
from ftlab.grading.results import CheckResult, Scoreboard
from tests.paths import GOLDEN

SECRET = "expected ['data_type'], got []"


def alice() -> Graded:
    checks = [
        CheckResult(
            "test_example_is_a_dict", "ex1_build_example", 2.0, 2.0, "passed", task=1, hint="return a dict"
        ),
        CheckResult(
            "test_blank_text_is_refused[empty-user]",
            "ex1_build_example",
            0.0,
            2.0,
            "failed",
            task=1,
            hint="raise ValueError",
            feedback="raise ValueError\nDID NOT RAISE",
        ),
        CheckResult(
            "test_any_json_value_is_handled[null]",
            "ex2_validate_record",
            0.0,
            1.0,
            "failed",
            "hidden",
            hint="any JSON value is 'data_type'",
            feedback=f"any JSON value is 'data_type'\n{SECRET}",
        ),
        CheckResult(
            "test_codes_are_sorted",
            "ex2_validate_record",
            0.5,
            1.0,
            "failed",
            task=1,
            hint="sort the codes",
            feedback="sort the codes\n1 of 2 passed\n- twice: each code once",
        ),
        CheckResult("test_later", "ex2_validate_record", 0.0, 1.0, "skipped", feedback="not ready"),
    ]
    return Graded(
        "alice",
        "/class/alice",
        "graded",
        board=Scoreboard(checks),
        seconds=12.345,
        notes=["code cell 4 ('1 / 0') failed: ZeroDivisionError: division by zero (line 9)"],
    )


def the_class() -> list[Graded]:
    first = alice()
    bob = Graded(
        "bob",
        "/class/bob.ipynb",
        "malformed",
        message="bob.ipynb: not a notebook Jupyter can open (NotJSONError)",
        seconds=0.01,
    )
    bob.board = not_graded(first.board, bob.message)
    carol = Graded(
        "-carol",
        "/class/-carol",
        "error",
        message="grading took longer than 600 s and was stopped",
        seconds=600.0,
    )
    carol.board = not_graded(first.board, carol.message)
    return [first, bob, carol]


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("FTLAB_UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), (
        f"{name} changed; if on purpose, rerun with FTLAB_UPDATE_GOLDEN=1"
    )
