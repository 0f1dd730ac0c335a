"""How long ``ftlab grade`` takes on a submission whose every function loops forever.

Run: ``python bench/bench_looping.py [--stubborn] [--json]`` from the repository root. The
submission is the stubs in ``exercises/`` with every public function's body replaced by
``while True: pass`` (``--stubborn``: the loop also ignores the alarm that interrupts it, so
the grader must kill the child each time). It is graded once, sandboxed, with the default call
limit; prints the seconds it took against the target (<= 60 s), its score and the timeout
messages the learner reads. With ``--json`` the last line is the row for bench/table.py.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ftlab.classroom.runner import grade_submission  # noqa: E402
from ftlab.classroom.submission import find_submissions  # noqa: E402
from ftlab.grading.isolation.sandbox import find_sandbox  # noqa: E402
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT  # noqa: E402

TARGET = 60.0
LOOP = "    while True:\n        pass\n"
STUBBORN = "    import signal\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n" + LOOP


def looping_copy(target: Path, *, stubborn: bool) -> int:
    """The stubs with every public function looping forever; how many functions loop."""
    shutil.copytree(ROOT / "exercises", target, ignore=shutil.ignore_patterns("__pycache__", "conftest.py"))
    count = 0
    for path in sorted(target.glob("ex*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
        body = STUBBORN if stubborn else LOOP
        loops = "".join(f"\n\ndef {name}(*args, **kwargs):\n{body}" for name in names)
        path.write_text(path.read_text(encoding="utf-8") + loops, encoding="utf-8")
        count += len(names)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stubborn", action="store_true", help="the loops ignore the alarm too")
    parser.add_argument("--json", action="store_true", help="end with the JSON row for bench/table.py")
    args = parser.parse_args()
    sandbox = find_sandbox()
    with tempfile.TemporaryDirectory(prefix="ftlab-bench-loop-") as folder:
        functions = looping_copy(Path(folder, "looping"), stubborn=args.stubborn)
        (submission,) = find_submissions([str(Path(folder, "looping"))])
        started = time.perf_counter()
        graded = grade_submission(
            submission, graders=ROOT / "graders", timeout=DEFAULT_CALL_TIMEOUT, sandbox=sandbox
        )
        seconds = time.perf_counter() - started
    kind = "ignoring the alarm" if args.stubborn else "plain while True"
    print(f"learner code in a {sandbox.describe()}")
    print(f"{functions} functions looping forever ({kind}), call limit {DEFAULT_CALL_TIMEOUT:g} s")
    print(f"graded in {seconds:.1f} s (target <= {TARGET:g} s): {graded.status}, "
          f"{graded.board.points:g}/{graded.board.max_points:g}")  # fmt: skip
    messages = Counter(
        line.strip()[:200]
        for c in graded.board.checks
        for line in c.feedback.splitlines()
        if "timed out" in line
    )
    for message, count in messages.most_common():
        print(f"  {count:3d} x {message}")
    met = seconds <= TARGET and graded.status == "graded" and graded.board.points == 0
    if args.json:
        row = {
            "row": f"a submission whose every function loops forever ({functions} functions, {kind})",
            "measured": f"{seconds:.1f} s",
            "target": f"<= {TARGET:g} s",
            "peer": "",
            "met": met,
        }
        print(json.dumps([row]))


if __name__ == "__main__":
    main()
