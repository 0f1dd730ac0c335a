"""Engine use: the ftlab modules an exercise file imports beyond ftlab.learner, read from its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftlab.grading.engine_use import engine_imports, engine_use_line
from tests.paths import ROOT


def _file(tmp_path: Path, source: str, name: str = "ex2_validate_record.py") -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import ftlab.dataset.records\n", ["ftlab.dataset.records"]),
        ("from ftlab.tokens.counting import count_tokens\n", ["ftlab.tokens.counting"]),
        ("from ftlab import dataset, learner\n", ["ftlab.dataset"]),
        ("import importlib\nimportlib.import_module('ftlab.tokens.cost')\n", ["ftlab.tokens.cost"]),
        (
            "from importlib import import_module\nimport_module('ftlab.course.decide')\n",
            ["ftlab.course.decide"],
        ),
        ("m = __import__('ftlab.dataset.records')\n", ["ftlab.dataset.records"]),
        ("def f():\n    from ftlab.tokens.cost import estimate_training_cost\n", ["ftlab.tokens.cost"]),
        (
            "import ftlab.tokens.cost\nimport ftlab.dataset.records as r\n",
            ["ftlab.dataset.records", "ftlab.tokens.cost"],
        ),
    ],
)
def test_every_way_to_import_the_engine_is_found(tmp_path, source, found):
    assert engine_imports(_file(tmp_path, source)) == found


@pytest.mark.parametrize(
    "source",
    [
        "from ftlab.learner import Scenario, get_encoding\n",
        "import ftlab.learner\nimport ftlab.learner.decisions\n",
        "import json, tiktoken\nfrom . import helper\n",
        "print('ftlab.dataset.records')\n",
        "import_module(name)\n",
    ],
)
def test_the_learner_api_and_other_libraries_are_not_engine_use(tmp_path, source):
    assert engine_imports(_file(tmp_path, source)) == []


def test_a_file_that_does_not_parse_reports_nothing(tmp_path):
    assert engine_imports(_file(tmp_path, "import ftlab.dataset.records\ndef broken(:\n")) == []
    assert engine_imports(tmp_path / "missing.py") == []


def test_the_line_names_the_file_the_modules_and_the_consequence(tmp_path):
    path = _file(tmp_path, "from ftlab.dataset.records import validate_record\n")
    assert engine_use_line(path) == (
        "ex2_validate_record.py imports ftlab.dataset.records: official grading gives this exercise 0"
        " (exercise code may import only ftlab.learner)"
    )
    assert engine_use_line(_file(tmp_path, "from ftlab.learner import Decision\n")) is None


@pytest.mark.parametrize("tree", ["exercises", "solutions"])
def test_the_shipped_stubs_and_reference_answers_use_only_the_learner_api(tree):
    assert {
        p.name: engine_imports(p) for p in sorted((ROOT / tree).glob("ex*.py")) if engine_imports(p)
    } == {}
