"""Exercise 6's grader is tested: full marks for the reference dataset, 0 and one hint for a missing
one, the named points lost by each wrong dataset in tests/buggy/ex6_your_dataset/, and nothing read
that is not a regular file of the learner's within the engine's size limit.

Each submission is laid out by its builder (``@submitted``, beside the test that reads its
results), and all are graded once, in one pytest run (``tests.graders.batch``)."""

from __future__ import annotations

import json
import os
import runpy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ftlab.dataset import limits
from tests.graders.batch import grade_folders, linked
from tests.paths import BUGGY, ROOT

GRADER = ROOT / "graders" / "test_ex6_your_dataset.py"
BUGGY = BUGGY / "ex6_your_dataset"
SOLUTIONS = ROOT / "solutions"
DATASET, HELDOUT = "my_dataset.jsonl", "my_dataset_heldout.jsonl"
FIRST = "test_the_dataset_file_is_there"


#: what lays out each submission graded here, by its name
BUILDERS: dict[str, Callable[[Path], None]] = {}


def submitted(builder: Callable[[Path], None]) -> Callable[[Path], None]:
    """Registers a builder of a submission, named after it, that the ``graded`` fixture grades."""
    BUILDERS[builder.__name__] = builder
    return builder


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every graded check of each submission here, all graded in one run, by the builder's name."""
    folder = tmp_path_factory.mktemp("ex6")
    for name, build in BUILDERS.items():
        build(folder / name)
    return {name: one["tests"] for name, one in grade_folders(folder, list(BUILDERS)).items()}


def grade(pytester: pytest.Pytester, impl: Path) -> list[dict]:
    """Every graded check of one run of the grader on the implementation ``impl`` (``--impl``)."""
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


@submitted
def reference(folder: Path) -> None:
    linked(folder.parent, folder.name, "ex6_your_dataset", SOLUTIONS / "ex6_your_dataset.py")
    for name in (DATASET, HELDOUT):
        shutil.copy(SOLUTIONS / name, folder / name)


def test_the_reference_dataset_scores_full_marks(graded):
    tests = graded["reference"]
    assert len(tests) >= 7
    assert [t for t in tests if t["status"] != "passed" or t["points"] != t["max_points"]] == []


def test_the_reference_file_itself_grades_its_folder(pytester):
    tests = grade(pytester, SOLUTIONS / "ex6_your_dataset.py")
    assert lost(tests) == set()


@submitted
def stub(folder: Path) -> None:
    submission(folder, None)


def test_a_missing_dataset_scores_zero_with_one_hint_saying_how_to_start(graded):
    tests = graded["stub"]
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


@submitted
def no_heldout(folder: Path) -> None:
    submission(folder, reference_lines(DATASET))


def test_a_missing_heldout_file_loses_only_the_heldout_points(graded):
    tests = graded["no_heldout"]
    assert lost(tests) == {
        "test_the_heldout_file_is_there",
        "test_no_heldout_example_is_in_the_training_file",
    }


@submitted
def one_in_another_style(folder: Path) -> None:
    train = reference_lines(DATASET)
    record = json.loads(train[4])
    record["messages"][-1]["content"] = (
        "Category: Outage.\nPriority: P1.\nSummary: Frankfurt apps lost their database."
    )
    train[4] = json.dumps(record, ensure_ascii=False)
    submission(folder, train, reference_lines(HELDOUT))


def test_one_answer_in_another_style_of_24_is_within_the_90_percent(graded):
    assert lost(graded["one_in_another_style"]) == set()


# What the grader refuses to read ----------------------------------------------------------------


def refused(tests: list[dict], reason: str) -> None:
    assert score(tests) == 0
    first = next(t for t in tests if t["name"] == FIRST)
    assert first["status"] == "failed" and reason in first["feedback"], first


@submitted
def link_to_answer_key(folder: Path) -> None:
    submission(folder, None, reference_lines(HELDOUT))
    (folder / DATASET).symlink_to(SOLUTIONS / DATASET)


def test_a_symlink_to_the_answer_key_is_refused_unread(graded):
    refused(graded["link_to_answer_key"], "symbolic link")


@submitted
def link_to_dev_zero(folder: Path) -> None:
    submission(folder, None)
    (folder / DATASET).symlink_to("/dev/zero")


def test_a_symlink_to_dev_zero_is_refused(graded):
    refused(graded["link_to_dev_zero"], "symbolic link")


@submitted
def folder_for_dataset(folder: Path) -> None:
    submission(folder, None)
    (folder / DATASET).mkdir()


def test_a_folder_in_the_datasets_place_is_refused(graded):
    refused(graded["folder_for_dataset"], "not a regular file")


if hasattr(os, "mkfifo"):

    @submitted
    def named_pipe(folder: Path) -> None:
        submission(folder, None)
        os.mkfifo(folder / DATASET)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(graded):
    refused(graded["named_pipe"], "not a regular file")


@submitted
def over_the_size_limit(folder: Path) -> None:
    submission(folder, None)
    with open(folder / DATASET, "wb") as sparse:  # a hole: no disk used, nothing worth reading
        sparse.truncate(limits.MAX_FILE_BYTES + 1)


def test_a_file_over_the_engines_size_limit_is_refused_from_its_size(graded):
    refused(graded["over_the_size_limit"], f"{limits.MAX_FILE_BYTES + 1:,} bytes")


@submitted
def linked_heldout(folder: Path) -> None:
    submission(folder, reference_lines(DATASET))
    (folder / HELDOUT).symlink_to(SOLUTIONS / HELDOUT)


def test_a_symlinked_heldout_file_is_refused_too(graded):
    tests = graded["linked_heldout"]
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


def wrong_dataset(variant: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        wrong = runpy.run_path(str(BUGGY / f"{variant}.py"))["wrong"]
        submission(folder, *wrong(reference_lines(DATASET), reference_lines(HELDOUT)))

    build.__name__ = f"wrong-{variant}"
    return build


for _variant, _ in WRONG:
    submitted(wrong_dataset(_variant))


def test_every_wrong_dataset_here_is_graded():
    assert {p.stem for p in BUGGY.glob("*.py")} == {variant for variant, _ in WRONG}


@pytest.mark.parametrize(("variant", "caught_by"), WRONG, ids=[v for v, _ in WRONG])
def test_a_wrong_dataset_loses_exactly_its_named_points(graded, variant, caught_by):
    tests = graded[f"wrong-{variant}"]
    assert lost(tests) == caught_by, [
        (t["name"], t.get("feedback", "")) for t in tests if t["name"] in lost(tests)
    ]
