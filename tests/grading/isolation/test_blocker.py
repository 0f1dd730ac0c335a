"""The child's import blocker: ftlab.learner and the library pass, the engine's answer keys never do."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ftlab.grading.isolation.blocker import EngineBlocker, EngineNotAvailable
from ftlab.grading.isolation.library import child_modules

MESSAGE = (
    'exercise code may not use ftlab\'s engine: "ftlab.dataset.records" is not available when your work'
    " is graded; import only from ftlab.learner (encodings, model facts, exercise 5's Scenario and Decision)"
)


def test_the_refusal_is_a_module_not_found_error_with_a_plain_message():
    error = EngineNotAvailable("ftlab.dataset.records")
    assert isinstance(error, ModuleNotFoundError) and error.name == "ftlab.dataset.records"
    assert str(error) == MESSAGE


def test_only_the_allowed_ftlab_modules_pass():
    blocker = EngineBlocker(["ftlab.learner", "ftlab.tokens.encodings"])
    assert blocker.permits("ftlab") and blocker.permits("ftlab.learner") and blocker.permits("json")
    assert blocker.permits("ftlab.tokens.encodings") and blocker.permits("ftlabish.records")
    assert not blocker.permits("ftlab.tokens.counting") and not blocker.permits("ftlab.learner_answers")
    assert blocker.find_spec("ftlab.learner") is None  # let the ordinary finders load it
    with pytest.raises(EngineNotAvailable) as caught:
        blocker.find_spec("ftlab.tokens.cost")
    assert caught.value.name == "ftlab.tokens.cost"


def test_installing_puts_it_first_and_uninstalling_leaves_nothing_behind():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ftlab.grading.isolation.harness\n"
            "from ftlab.grading.isolation.blocker import install, uninstall\n"
            "before = list(sys.meta_path)\n"
            "blocker = install(['ftlab.learner'])\n"
            "hooked = hasattr(sys.modules['ftlab'], '__getattr__')\n"
            "print(sys.meta_path[0] is blocker, sys.meta_path[1:] == before, hooked)\n"
            "uninstall(blocker)\n"
            "print(sys.meta_path == before, hasattr(sys.modules['ftlab'], '__getattr__'))\n"
            "import ftlab.dataset.records\n",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "False"]


def _child(code: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter that imports the harness, installs the blocker, then runs ``code``."""
    setup = (
        "import ftlab.grading.isolation.harness\n"
        "from ftlab.grading.isolation.blocker import install\n"
        f"install({child_modules()!r})\n"
    )
    return subprocess.run([sys.executable, "-c", setup + code], capture_output=True, text=True, check=False)


def test_in_the_child_a_name_the_learner_api_lacks_is_an_ordinary_import_error():
    result = _child(
        "try:\n    from ftlab.learner import count_tokens\nexcept ImportError as error:\n    print(error)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cannot import name 'count_tokens' from 'ftlab.learner'")


def test_in_the_child_the_learner_api_and_the_harness_still_import():
    result = _child(
        "import ftlab.learner\nfrom ftlab.learner import Scenario, get_encoding\n"
        "import ftlab.grading.seam, ftlab.grading.isolation.plain_data\nimport json, decimal\nprint('ok')"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize(
    ("statement", "module"),
    [
        ("import ftlab.dataset.records", "ftlab.dataset"),
        ("from ftlab.tokens.counting import count_tokens", "ftlab.tokens.counting"),
        ("import importlib; importlib.import_module('ftlab.tokens.cost')", "ftlab.tokens.cost"),
        ("from ftlab import course", "ftlab.course"),
        ("from ftlab.tokens import cost", "ftlab.tokens.cost"),
    ],
)
def test_in_the_child_every_way_to_reach_an_answer_key_gets_the_plain_message(statement, module):
    result = _child(
        f"try:\n    {statement}\nexcept ModuleNotFoundError as error:\n"
        "    print(type(error).__name__, error.name)\n    print(error)\n"
    )
    assert result.returncode == 0, result.stderr
    first, message = result.stdout.splitlines()
    assert first == f"EngineNotAvailable {module}"
    assert message.startswith(f'exercise code may not use ftlab\'s engine: "{module}" is not available')


def test_an_error_from_reaching_for_an_engine_file_on_disk_says_the_engine_is_off_limits():
    from ftlab.grading.isolation.blocker import ENGINE_FILE_NOTE, explained
    from ftlab.grading.outcomes import Outcome

    missing = "FileNotFoundError: [Errno 2] No such file or directory: '/ftlab/lib/ftlab/dataset/records.py'"
    unloadable = explained(Outcome("unloadable", message=missing))
    assert unloadable.message.endswith(f"({ENGINE_FILE_NOTE})")
    raised = explained(Outcome("raised", error_type="PermissionError", message="/x/ftlab/tokens/cost.py"))
    assert raised.notes == [ENGINE_FILE_NOTE]
    for untouched in (
        Outcome("raised", error_type="ValueError", message="bad record"),
        Outcome("raised", error_type="OSError", message="/srv/ftlab/learner/decisions.py"),
        Outcome("value", value="ftlab/dataset/records.py"),
    ):
        assert explained(untouched) == untouched
