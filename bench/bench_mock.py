"""How fast the mock API is ready, and how long a whole fine-tuning job takes with the default clock.

Run: ``python bench/bench_mock.py`` (from the repository root). Prints, against the targets of
issue 4 (ready within about 1 s; upload 1 MB + create + poll to succeeded well under 1 s):
- ready: ``ftlab mock-server`` started as a process until it answers, next to a bare
  ``python -c pass`` (the floor no Python server can beat) and an in-process start;
- lifecycle: upload a 1 MB training file, create a job, poll every 5 ms until it succeeds,
  next to the upload alone (the floor); "cold" with a file the server has not seen, "again"
  with the same file a second time (its validation remembered).
Creating the job validates the file with the engine's rules (``ftlab.dataset.validation.validate_file``),
which is most of the cold time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ftlab.dataset.validation import validate_file  # noqa: E402
from ftlab.mock import MockServer  # noqa: E402

READY_TARGET = 1.0
LIFECYCLE_TARGET = 1.0
RUNS = 5


def one_mb_file(run: int = 0) -> bytes:
    """About 1 MB of chat examples; each ``run`` differs, so no run reuses another's validation."""
    lines, size, i = [], 0, 0
    while size < 1_000_000:
        record = {
            "messages": [
                {
                    "role": "system",
                    "content": "You are a patient tutor who explains fine-tuning to beginners.",
                },
                {
                    "role": "user",
                    "content": f"Run {run}, question {i}:"
                    " why would a fine-tuned model answer differently from the base model?",
                },
                {
                    "role": "assistant",
                    "content": f"Answer {i}: because its weights were nudged by examples like this one, " * 3,
                },
            ]
        }
        line = json.dumps(record) + "\n"
        lines.append(line)
        size += len(line.encode())
        i += 1
    return "".join(lines).encode()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def process_ready() -> float:
    """Seconds from spawning ``mock-server`` to its first answered request."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ftlab.cli.mock_server", "mock-server", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split(" ready at ", 1)[1].split()[0].removesuffix("/v1")
        httpx2.get(f"{url}/_mock/health").raise_for_status()
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


def in_process_ready() -> float:
    started = time.perf_counter()
    with MockServer() as mock:
        httpx2.get(f"{mock.url}/_mock/health").raise_for_status()
        return time.perf_counter() - started


def lifecycle(data: bytes) -> tuple[float, float, int]:
    """(seconds for upload+create+poll to succeeded, seconds for the upload alone, polls)."""
    with MockServer() as mock:
        client = mock.client("bench-key")
        client.models.list()  # warm the connection and the SDK
        started = time.perf_counter()
        uploaded = client.files.create(file=("train.jsonl", data), purpose="fine-tune")
        upload_done = time.perf_counter()
        job = client.fine_tuning.jobs.create(training_file=uploaded.id, model="gpt-4o-mini")
        polls = 0
        while job.status not in ("succeeded", "failed", "cancelled"):
            time.sleep(0.005)
            job = client.fine_tuning.jobs.retrieve(job.id)
            polls += 1
        elapsed = time.perf_counter() - started
        if job.status != "succeeded":
            raise SystemExit(f"the benchmark job ended {job.status}: {job.error}")
        return elapsed, upload_done - started, polls


def validation_alone(data: bytes, tmp: Path) -> float:
    """The engine's validation of the same 1 MB file, outside the server."""
    path = tmp / "bench_mock_train.jsonl"
    path.write_bytes(data)
    try:
        started = time.perf_counter()
        validate_file(path)
        return time.perf_counter() - started
    finally:
        path.unlink()


def main() -> None:
    data = one_mb_file()
    lifecycle(
        b"".join(one_mb_file(-1).splitlines(keepends=True)[:50])
    )  # warm up: the encoding loads once per process

    floor = statistics.median(bare_python() for _ in range(RUNS))
    ready = statistics.median(process_ready() for _ in range(RUNS))
    inside = statistics.median(in_process_ready() for _ in range(RUNS))
    runs = [lifecycle(one_mb_file(run)) for run in range(1, RUNS + 1)]
    total = statistics.median(r[0] for r in runs)
    upload = statistics.median(r[1] for r in runs)
    polls = statistics.median(r[2] for r in runs)
    again = statistics.median(lifecycle(one_mb_file(1))[0] for _ in range(RUNS))
    with tempfile.TemporaryDirectory() as tmp:
        validating = statistics.median(validation_alone(one_mb_file(run), Path(tmp)) for run in range(RUNS))

    examples = data.count(b"\n")
    print(f"mock API benchmark (median of {RUNS}; 1 MB = {len(data):,} bytes, {examples:,} examples)")
    print(
        f"ready, as a process:        {ready:6.3f} s   target {READY_TARGET:.1f} s"
        f"  -> {ready / READY_TARGET:5.2f}x target, "
        f"{ready / floor:5.1f}x bare 'python -c pass' ({floor:.3f} s)"
    )
    print(f"ready, in process:          {inside:6.3f} s")
    print(
        f"job lifecycle, cold (1 MB): {total:6.3f} s   target {LIFECYCLE_TARGET:.1f} s"
        f"  -> {total / LIFECYCLE_TARGET:5.2f}x target, "
        f"{total / upload:5.1f}x the upload alone ({upload:.3f} s); {polls:.0f} polls"
    )
    print(
        f"  of which validate_file:   {validating:6.3f} s"
        f"   (the engine's rules, {validating / total:4.0%} of the cold lifecycle)"
    )
    print(
        f"job lifecycle, same file:   {again:6.3f} s   target {LIFECYCLE_TARGET:.1f} s"
        f"  -> {again / LIFECYCLE_TARGET:5.2f}x target"
    )


if __name__ == "__main__":
    main()
