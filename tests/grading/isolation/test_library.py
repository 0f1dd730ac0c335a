"""The child's library: the learner API and the harness, and none of the graders' answer keys."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ftlab.grading.isolation.library import (
    ANSWER_KEYS,
    CHILD_ENTRY,
    child_library,
    child_modules,
    closure,
    imported_by,
    is_answer_key,
)

# An editable install of ftlab adds a finder that serves the real package by name (ftlab.dataset
# from the source tree); the child drops it, and its blocker refuses those names anyway.
_NO_EDITABLE_FINDER = (
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in getattr(f, '__module__', '')]; "
)


def _run_in_library(code: str, *, blocker: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -I`` with only the child's library on sys.path (no PYTHONPATH, no site ftlab)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    bootstrap = f"import sys; sys.path.insert(0, {str(child_library())!r}); "
    if blocker:
        allowed = child_modules()
        bootstrap += f"from ftlab.grading.isolation.blocker import install; install({allowed!r}); "
    else:
        bootstrap += _NO_EDITABLE_FINDER
    return subprocess.run(
        [sys.executable, "-I", "-B", "-c", bootstrap + code],
        capture_output=True,
        text=True,
        env=env,
        cwd=child_library(),
        check=False,
    )


def test_the_closure_holds_the_harness_and_the_learner_api():
    modules = child_modules()
    assert set(CHILD_ENTRY) <= set(modules)
    assert {"ftlab", "ftlab.grading", "ftlab.learner.decisions", "ftlab.tokens.encodings"} <= set(modules)
    assert modules == sorted(modules) == child_modules()


def test_the_closure_holds_no_answer_key():
    assert [m for m in child_modules() if is_answer_key(m)] == []
    assert {"ftlab.dataset", "ftlab.tokens.counting", "ftlab.tokens.cost", "ftlab.course"} <= set(ANSWER_KEYS)


def test_an_answer_key_is_recognised_with_everything_inside_it():
    assert is_answer_key("ftlab.dataset.records") and is_answer_key("ftlab.tokens.cost")
    assert not is_answer_key("ftlab.tokens.costly") and not is_answer_key("ftlab.learner")


def test_imports_are_followed_in_every_form(tmp_path: Path):
    package = tmp_path / "ftlab"
    (package / "a").mkdir(parents=True)
    for name in ("__init__.py", "a/__init__.py", "a/one.py", "a/two.py", "three.py", "four.py", "five.py"):
        (package / name).write_text("")
    (package / "a" / "one.py").write_text(
        "from . import two\nfrom ..three import x\nimport ftlab.four\nimport json\n"
        "def f():\n    from ftlab import five\n"
    )
    assert imported_by("ftlab.a.one", package) == {
        "ftlab",
        "ftlab.a.two",
        "ftlab.three",
        "ftlab.four",
        "ftlab.five",
        "ftlab.a",
    }
    assert closure(("ftlab.a.one",), package) == [
        "ftlab",
        "ftlab.a",
        "ftlab.a.one",
        "ftlab.a.two",
        "ftlab.five",
        "ftlab.four",
        "ftlab.three",
    ]


def test_the_library_holds_exactly_the_closure_and_the_rank_files():
    root = child_library() / "ftlab"
    files = {p.relative_to(root.parent).as_posix() for p in root.rglob("*") if p.is_file()}
    sources = {f for f in files if f.endswith(".py")}
    expected = {
        m.replace(".", "/") + ("/__init__.py" if (root.parent / m.replace(".", "/")).is_dir() else ".py")
        for m in child_modules()
    }
    assert sources == expected
    assert {"ftlab/tokens/data/o200k_base.tiktoken.gz", "ftlab/tokens/data/cl100k_base.tiktoken.gz"} <= files


def test_the_library_is_copied_and_readable_by_any_user():
    root = child_library()
    assert child_library() == root  # built once per process
    for path in [root, *root.rglob("*")]:
        assert not path.is_symlink(), path
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path}: {oct(mode)}"


def test_a_child_with_only_the_library_can_use_the_learner_api_offline():
    result = _run_in_library(
        "import ftlab.learner as api; import ftlab.grading.isolation.harness;"
        " print(api.get_encoding('o200k_base').encode_ordinary('Hello, world!'), api.__file__)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[13225, 11, 2375, 0]")
    assert result.stdout.split()[-1].startswith(str(child_library()))


@pytest.mark.parametrize("module", ["ftlab.dataset.records", "ftlab.tokens.counting", "ftlab.tokens.cost"])
def test_a_child_with_only_the_library_cannot_import_an_answer_key(module: str):
    result = _run_in_library(f"import {module}")
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr and module.rsplit(".", 1)[0] in result.stderr


@pytest.mark.parametrize("module", ["ftlab.dataset.records", "ftlab.tokens.counting", "ftlab.tokens.cost"])
def test_with_the_blocker_no_finder_on_the_machine_can_serve_an_answer_key(module: str):
    result = _run_in_library(
        f"import ftlab.learner, ftlab.grading.isolation.harness; import {module}", blocker=True
    )
    assert result.returncode != 0
    package = module if module.startswith("ftlab.tokens.") else "ftlab.dataset"  # refused first
    assert f'"{package}" is not available when your work is graded' in result.stderr
