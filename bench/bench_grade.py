"""How many submissions per second ``ftlab grade`` grades with learner code isolated, against plain pytest.

Run: ``python bench/bench_grade.py [N] [--jobs J]`` from the repository root (default 100
submissions, one job per core). The class is made of the reference answers, the stubs and a
partly right submission in turn. Two ways to grade it, both J at a time:
- isolated: ``ftlab grade``'s batch (a worker process per submission from a preloaded
  forkserver; learner code in a child process, in a bubblewrap sandbox when there is one);
- peer: ``python -m pytest graders/ --impl SUBMISSION`` once per submission in a subprocess,
  learner code in the same process as the graders (no isolation at all).
Prints submissions per second for each and their ratio; every submission must be graded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ftlab.classroom.batch import Settings, default_jobs, grade_all  # noqa: E402
from ftlab.classroom.submission import find_submissions  # noqa: E402
from ftlab.grading.isolation.sandbox import find_sandbox  # noqa: E402

PARTLY = """\
def build_example(user, assistant, system=None):
    messages = [{"role": "system", "content": system}] if system else []
    turn = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return {"messages": messages + turn}


def write_jsonl(examples, path):
    import json
    with open(path, "w") as stream:
        for example in examples:
            stream.write(json.dumps(example) + "\\n")
    return len(examples)
"""


def make_class(folder: Path, count: int) -> None:
    for index in range(count):
        target = folder / f"s{index:03d}"
        kind = index % 3
        shutil.copytree(
            ROOT / ("solutions" if kind != 1 else "exercises"),
            target,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        if kind == 2:
            (target / "ex1_build_example.py").write_text(PARTLY, encoding="utf-8")


def isolated(folder: Path, jobs: int) -> tuple[float, int]:
    submissions = find_submissions([str(folder)])
    settings = Settings(graders=ROOT / "graders", timeout=10, sandbox=find_sandbox(), jobs=jobs, budget=600)
    started = time.perf_counter()
    results = grade_all(submissions, settings, progress=sys.stderr)
    elapsed = time.perf_counter() - started
    return elapsed, sum(r.status == "graded" for r in results)


def peer(folder: Path, jobs: int) -> tuple[float, int]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}

    def one(submission: Path) -> bool:
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(ROOT / "graders"),
            "--impl",
            str(submission),
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT)
        return done.returncode in (0, 1) and "ftlab scoreboard" in done.stdout

    submissions = sorted(p for p in folder.iterdir() if p.is_dir())
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        graded = sum(pool.map(one, submissions))
    return time.perf_counter() - started, graded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=100)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    sandbox = find_sandbox()
    print(f"{args.count} submissions, {args.jobs} at a time; learner code in a {sandbox.describe()}")
    with tempfile.TemporaryDirectory(prefix="ftlab-bench-") as folder:
        make_class(Path(folder), args.count)
        ours, ours_graded = isolated(Path(folder), args.jobs)
        theirs, theirs_graded = peer(Path(folder), args.jobs)
    print(
        f"isolated (ftlab grade):           {args.count / ours:6.2f} submissions/s"
        f"  ({ours:.1f} s, {ours_graded}/{args.count} graded)"
    )
    print(
        f"plain pytest, one subprocess each: {args.count / theirs:6.2f} submissions/s"
        f"  ({theirs:.1f} s, {theirs_graded}/{args.count} graded)"
    )
    print(f"ratio isolated / plain:            {theirs / ours:6.2f}x")
    if ours_graded != args.count:
        sys.exit(f"only {ours_graded} of {args.count} submissions were graded")


if __name__ == "__main__":
    main()
