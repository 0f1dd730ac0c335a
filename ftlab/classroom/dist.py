"""The student distribution: the kit without ``solutions/`` and without the hidden checks.

Hidden checks are taken out of each grader's source by :func:`ftlab.classroom.hidden.strip_hidden`, with
the values only they used, so neither their code nor their data ships; then pytest collects the
result and the build fails if any check it finds is still hidden. ``pytest exercises/`` works in
the result exactly as in the kit, minus those checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ftlab.classroom.hidden import HiddenCheckLeft, strip_hidden

STUDENT_FILES = ("pyproject.toml", "LICENSE", "lab.ipynb", ".gitignore")
CACHES = ("__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache")
LEARNER_SECTIONS = ("Two commands", "For learners", "Part B")  # the README's sections learners get
_FOR_MAINTAINERS = ("project's own test suite", "maintainers")
THIS_COPY = (
    "This is your copy of the lab. The reference solutions are not in it, and neither are the "
    "hidden checks: `pytest exercises/` shows every other check, and your official grade also "
    "counts the hidden ones."
)
STUDENT_FOLDERS = ("ftlab", "exercises", "graders", "data", "docs")
INSTRUCTOR_ONLY = ("docs/instructor.md", "docs/grading.md", "docs/ci")
WORKFLOW = Path("docs/ci/classroom.yml")


_COLLECT = """
import json, sys, pytest
hidden = []
class Collector:
    def pytest_collection_modifyitems(self, items):
        for item in items:
            marker = item.get_closest_marker("points")
            if marker is not None and marker.kwargs.get("visibility") == "hidden":
                hidden.append(item.nodeid)
code = pytest.main(["graders", "--collect-only", "-q", "-p", "no:cacheprovider"], plugins=[Collector()])
print(json.dumps({"code": int(code), "hidden": hidden}))
"""


def hidden_left(folder: Path) -> list[str]:
    """The checks pytest still collects as hidden from ``folder/graders`` (run in a fresh interpreter)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(folder),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", _COLLECT],
        cwd=folder,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    report: dict[str, Any] = (
        json.loads(done.stdout.strip().splitlines()[-1])
        if done.stdout.strip()
        else {"code": done.returncode, "hidden": []}
    )
    if report["code"] != 0:
        raise ValueError(
            f"the distribution's graders do not collect (pytest exit status {report['code']}): "
            f"{done.stdout[-500:]}{done.stderr[-500:]}"
        )
    return list(report["hidden"])


def learner_readme(text: str) -> str:
    """The kit's README for learners: its introduction and the learners' sections, no maintainers' notes."""
    parts = re.split(r"(?m)^(?=## )", text)
    kept = [parts[0].rstrip() + "\n\n" + THIS_COPY + "\n\n"] + [
        part for part in parts[1:] if part.removeprefix("## ").startswith(LEARNER_SECTIONS)
    ]
    paragraphs = "".join(kept).split("\n\n")
    learner = [p for p in paragraphs if not any(words in p for words in _FOR_MAINTAINERS)]
    return "\n\n".join(learner).rstrip() + "\n"


def _remove_caches(out: Path) -> None:
    """Take out the caches collecting the graders left (pytest, hypothesis, bytecode)."""
    for folder in sorted(out.rglob("*"), reverse=True):
        if folder.is_dir() and folder.name in CACHES:
            shutil.rmtree(folder)


def build_student(kit: Path, out: Path) -> list[Path]:
    """Write the student distribution of the kit at ``kit`` into the new folder ``out``; the files written."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder")
    if (kit / "solutions").resolve() == out.resolve() or out.resolve().is_relative_to(
        (kit / "solutions").resolve()
    ):
        raise ValueError("the student distribution cannot go inside solutions/")
    ignore = shutil.ignore_patterns("*.pyc", *CACHES)
    out.mkdir(parents=True, exist_ok=True)
    for name in STUDENT_FILES:
        if (kit / name).is_file():
            shutil.copy2(kit / name, out / name)
    if (kit / "README.md").is_file():
        readme = learner_readme((kit / "README.md").read_text(encoding="utf-8"))
        (out / "README.md").write_text(readme, encoding="utf-8")
    for name in STUDENT_FOLDERS:
        if (kit / name).is_dir():
            shutil.copytree(kit / name, out / name, ignore=ignore)
    for name in INSTRUCTOR_ONLY:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    if (out / "docs").is_dir() and not any((out / "docs").iterdir()):
        (out / "docs").rmdir()
    for grader in sorted((out / "graders").glob("*.py")):
        grader.write_text(strip_hidden(grader.read_text(encoding="utf-8"), path=grader), encoding="utf-8")
    left = hidden_left(out)
    if left:
        raise HiddenCheckLeft(
            out / "graders", 0, f"{len(left)} hidden checks are still collected ({', '.join(left[:3])})"
        )
    _remove_caches(out)
    if (kit / WORKFLOW).is_file():
        workflow = out / ".github" / "workflows" / "classroom.yml"
        workflow.parent.mkdir(parents=True)
        shutil.copy2(kit / WORKFLOW, workflow)
    return sorted(p for p in out.rglob("*") if p.is_file())
