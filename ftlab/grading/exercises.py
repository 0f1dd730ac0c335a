"""The six exercises: one slug each, the same in exercises/, solutions/ and graders/."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ftlab.errors import FtlabError


@dataclass(frozen=True)
class Exercise:
    """One exercise: its number, slug, title, and the functions a learner completes (none when the
    answer is data, as exercise 6's dataset is)."""

    number: int
    slug: str
    title: str
    functions: tuple[str, ...]
    #: the lazy loads its functions may trigger, warmed before the first timed call
    #: (:mod:`ftlab.grading.warmup`): "openai", or the encodings ftlab ships
    warms: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.slug}.py"

    @property
    def grader_filename(self) -> str:
        return f"test_{self.slug}.py"


EXERCISES: tuple[Exercise, ...] = (
    Exercise(1, "ex1_build_example", "Build a training example", ("build_example", "write_jsonl")),
    Exercise(2, "ex2_validate_record", "Validate a record", ("validate_record",)),
    Exercise(
        3,
        "ex3_estimate_tokens",
        "Estimate tokens and cost",
        ("count_tokens", "estimate_training_cost"),
        warms=("o200k_base", "cl100k_base"),
    ),
    Exercise(
        4,
        "ex4_submit_job",
        "Submit a fine-tuning job",
        ("submit_job", "wait_for_job", "ask_model"),
        # the in-process mock counts tokens too, in o200k_base: its graders fine-tune gpt-4o-mini
        warms=("openai", "o200k_base"),
    ),
    Exercise(5, "ex5_decide_approach", "Decide: prompt, RAG or fine-tune", ("decide_approach",)),
    Exercise(6, "ex6_your_dataset", "Your dataset", ()),  # graded as data: exercises/my_dataset*.jsonl
)

_SLUG = re.compile(r"^(?:test_)?(ex\d+_[a-z0-9_]+)$")


class UnknownExercise(FtlabError, LookupError):
    """A name that matches no exercise's slug."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        known = ", ".join(e.slug for e in EXERCISES)
        return f"{self.name!r} is not an exercise; the exercises are {known}"


def find(name: str) -> Exercise:
    """The exercise named by a slug, a file name (ex1_build_example.py) or a grader module name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".py").rsplit(".", 1)[-1]
    match = _SLUG.match(base)
    slug = match.group(1) if match else base
    for exercise in EXERCISES:
        if exercise.slug == slug:
            return exercise
    raise UnknownExercise(name)


def warms_for(root: Path) -> tuple[str, ...] | None:
    """The lazy loads of the exercises whose files the folder ``root`` holds (None: a file, unreadable)."""
    try:
        names = set(os.listdir(root))
    except OSError:  # a notebook's cells or an all-in-one file (any exercise may be asked of it), or gone
        return None
    return tuple(sorted({name for e in EXERCISES if e.filename in names for name in e.warms}))
