"""The learner's loop: how long ``pytest exercises/`` takes, as a learner runs it, on this machine.

Run: ``python bench/bench_learner_loop.py [--repeat N] [--json]`` from the repository root. It
writes the student distribution of this kit (``ftlab dist student``) into a temporary folder,
puts the reference answers (``solutions/``) in its ``exercises/``, and times, each in a fresh
``python -m pytest`` started in that folder (as a learner runs it; best of N wall-clock runs):

- ``pytest exercises/`` on the reference answers, against issue 12's target of 2 s;
- ``pytest exercises/exN_....py`` for each exercise, against 1 s for the slowest one;
- for information, ``pytest exercises/`` on the unfinished stubs.

The runs are a learner's: Python caches bytecode (``PYTHONDONTWRITEBYTECODE`` is unset for them),
pytest's temporary folders are the bench's own (``TMPDIR``), and a first, untimed run of each
command compiles what later runs reuse, and fills the per-user cache of decoded token ranks
(``ftlab/tokens/encodings.py``), as the first run after installing does. Each line also
shows the CPU time (user + system) of the best run, which a busy machine inflates less than wall
time. A run of the reference answers that is not full marks stops the bench.
With ``--json`` the last line of output is a JSON list of rows for ``bench/table.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ftlab.classroom.dist import build_student  # noqa: E402
from ftlab.grading.exercises import EXERCISES  # noqa: E402

WHOLE_TARGET = 2.0
ONE_TARGET = 1.0


@dataclass(frozen=True)
class Timing:
    """The best of N runs of one command: wall-clock seconds and that run's CPU seconds."""

    wall: float
    cpu: float
    runs: int

    def __str__(self) -> str:
        return f"{self.wall:5.2f} s wall (cpu {self.cpu:.2f} s, best of {self.runs})"


def kit(folder: Path, *, reference: bool) -> Path:
    """The student distribution in ``folder``, with the reference answers in exercises/ if asked."""
    build_student(ROOT, folder)
    if reference:
        for answer in (ROOT / "solutions").iterdir():
            if answer.is_file():
                shutil.copy2(answer, folder / "exercises" / answer.name)
    return folder


def learner_env(temp: Path) -> dict[str, str]:
    """The environment of a learner's shell: bytecode cached, its own temporary folder."""
    unset = ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTHONDONTWRITEBYTECODE")
    return {**{k: v for k, v in os.environ.items() if k not in unset}, "TMPDIR": str(temp)}


def run_once(folder: Path, target: str) -> tuple[float, float, int]:
    """One fresh ``python -m pytest target``: wall seconds, CPU seconds, exit status."""
    env = learner_env(folder.parent / "tmp")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", target],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def best(folder: Path, target: str, repeat: int, *, must_pass: bool) -> Timing:
    run_once(folder, target)  # compiles and caches bytecode, as a learner's first run does
    runs = []
    for _ in range(repeat):
        wall, cpu, code = run_once(folder, target)
        if must_pass and code != 0:
            raise SystemExit(f"`pytest {target}` on the reference answers exited {code}: not full marks")
        runs.append((wall, cpu))
    wall, cpu = min(runs)
    return Timing(wall, cpu, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the best counts (default 3)")
    parser.add_argument("--json", action="store_true", help="end with a JSON line of rows (bench/table.py)")
    options = parser.parse_args()
    repeat = max(1, options.repeat)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory(prefix="ftlab-loop-") as private:
        Path(private, "tmp").mkdir()
        reference = kit(Path(private, "reference"), reference=True)
        stubs = kit(Path(private, "stubs"), reference=False)
        whole = best(reference, "exercises/", repeat, must_pass=True)
        print(f"pytest exercises/ on the reference answers:  {whole}   target <= {WHOLE_TARGET:g} s")
        singles = {}
        for exercise in EXERCISES:
            singles[exercise.slug] = best(reference, f"exercises/{exercise.filename}", repeat, must_pass=True)
            print(f"pytest exercises/{exercise.filename:<26} {singles[exercise.slug]}")
        slowest = max(singles, key=lambda slug: singles[slug].wall)
        print(f"slowest one exercise: {slowest}, {singles[slowest].wall:.2f} s  target <= {ONE_TARGET:g} s")
        unfinished = best(stubs, "exercises/", repeat, must_pass=False)
        print(f"pytest exercises/ on the stubs (information): {unfinished}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    if options.json:
        rows = [
            {
                "row": "`pytest exercises/` on the reference answers",
                "measured": f"{whole.wall:.2f} s (cpu {whole.cpu:.2f} s, best of {repeat})",
                "target": f"<= {WHOLE_TARGET:g} s",
                "peer": "",
                "met": whole.wall <= WHOLE_TARGET,
            },
            {
                "row": "`pytest exercises/exN_….py`, any one exercise",
                "measured": f"slowest {slowest.split('_')[0]} {singles[slowest].wall:.2f} s; "
                + ", ".join(f"{s.split('_')[0]} {t.wall:.2f}" for s, t in singles.items()),
                "target": f"<= {ONE_TARGET:g} s",
                "peer": "",
                "met": singles[slowest].wall <= ONE_TARGET,
            },
        ]
        print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
