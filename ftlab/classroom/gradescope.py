"""Gradescope: an autograder zip that installs the kit, and the runner that writes ``results.json``.

The zip follows Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): ``setup.sh`` and
``run_autograder`` at its root, the kit (the ``ftlab`` package, the grader suites and ``data/``, never
``solutions/``) under ``kit/``. Gradescope unpacks it into ``/autograder/source``; the student's
upload lands in ``/autograder/submission``; ``run_autograder`` must leave
``/autograder/results/results.json``. ``FTLAB_AUTOGRADER_ROOT`` moves ``/autograder`` elsewhere
(to try the zip by hand), ``FTLAB_AUTOGRADER_PYTHON`` picks the interpreter.
"""

from __future__ import annotations

import json
import math
import stat
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

from ftlab.classroom.submission import Submission, find_submissions
from ftlab.dataset.jsonl import atomic_writer
from ftlab.errors import ExitCode
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT

KIT_FILES = ("pyproject.toml", "README.md", "LICENSE")
KIT_FOLDERS = ("ftlab", "graders", "data")  # graders read data/ (the sample training file)
CONFIG = "ftlab-gradescope.json"
GRADESCOPE_LIMIT = 600.0  # Gradescope's default time limit for one submission (settings allow up to 40 min)
MAX_BUDGET = 2400.0 - 60  # the longest budget Gradescope's 40-minute maximum leaves room for
DEFAULT_BUDGET = GRADESCOPE_LIMIT - 90  # room for the interpreter, the kit's imports and results.json
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
_STAMP = (2026, 1, 1, 0, 0, 0)  # fixed dates: the same kit gives the same zip

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# ftlab needs Python 3.11 or newer: Ubuntu 24.04 has 3.12; on 22.04 (3.10) it comes from the
# deadsnakes PPA; where neither works the build fails here, saying which image to pick.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap ca-certificates

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

PYTHON="$(find_python || true)"
if [ -z "$PYTHON" ]; then
  apt-get install -y --no-install-recommends software-properties-common gpg-agent || true
  if add-apt-repository -y ppa:deadsnakes/ppa && apt-get update; then
    apt-get install -y --no-install-recommends python3.12 python3.12-venv || true
  fi
  PYTHON="$(find_python || true)"
fi
if [ -z "$PYTHON" ]; then
  echo "ftlab needs Python 3.11 or newer and could not install it on this image." >&2
  echo "In the assignment's autograder settings, pick the Ubuntu 22.04 or 24.04 base image." >&2
  exit 1
fi
echo "ftlab: using $("$PYTHON" --version) at $PYTHON"
"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --upgrade pip
/autograder/venv/bin/python -m pip install /autograder/source/kit
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json.
set -uo pipefail
ROOT="${FTLAB_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${FTLAB_AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT"
exec "$PYTHON" -m ftlab.cli.main gradescope run --root "$ROOT"
"""


def _entry(archive: zipfile.ZipFile, name: str, data: bytes, *, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_STAMP)
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def kit_files(kit: Path) -> list[Path]:
    """The files of the kit that go into the zip: package and graders, no solutions, tests or caches."""
    files = [kit / name for name in KIT_FILES if (kit / name).is_file()]
    for folder in KIT_FOLDERS:
        files += [
            p
            for p in (kit / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        ]
    return sorted(files)


def _check(name: str, value: float, most: float) -> None:
    if not (math.isfinite(value) and 0 < value <= most):
        raise ValueError(f"{name} must be a number of seconds above 0 and at most {most:g}, got {value!r}")


def build_zip(
    out: Path,
    *,
    kit: Path,
    timeout: float = DEFAULT_CALL_TIMEOUT,
    visibility: str = "visible",
    hidden_visibility: str = "after_published",
    budget: float = DEFAULT_BUDGET,
) -> list[str]:
    """Write the autograder zip for the kit at ``kit``; the names it holds.

    ``budget`` is the seconds one submission may take in all (default: inside Gradescope's
    10-minute default limit); hidden checks are shown with ``hidden_visibility``.
    """
    missing = [name for name in ("pyproject.toml", "ftlab", "graders") if not (kit / name).exists()]
    if missing:
        raise FileNotFoundError(f"{kit} is not an ftlab kit: no {', '.join(missing)}")
    _check("the budget", budget, MAX_BUDGET)
    _check("the timeout", timeout, budget)
    for value in (visibility, hidden_visibility):
        if value not in VISIBILITIES:
            raise ValueError(f"a visibility must be one of {', '.join(VISIBILITIES)}, got {value!r}")
    config = {
        "timeout": timeout,
        "budget": budget,
        "visibility": visibility,
        "hidden_visibility": hidden_visibility,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(temporary, "w") as archive:
        _entry(archive, "setup.sh", SETUP_SH.encode(), executable=True)
        _entry(archive, "run_autograder", RUN_AUTOGRADER.encode(), executable=True)
        _entry(archive, f"kit/{CONFIG}", (json.dumps(config, indent=2) + "\n").encode())
        for path in kit_files(kit):
            _entry(archive, f"kit/{path.relative_to(kit).as_posix()}", path.read_bytes())
        names = archive.namelist()
    temporary.replace(out)
    return names


def one_submission(folder: Path) -> Submission:
    """What a student uploaded, as one submission (never a class, whatever the folder holds)."""
    found = find_submissions([str(folder)])
    if len(found) == 1:
        return Submission("submission", found[0].path, found[0].kind)
    return Submission("submission", folder, "unknown")  # staging it says what was expected


def _config(kit: Path) -> dict[str, Any]:
    path = kit / CONFIG
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def run(root: Path) -> int:
    """Grade ``root/submission`` with the kit in ``root/source/kit``; always leave ``results/results.json``.

    Returns 0 whatever happened: the score and any failure are in ``results.json``, for Gradescope.
    """
    from ftlab.classroom.batch import Settings, grade_all
    from ftlab.classroom.exports import gradescope
    from ftlab.grading.isolation.sandbox import find_sandbox

    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        kit = root / "source" / "kit"
        config = _config(kit)
        sandbox = find_sandbox()
        print(f"ftlab: learner code runs in a {sandbox.describe()}")
        settings = Settings(
            graders=kit / "graders",
            timeout=float(config.get("timeout", DEFAULT_CALL_TIMEOUT)),
            sandbox=sandbox,
            jobs=1,
            budget=float(config.get("budget", DEFAULT_BUDGET)),
        )
        graded = grade_all([one_submission(root / "submission")], settings)[0]
        data = gradescope(
            graded,
            visibility=config.get("visibility", "visible"),
            hidden_visibility=config.get("hidden_visibility", "after_published"),
        )
        score = f"{data['score']:g} / {data['max_score']:g}"
        print(f"ftlab: {graded.status}, {score} in {graded.seconds:.1f} s {graded.message}")
        if graded.log:
            print(graded.log)
    except Exception:  # noqa: BLE001 - Gradescope must always get a results.json
        print(traceback.format_exc())
        data = {
            "score": 0.0,
            "execution_time": round(time.monotonic() - started),
            "output": "The autograder failed; this is not your fault. Your instructor has been shown why.",
            "stdout_visibility": "hidden",
            "tests": [],
        }
    with atomic_writer(results / "results.json") as stream:
        json.dump(data, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    return ExitCode.OK
