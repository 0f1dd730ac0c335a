"""Benchmark: the CPU time of ``ftlab validate`` on a 10-line file, start-up included, against 1 s.

Issue 16: a learner runs ``ftlab validate`` on a small hand-made file again and again; most of
its cost is starting up (imports, the tokenizer's rank file). Runs the command as a fresh
process ``--repeat`` times, with and without ``--model`` (which counts tokens), and prints the
median CPU time (user + system, from ``getrusage``: steadier than wall time on a busy machine)
against the 1 s floor, and against a bare ``python -c pass`` as the peer start-up cost.

    python bench/bench_validate_small.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

FLOOR_SECONDS = 1.0
RECORD = {
    "messages": [
        {"role": "system", "content": "Classify the support email."},
        {"role": "user", "content": "My invoice is wrong, I was charged twice."},
        {"role": "assistant", "content": "Category: billing\nPriority: high"},
    ]
}


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU time of one run of ``argv`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(argv: list[str], repeat: int) -> float:
    return statistics.median(cpu_seconds(argv) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ten.jsonl"
        path.write_text("".join(json.dumps(RECORD) + "\n" for _ in range(10)), encoding="utf-8")
        command = [sys.executable, "-m", "ftlab.cli.main", "validate", str(path)]
        peer = median_cpu([sys.executable, "-c", "pass"], options.repeat)
        plain = median_cpu(command, options.repeat)
        counted = median_cpu([*command, "--model", "gpt-4o-mini"], options.repeat)
    print(f"python -c pass                      {peer:6.3f} s CPU (peer: start-up alone)")
    ok = True
    for label, seconds in (("ftlab validate (10 lines)", plain), ("  ... --model gpt-4o-mini", counted)):
        ok = ok and seconds < FLOOR_SECONDS
        print(
            f"{label:35} {seconds:6.3f} s CPU  ({seconds / FLOOR_SECONDS:.2f} of the"
            f" {FLOOR_SECONDS:g} s floor, {seconds / peer:.0f}x a bare start-up)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
