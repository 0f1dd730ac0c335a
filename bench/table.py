"""The speed table of issues 12 and 13, measured on this machine in one run.

Runs each bench script below with ``--json`` (each prints its own lines, then its rows as JSON
on its last line: see ``bench/rows.py``) and prints one table: what, measured, target, the peer
measured in the same run, and whether the target held. ``--suite`` also times the project's
test suite as ``.ci/run`` runs it (``pytest`` from the repository root; many minutes).

    python bench/table.py [--only NAME ...] [--suite]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from rows import Row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

#: Each script with the arguments it runs with here (its row names say what size it measured).
SCRIPTS: dict[str, list[str]] = {
    "learner_loop": ["bench_learner_loop.py"],
    "grade": ["bench_grade.py"],  # its rows include bench_looping.py's (a submission looping forever)
    "mock": ["bench_mock.py"],
    "validate": ["bench_validate.py"],
    "quality": ["bench_quality.py", "--examples", "100000"],
}
SUITE_TARGET = 150.0


def run_script(name: str, argv: list[str]) -> list[Row]:
    """One bench script's rows; a script that fails or prints no rows gives one row saying so."""
    script = Path(__file__).parent / argv[0]
    done = subprocess.run(
        [sys.executable, str(script), *argv[1:], "--json"], cwd=ROOT, capture_output=True, text=True
    )
    sys.stderr.write(f"--- {argv[0]} ---\n{done.stdout}{done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    try:
        rows = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        rows = None
    if done.returncode != 0 or not isinstance(rows, list):
        return [Row(name, f"no rows (exit status {done.returncode})", "", False)]
    return [Row(**row) for row in rows]


def suite_row() -> Row:
    """The project's own tests as ``.ci/run`` runs them: ``pytest`` from the repository root."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    tail = (done.stdout.strip().splitlines() or ["no output"])[-1]
    return Row(
        "the project's test suite as .ci/run runs it",
        f"{seconds / 60:.1f} min ({tail})",
        f"<= {SUITE_TARGET / 60:g} min",
        done.returncode == 0 and seconds <= SUITE_TARGET,
    )


def print_table(rows: list[Row]) -> None:
    width = max(len(row.row) for row in rows)
    print(f"\n{'what':{width}}  {'measured':46}  {'target':10}  met  peer")
    for row in rows:
        met = "yes" if row.met else "NO "
        print(f"{row.row:{width}}  {row.measured:46}  {row.target:10}  {met}  {row.peer}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SCRIPTS), help="run only these scripts")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()
    rows: list[Row] = []
    for name, argv in SCRIPTS.items():
        if not args.only or name in args.only:
            rows += run_script(name, argv)
    if args.suite:
        rows.append(suite_row())
    else:
        rows.append(Row("the project's test suite as .ci/run runs it", "not measured (--suite)", "", False))
    print_table(rows)
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
