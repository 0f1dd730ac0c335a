"""Grading speed with learner code isolated: a class's rate, one submission's overhead, a looping one.

Run: ``python bench/bench_grade.py [N] [--jobs J] [--json]`` from the repository root (default:
100 submissions, or 10 with ``--json``; 2 jobs). Prints three rows, each against its target
(issue 12), with the peer measured in the same run:
- a class of N mixed submissions (reference answers, stubs, a partly right one and a broken one
  in turn) graded by ``ftlab grade``'s batch, J at a time, learner code sandboxed (bubblewrap
  when there is one), in submissions/s; peer: ``python -m pytest graders/ --impl SUBMISSION``
  once per submission in a subprocess, J at a time (learner code in the graders' process);
- one reference submission: ``ftlab grade`` (the command, in a subprocess) over in-process
  ``python -m pytest graders/ --impl`` on the same folder, as a ratio (each the best of
  ``--repeat`` runs, 3 by default, the two taking turns);
- a submission whose every function loops forever (``bench/bench_looping.py``), in seconds.
With ``--json`` the last stdout line is those rows as JSON, for bench/table.py.
"""

from __future__ import annotations

import argparse
import json
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

from ftlab.classroom.batch import Settings, grade_all  # noqa: E402
from ftlab.classroom.submission import find_submissions  # noqa: E402
from ftlab.grading.isolation.sandbox import find_sandbox  # noqa: E402
from ftlab.grading.isolation.template import usable  # noqa: E402

RATE_TARGET, OVERHEAD_TARGET, LOOP_TARGET = 1.0, 1.2, 60.0
KINDS = ("reference", "stubs", "partial", "broken")
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
BROKEN = {  # a syntax error, an import that fails, a file that exits: the rest is the reference's
    "ex1_build_example.py": "def build_example(user, assistant, system=None)\n    return {}\n",
    "ex3_estimate_tokens.py": "import tiktokken\n",
    "ex5_decide_approach.py": "raise SystemExit(3)\n",
}
ENVIRONMENT = {**os.environ, "PYTHONPATH": str(ROOT)}


def make_class(folder: Path, count: int) -> None:
    for index in range(count):
        target, kind = folder / f"s{index:03d}", KINDS[index % len(KINDS)]
        source = ROOT / ("exercises" if kind == "stubs" else "solutions")
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "conftest.py"))
        if kind == "partial":
            (target / "ex1_build_example.py").write_text(PARTLY, encoding="utf-8")
        if kind == "broken":
            for name, text in BROKEN.items():
                (target / name).write_text(text, encoding="utf-8")


def isolated(folder: Path, jobs: int) -> tuple[float, int]:
    submissions = find_submissions([str(folder)])
    settings = Settings(graders=ROOT / "graders", timeout=10, sandbox=find_sandbox(), jobs=jobs, budget=600)
    started = time.perf_counter()
    results = grade_all(submissions, settings, progress=None)
    return time.perf_counter() - started, sum(r.status == "graded" for r in results)


def plain_pytest(submission: Path) -> bool:
    command = [sys.executable, "-m", "pytest", str(ROOT / "graders"), "--impl", str(submission)]
    done = subprocess.run(
        [*command, "-q", "-p", "no:cacheprovider"], capture_output=True, text=True, env=ENVIRONMENT, cwd=ROOT
    )
    return done.returncode in (0, 1) and "ftlab scoreboard" in done.stdout


def peer(folder: Path, jobs: int) -> tuple[float, int]:
    submissions = sorted(p for p in folder.iterdir() if p.is_dir())
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        graded = sum(pool.map(plain_pytest, submissions))
    return time.perf_counter() - started, graded


def overhead(folder: Path, repeat: int) -> tuple[float, float]:
    """Seconds for ``ftlab grade`` of one reference submission, and for in-process pytest on it:
    each the best of ``repeat`` runs, the two taking turns (a busy moment costs both alike)."""
    one = folder / "one"
    shutil.copytree(ROOT / "solutions", one / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "ftlab.cli.main", "grade", str(one), "--out", str(folder / "out")]
    ours = theirs = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            [*command, "--jobs", "1"], capture_output=True, text=True, env=ENVIRONMENT, cwd=ROOT
        )
        ours = min(ours, time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"ftlab grade failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        started = time.perf_counter()
        if not plain_pytest(one / "reference"):
            sys.exit("pytest graders/ --impl on the reference failed")
        theirs = min(theirs, time.perf_counter() - started)
    return ours, theirs


def looping() -> tuple[float, bool, str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_looping.py"), "--json"],
        capture_output=True, text=True, env=ENVIRONMENT, cwd=ROOT,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        sys.exit(f"bench_looping.py failed: {done.stderr.strip()[-500:]}")
    row = json.loads(lines[-1])[0]
    print("\n".join("  " + line for line in lines[2:5]))
    return float(row["measured"].split()[0]), bool(row["met"]), row["row"]


def class_row(folder: Path, count: int, jobs: int) -> dict[str, object]:
    make_class(folder, count)
    ours, ours_graded = isolated(folder, jobs)
    theirs, theirs_graded = peer(folder, jobs)
    rate, peer_rate = count / ours, count / theirs
    print(f"class of {count} mixed ({', '.join(KINDS)}), {jobs} jobs:")
    print(f"  ftlab grade, sandboxed:            {rate:5.2f} submissions/s ({ours:.1f} s, "
          f"{ours_graded}/{count} graded)   target >= {RATE_TARGET:g}/s")  # fmt: skip
    print(f"  plain pytest, a subprocess each:   {peer_rate:5.2f} submissions/s ({theirs:.1f} s, "
          f"{theirs_graded}/{count} graded)")  # fmt: skip
    if ours_graded != count:
        print(f"  only {ours_graded} of {count} submissions were graded")
    what = f"ftlab grade, class of {count} mixed, sandboxed, {jobs} jobs"
    peer_text = f"plain pytest per submission {peer_rate:.2f} /s"
    met = rate >= RATE_TARGET and ours_graded == count
    return _row(what, f"{rate:.2f} /s", f">= {RATE_TARGET:g} /s", peer_text, met)


def overhead_row(folder: Path, repeat: int) -> dict[str, object]:
    grade_s, pytest_s = overhead(folder, repeat)
    ratio = grade_s / pytest_s
    print(f"one reference submission: ftlab grade {grade_s:.1f} s / in-process pytest {pytest_s:.1f} s "
          f"= {ratio:.2f}x (best of {repeat} each)   target <= {OVERHEAD_TARGET:g}x")  # fmt: skip
    what = "sandbox overhead, one submission (ftlab grade / pytest graders/ --impl)"
    measured = f"{ratio:.2f}x ({grade_s:.1f} s / {pytest_s:.1f} s)"
    peer_text = f"in-process pytest {pytest_s:.1f} s"
    return _row(what, measured, f"<= {OVERHEAD_TARGET:g}x", peer_text, ratio <= OVERHEAD_TARGET)


def looping_row() -> dict[str, object]:
    seconds, met, what = looping()
    print(f"{what}: {seconds:.1f} s   target <= {LOOP_TARGET:g} s")
    return _row(what, f"{seconds:.1f} s", f"<= {LOOP_TARGET:g} s", "", met)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="end with the JSON rows for bench/table.py")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the one-submission overhead (best of)")
    args = parser.parse_args()
    count = args.count or (10 if args.json else 100)
    sandbox = find_sandbox()
    children = "forked from a warmed template per job" if usable(sandbox) else "a fresh Python per submission"
    print(f"learner code in a {sandbox.describe()}, {children}; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ftlab-bench-") as name:
        rows = [class_row(Path(name, "class"), count, args.jobs), overhead_row(Path(name), args.repeat)]
    rows.append(looping_row())
    if args.json:
        print(json.dumps(rows))


def _row(what: str, measured: str, target: str, peer: str, met: bool) -> dict[str, object]:
    return {"row": what, "measured": measured, "target": target, "peer": peer, "met": met}


if __name__ == "__main__":
    main()
