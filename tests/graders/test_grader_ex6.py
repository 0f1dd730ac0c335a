"""Exercise 6's grader is tested: full marks for the reference dataset, 0 and one hint for a missing
one, the named points lost by each wrong dataset in tests/buggy/ex6_your_dataset/, and nothing read
that is not a regular file of the learner's within the engine's size limit."""

from __future__ import annotations

import json
import os
import runpy
from pathlib import Path

import pytest

from ftlab.dataset import limits
from tests.paths import BUGGY, ROOT

GRADER = ROOT / "graders" / "test_ex6_your_dataset.py"
BUGGY = BUGGY / "ex6_your_dataset"
SOLUTIONS = ROOT / "solutions"
DATASET, HELDOUT = "my_dataset.jsonl", "my_dataset_heldout.jsonl"
FIRST = "test_the_dataset_file_is_there"


def grade(pytester: pytest.Pytester, impl: Path) -> list[dict]:
    """Every graded check of one run of the grader on the implementation root ``impl``."""
    out = pytester.path / "results.json"
    pytester.runpytest_subprocess(
        str(GRADER), "--impl", str(impl), "--ftlab-json", str(out), "-p", "no:cacheprovider", "-q"
    )
    return json.loads(out.read_text(encoding="utf-8"))["tests"]


def lost(tests: list[dict]) -> set[str]:
    return {t["name"] for t in tests if t["points"] < t["max_points"]}


def score(tests: list[dict]) -> float:
    return sum(t["points"] for t in tests)


def submission(folder: Path, train: list[str] | None, heldout: list[str] | None = None) -> Path:
    """A folder holding an exercise 6 submission: the two files (None: leave that one out)."""
    folder.mkdir()
    (folder / "ex6_your_dataset.py").write_text('DATASET = "my_dataset.jsonl"\n', encoding="utf-8")
    for name, lines in ((DATASET, train), (HELDOUT, heldout)):
        if lines is not None:
            (folder / name).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return folder


def reference_lines(name: str) -> list[str]:
    return (SOLUTIONS / name).read_text(encoding="utf-8").splitlines()


def test_the_reference_dataset_scores_full_marks(pytester):
    tests = grade(pytester, SOLUTIONS)
    assert len(tests) >= 7
    assert [t for t in tests if t["status"] != "passed" or t["points"] != t["max_points"]] == []


def test_the_reference_file_itself_grades_its_folder(pytester):
    tests = grade(pytester, SOLUTIONS / "ex6_your_dataset.py")
    assert lost(tests) == set()


def test_a_missing_dataset_scores_zero_with_one_hint_saying_how_to_start(pytester):
    tests = grade(pytester, submission(pytester.path / "stub", None))
    assert score(tests) == 0
    failed = [t for t in tests if t["status"] == "failed"]
    assert [t["name"] for t in failed] == [FIRST]
    assert "data/support_tickets.jsonl" in failed[0]["hint"] and "my_dataset.jsonl" in failed[0]["feedback"]
    assert {t["status"] for t in tests if t["name"] != FIRST} == {"skipped"}
    assert all(FIRST in t["feedback"] for t in tests if t["name"] != FIRST)


def test_the_exercise_stub_folder_holds_no_dataset():
    assert not list((ROOT / "exercises").glob("my_dataset*.jsonl"))


def test_the_grader_reads_the_files_the_exercise_names():
    names = runpy.run_path(str(ROOT / "exercises" / "ex6_your_dataset.py"))
    grader = runpy.run_path(str(GRADER))
    reference = runpy.run_path(str(SOLUTIONS / "ex6_your_dataset.py"))
    assert (
        (names["DATASET"], names["HELDOUT"]) == (grader["DATASET"], grader["HELDOUT"]) == (DATASET, HELDOUT)
    )
    assert (reference["DATASET"], reference["HELDOUT"]) == (DATASET, HELDOUT)


def test_a_missing_heldout_file_loses_only_the_heldout_points(pytester):
    tests = grade(pytester, submission(pytester.path / "sub", reference_lines(DATASET)))
    assert lost(tests) == {
        "test_the_heldout_file_is_there",
        "test_no_heldout_example_is_in_the_training_file",
    }


def test_one_answer_in_another_style_of_24_is_within_the_90_percent(pytester):
    train = reference_lines(DATASET)
    record = json.loads(train[4])
    record["messages"][-1]["content"] = (
        "Category: Outage.\nPriority: P1.\nSummary: Frankfurt apps lost their database."
    )
    train[4] = json.dumps(record, ensure_ascii=False)
    tests = grade(pytester, submission(pytester.path / "sub", train, reference_lines(HELDOUT)))
    assert lost(tests) == set()


# What the grader refuses to read ----------------------------------------------------------------


def refused(tests: list[dict], reason: str) -> None:
    assert score(tests) == 0
    first = next(t for t in tests if t["name"] == FIRST)
    assert first["status"] == "failed" and reason in first["feedback"], first


def test_a_symlink_to_the_answer_key_is_refused_unread(pytester):
    folder = submission(pytester.path / "sub", None, reference_lines(HELDOUT))
    (folder / DATASET).symlink_to(SOLUTIONS / DATASET)
    refused(grade(pytester, folder), "symbolic link")


def test_a_symlink_to_dev_zero_is_refused(pytester):
    folder = submission(pytester.path / "sub", None)
    (folder / DATASET).symlink_to("/dev/zero")
    refused(grade(pytester, folder), "symbolic link")


def test_a_folder_in_the_datasets_place_is_refused(pytester):
    folder = submission(pytester.path / "sub", None)
    (folder / DATASET).mkdir()
    refused(grade(pytester, folder), "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(pytester):
    folder = submission(pytester.path / "sub", None)
    os.mkfifo(folder / DATASET)
    refused(grade(pytester, folder), "not a regular file")


def test_a_file_over_the_engines_size_limit_is_refused_from_its_size(pytester):
    folder = submission(pytester.path / "sub", None)
    with open(folder / DATASET, "wb") as sparse:  # a hole: no disk used, nothing worth reading
        sparse.truncate(limits.MAX_FILE_BYTES + 1)
    refused(grade(pytester, folder), f"{limits.MAX_FILE_BYTES + 1:,} bytes")


def test_a_symlinked_heldout_file_is_refused_too(pytester):
    folder = submission(pytester.path / "sub", reference_lines(DATASET))
    (folder / HELDOUT).symlink_to(SOLUTIONS / HELDOUT)
    tests = grade(pytester, folder)
    heldout = next(t for t in tests if t["name"] == "test_the_heldout_file_is_there")
    assert heldout["status"] == "failed" and "symbolic link" in heldout["feedback"]


# Wrong datasets -----------------------------------------------------------------------------------

WRONG = [
    ("too_few", {"test_at_least_20_examples"}),
    ("duplicates", {"test_no_duplicate_examples"}),
    ("drifting_format", {"test_at_least_90_percent_of_answers_in_one_format"}),
    ("two_system_prompts", {"test_one_system_prompt"}),
    ("overlapping_heldout", {"test_no_heldout_example_is_in_the_training_file"}),
    ("api_key", {"test_no_secrets_or_personal_data"}),
    ("invalid_line", {"test_every_line_is_valid"}),
]


def test_every_wrong_dataset_here_is_graded():
    assert {p.stem for p in BUGGY.glob("*.py")} == {variant for variant, _ in WRONG}


@pytest.mark.parametrize(("variant", "caught_by"), WRONG, ids=[v for v, _ in WRONG])
def test_a_wrong_dataset_loses_exactly_its_named_points(pytester, variant, caught_by):
    wrong = runpy.run_path(str(BUGGY / f"{variant}.py"))["wrong"]
    train, heldout = wrong(reference_lines(DATASET), reference_lines(HELDOUT))
    tests = grade(pytester, submission(pytester.path / variant, train, heldout))
    assert lost(tests) == caught_by, [
        (t["name"], t.get("feedback", "")) for t in tests if t["name"] in lost(tests)
    ]
