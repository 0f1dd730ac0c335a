"""Grader for exercise 6: the learner's own dataset, graded as data with the engine's quality pass.

The dataset is read here, in the grader's process: it is data, never run. So it is read with
care. Only a regular file is read, never a symbolic link (which could point at the answer key),
a folder, a pipe or a device (``/dev/zero`` never ends); a file over the engine's size limit
(``ftlab.dataset.limits.MAX_FILE_BYTES``) is refused from its size, unread. The bytes are copied
once into a private file, and every check reads that copy, so the file cannot change between checks.

When the training file is missing (or refused), the first check fails with how to start and
every other check is skipped: one hint, not nine.

PYTEST_DONT_REWRITE: a failed check says what its message says, nothing more.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest

from ftlab.dataset import limits
from ftlab.dataset.findings import FileReport
from ftlab.dataset.quality import (
    DUPLICATE,
    FORMAT_DRIFT,
    OVERLAP,
    SECRET,
    SYSTEM_PROMPT,
    QualityReport,
    assess_file,
)
from ftlab.dataset.validation import validate_file
from ftlab.grading.settings import impl_root

#: The files exercises/ex6_your_dataset.py names (DATASET and HELDOUT), beside the exercise files.
DATASET = "my_dataset.jsonl"
HELDOUT = "my_dataset_heldout.jsonl"
MIN_EXAMPLES = 20
MIN_HELDOUT = 5
MIN_FORMAT_SHARE = 0.9
SHOWN = 5  # problems listed in one check's feedback; the rest are counted


@dataclass(frozen=True)
class Submitted:
    """One of the learner's files: a private copy of its bytes, or why it was not read."""

    name: str
    copy: Path | None = None
    refusal: str | None = None


def read_submitted(folder: Path, name: str, into: Path) -> Submitted:
    """Copy ``folder/name`` to ``into`` if it is a regular file within the size limit."""
    source = folder / name
    if source.is_symlink():
        return Submitted(name, refusal=_symlink(name))
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return Submitted(name, refusal=f"there is no {name} beside your exercise files yet")
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Submitted(name, refusal=_symlink(name))
        return Submitted(name, refusal=f"{name} cannot be read: {error.strerror or error}")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limits.MAX_FILE_BYTES:
        os.close(fd)
        if stat.S_ISREG(info.st_mode):
            return Submitted(name, refusal=_too_large(name, info.st_size))
        return Submitted(
            name, refusal=f"{name} is not a regular file (a folder, a pipe or a device): write a JSONL file"
        )
    with os.fdopen(fd, "rb") as stream:
        copied = _copy(stream, into, limits.MAX_FILE_BYTES)
    if copied > limits.MAX_FILE_BYTES:
        return Submitted(name, refusal=_too_large(name, copied))
    return Submitted(name, copy=into)


def _copy(stream: BinaryIO, target: Path, cap: int) -> int:
    """Copy at most ``cap + 1`` bytes of ``stream`` to ``target``; how many were copied."""
    copied = 0
    with open(target, "wb") as out:
        while copied <= cap:
            chunk = stream.read(min(1024 * 1024, cap + 1 - copied))
            if not chunk:
                break
            out.write(chunk)
            copied += len(chunk)
    return copied


def _symlink(name: str) -> str:
    return f"{name} is a symbolic link; the grader reads only a real file: write your examples into it"


def _too_large(name: str, size: int) -> str:
    return (
        f"{name} is {size:,} bytes, more than the {limits.MAX_FILE_BYTES // 2**20} MB a training file "
        "may have: it was not read"
    )


@dataclass(frozen=True)
class Dataset:
    """The training and held-out files as submitted, validated and assessed."""

    training: Submitted
    heldout: Submitted

    def validation(self, which: Submitted) -> FileReport:
        assert which.copy is not None
        return validate_file(which.copy)

    def quality(self, which: Submitted, *, validation: Submitted | None = None) -> QualityReport:
        assert which.copy is not None
        return assess_file(which.copy, validation=validation.copy if validation else None)


@pytest.fixture(scope="module")
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The learner's two files, read once for every check of this module."""
    root = getattr(request.node, "impl_root", None) or impl_root(request.config)
    folder = root if root.is_dir() else root.parent
    private = tmp_path_factory.mktemp("ex6-dataset")
    return Dataset(
        read_submitted(folder, DATASET, private / "training.jsonl"),
        read_submitted(folder, HELDOUT, private / "heldout.jsonl"),
    )


@pytest.fixture
def training(dataset: Dataset) -> Submitted:
    """The training file; every check but the first is skipped while there is none to read."""
    if dataset.training.copy is None:
        pytest.skip(f"no {DATASET} to check yet: see test_the_dataset_file_is_there first")
    return dataset.training


def listed(items: Iterable[str]) -> str:
    """The first ``SHOWN`` items, one a line, and how many more there are."""
    items = list(items)
    more = f"\n  ... and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return "".join(f"\n  {item}" for item in items[:SHOWN]) + more


def warnings_of(report: QualityReport, code: str) -> list[str]:
    return [w.message for w in report.warnings if w.code == code]


def in_format(report: QualityReport) -> float:
    """The share of answers in the dominant format: its shape, and its casing and punctuation too."""
    drifting = {line for w in report.warnings if w.code == FORMAT_DRIFT for line in w.lines}
    styled = 1 - len(drifting) / report.examples if report.examples else 1.0
    return min(report.format_share, styled)


# Task 1: a valid training file with at least 20 examples -------------------------------------


@pytest.mark.points(
    1,
    task=1,
    hint=(
        "start exercises/my_dataset.jsonl: copy three lines of data/support_tickets.jsonl into it,"
        " then write your own examples below them, in the same shape"
    ),
)
def test_the_dataset_file_is_there(dataset):
    assert dataset.training.refusal is None, dataset.training.refusal


@pytest.mark.points(
    2,
    task=1,
    hint="every line must pass `ftlab validate exercises/my_dataset.jsonl`: fix each error it names",
)
def test_every_line_is_valid(dataset, training):
    report = dataset.validation(training)
    problems = [f"line {p.line}: {p.problem}" for p in report.errors]
    problems += [str(p) for p in report.file_problems if p.is_error]
    assert not problems, f"{DATASET} breaks the dataset rules:{listed(problems)}"


@pytest.mark.points(
    2,
    task=1,
    hint=(
        "write at least 20 examples: 10 is the least the fine-tuning API accepts,"
        " and 50 to 100 is where a real fine-tune usually starts"
    ),
)
def test_at_least_20_examples(dataset, training):
    report = dataset.validation(training)
    valid = report.n_examples - len({p.line for p in report.errors})
    assert valid >= MIN_EXAMPLES, f"{DATASET} has {valid} valid example(s); write at least {MIN_EXAMPLES}"


# Task 2: consistent, and nothing that should not be trained into a model ----------------------


@pytest.mark.points(
    2,
    task=2,
    hint="remove duplicate examples: the same example twice teaches nothing new and counts double",
)
def test_no_duplicate_examples(dataset, training):
    found = warnings_of(dataset.quality(training), DUPLICATE)
    assert not found, f"{DATASET} has duplicates:{listed(found)}"


@pytest.mark.points(
    2,
    task=2,
    hint=(
        "write at least 90% of the answers in one format (Category / Priority / Summary, the same"
        " casing and punctuation): the model copies whatever the answers do"
    ),
)
def test_at_least_90_percent_of_answers_in_one_format(dataset, training):
    report = dataset.quality(training)
    assert in_format(report) >= MIN_FORMAT_SHARE, (
        f"only {in_format(report):.0%} of the answers in {DATASET} follow the most common format"
        f" ({report.dominant_format}); at least {MIN_FORMAT_SHARE:.0%} must:"
        f"{listed(warnings_of(report, FORMAT_DRIFT))}"
    )


@pytest.mark.points(
    1, task=2, hint="give every example the same system prompt (one text, on every line, first)"
)
def test_one_system_prompt(dataset, training):
    report = dataset.quality(training)
    assert report.system_prompts == 1, (
        f"{DATASET} has no system prompt: start every example with the same system message"
        if report.system_prompts == 0
        else f"{DATASET} has {report.system_prompts} different system prompts:"
        f"{listed(warnings_of(report, SYSTEM_PROMPT))}"
    )


@pytest.mark.points(
    1,
    task=2,
    hint=(
        "take out API keys, e-mail addresses and phone numbers that look real (in both files):"
        " a model trained on them can repeat them; write placeholders instead"
    ),
)
def test_no_secrets_or_personal_data(dataset, training):
    found = warnings_of(dataset.quality(training), SECRET)
    if dataset.heldout.copy is not None:
        found += [f"({HELDOUT}) {m}" for m in warnings_of(dataset.quality(dataset.heldout), SECRET)]
    assert not found, f"these look like real secrets or personal data:{listed(found)}"


# Task 3: a held-out file, with nothing from the training file ----------------------------------


@pytest.mark.points(
    1,
    task=3,
    hint=(
        "write exercises/my_dataset_heldout.jsonl: at least 5 more valid examples, in the same"
        " format, to test the fine-tuned model on"
    ),
)
def test_the_heldout_file_is_there(dataset, training):
    heldout = dataset.heldout
    assert heldout.refusal is None, heldout.refusal
    report = dataset.validation(heldout)
    problems = [f"line {p.line}: {p.problem}" for p in report.errors]
    assert not problems, f"{HELDOUT} breaks the dataset rules:{listed(problems)}"
    assert report.n_examples >= MIN_HELDOUT, (
        f"{HELDOUT} has {report.n_examples} example(s); write at least {MIN_HELDOUT}"
    )


@pytest.mark.points(
    2,
    task=3,
    hint=(
        "no held-out example may be in the training file, not even almost the same email:"
        " a test the model trained on proves nothing"
    ),
)
def test_no_heldout_example_is_in_the_training_file(dataset, training):
    if dataset.heldout.copy is None:
        pytest.skip(f"no {HELDOUT} to compare yet: see test_the_heldout_file_is_there")
    found = warnings_of(dataset.quality(training, validation=dataset.heldout), OVERLAP)
    assert not found, f"{HELDOUT} overlaps {DATASET}:{listed(found)}"
