"""The plugin's backstop: a check during which the learner's call hung, crashed or forged an answer fails.

Whatever the grader's code did with the error: a grader that catches ``Exception`` broadly (to
check "it raises an error") still fails when the learner's function timed out, broke the
protocol, or ended the process running it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.grading.test_plugin import make_kit

IMPL = """
import os

def build_example(user, assistant, system=None):
    if user == "hang":
        while True:
            pass
    if user == "forge":
        line = b'{"id": 0, "outcome": {"kind": "raised", "error_type": "ValueError", "message": "x"}}\\n'
        for fd in range(256):
            try:
                os.write(fd, line)
            except OSError:
                pass
        raise ValueError("forged")
    if user == "exit":
        os._exit(3)
    raise ValueError("a real error")
"""

#: Each check passes as long as "an error" comes out: exactly the weakness the backstop closes.
GRADER = """
import pytest

def errs(exercise, user):
    try:
        exercise.build_example(user, "x")
    except Exception:
        return True
    return False

@pytest.mark.points(1, hint="raise on bad input")
def test_real(exercise):
    assert errs(exercise, "real")

@pytest.mark.points(1, hint="raise on bad input")
def test_hang(exercise):
    assert errs(exercise, "hang")

@pytest.mark.points(1, hint="raise on bad input")
def test_forge(exercise):
    assert errs(exercise, "forge")

@pytest.mark.points(1, hint="raise on bad input")
def test_exit(exercise):
    assert errs(exercise, "exit")

@pytest.mark.points(1, hint="raise on bad input")
def test_expects_the_timeout(exercise):
    with pytest.raises(Exception):
        exercise.build_example("hang", "x")
"""

#: Grades through the isolated backend (a plain child process): the only one where a child can end.
CONFTEST = """
from ftlab.grading.isolation.session import IsolationPlugin
from ftlab.grading.isolation.sandbox import find_sandbox

def pytest_configure(config):
    config.pluginmanager.register(IsolationPlugin(sandbox=find_sandbox(enabled=False)), "isolation")
"""


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The checks' results, graded once for the module (every test reads the same run), in a pytest
    process of its own as before: the isolation backend's children and their timeouts stay out of
    the test process."""
    folder = tmp_path_factory.mktemp("backstop")
    make_kit(folder, GRADER, IMPL)
    (folder / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "exercises/", "--ftlab-timeout", "1"]
    command += ["--ftlab-json", "out.json", "-p", "no:cacheprovider"]
    subprocess.run(command, cwd=folder, env=env, capture_output=True, check=False, timeout=600)
    data = json.loads((folder / "out.json").read_text())
    return {t["name"]: t for t in data["tests"]}


def test_a_check_passes_on_an_error_the_learners_code_raised(checks):
    assert checks["test_real"]["status"] == "passed" and checks["test_real"]["points"] == 1


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("test_hang", "timed out after 1 s"),
        ("test_forge", "wrote on the grader's private channel"),
        ("test_exit", "ended the Python process running your code (exit status 3)"),
        ("test_expects_the_timeout", "timed out after 1 s"),
    ],
)
def test_a_check_that_swallows_a_grader_side_failure_still_fails_with_it(checks, name, said):
    assert checks[name]["status"] == "failed" and checks[name]["points"] == 0
    assert said in checks[name]["feedback"]
