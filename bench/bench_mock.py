"""How fast the mock API is ready, how long a whole fine-tuning job takes, and how it holds up under load.

Run: ``python bench/bench_mock.py`` (from the repository root). Prints, against the targets of
issue 12 (mock rows):
- 50 clients' first chat completions at once, in a fresh server process (the encoding not loaded
  yet): p50 and p99 latency, target p99 <= 2 s;
- creating a job on a 50 MB training file: seconds until it answers ``validating_files``, target
  <= 0.2 s, and the same key's job list sent right after (it must not wait for the check), next to
  how long the check itself took;
and against the targets of issue 4 (ready within about 1 s; upload 1 MB + create + poll to succeeded
well under 1 s):
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
import threading
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from rows import Row, emit, wants_json  # noqa: E402

from ftlab.dataset.validation import validate_file  # noqa: E402
from ftlab.mock import MockServer  # noqa: E402

CONCURRENT_CLIENTS = 50
CONCURRENT_TARGET = 2.0
BIG_FILE_MB = 50
CREATE_TARGET = 0.2
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


def _first_chats() -> list[float]:
    """In this (fresh) process: 50 keys' first chat completions sent at once; each one's seconds."""
    gate = threading.Barrier(CONCURRENT_CLIENTS)
    times: list[float] = []
    with MockServer() as mock:
        httpx2.get(f"{mock.url}/_mock/health").raise_for_status()

        def one(index: int) -> None:
            body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Hello {index}"}]}
            headers = {"Authorization": f"Bearer sk-bench-{index}"}
            with httpx2.Client(timeout=300) as http:
                gate.wait()
                started = time.perf_counter()
                http.post(f"{mock.base_url}/chat/completions", json=body, headers=headers).raise_for_status()
                times.append(time.perf_counter() - started)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(CONCURRENT_CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return times


def first_chats() -> list[float]:
    """:func:`_first_chats` in a fresh process, so the encoding is not loaded yet."""
    out = subprocess.run(
        [sys.executable, __file__, "--first-chats"], env=_env(), check=True, capture_output=True, text=True
    )
    return [float(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]


def big_job(megabytes: int = BIG_FILE_MB) -> tuple[float, float, float, int]:
    """(seconds to answer the create, seconds for the same key's list right after, seconds the
    check took, bytes) for a job on a ``megabytes`` MB training file."""
    data = b"".join(one_mb_file(1000 + i) for i in range(megabytes))
    with MockServer() as mock:
        headers = {"Authorization": "Bearer bench-big"}
        with httpx2.Client(timeout=600, headers=headers) as http:
            files = {"file": ("big.jsonl", data)}
            uploaded = http.post(f"{mock.base_url}/files", files=files, data={"purpose": "fine-tune"}).json()
            started = time.perf_counter()
            job = http.post(
                f"{mock.base_url}/fine_tuning/jobs",
                json={"training_file": uploaded["id"], "model": "gpt-4o-mini"},
            ).json()
            created = time.perf_counter() - started
            if job.get("status") != "validating_files":
                raise SystemExit(f"the big job answered {job}")
            started = time.perf_counter()
            http.get(f"{mock.base_url}/fine_tuning/jobs").raise_for_status()
            listed = time.perf_counter() - started
            while job["status"] == "validating_files":
                time.sleep(0.05)
                job = http.get(f"{mock.base_url}/fine_tuning/jobs/{job['id']}").json()
            checked = time.perf_counter() - started
    return created, listed, checked, len(data)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def print_load_rows() -> list[Row]:
    times = first_chats()
    p50, p99 = _percentile(times, 0.50), _percentile(times, 0.99)
    print(
        f"mock under load (issue 12): {CONCURRENT_CLIENTS} keys' first chat completions at once, "
        "fresh process"
    )
    print(
        f"first chats, p99:           {p99:6.3f} s   target {CONCURRENT_TARGET:.1f} s"
        f"  -> {p99 / CONCURRENT_TARGET:5.2f}x target; p50 {p50:.3f} s, worst {max(times):.3f} s"
    )
    created, listed, checked, size = big_job()
    print(
        f"create job, {size / 1e6:.0f} MB file:    {created:6.3f} s   target {CREATE_TARGET:.1f} s"
        f"  -> {created / CREATE_TARGET:5.2f}x target (answers validating_files)"
    )
    print(
        f"  same key's list after it: {listed:6.3f} s   (the check, {checked:.1f} s, runs in the background)"
    )
    return [
        Row(
            f"mock: {CONCURRENT_CLIENTS} clients' first chat completions at once",
            f"p99 {p99:.2f} s (p50 {p50:.2f} s)",
            f"p99 <= {CONCURRENT_TARGET:g} s",
            p99 <= CONCURRENT_TARGET,
        ),
        Row(
            f"mock: create a job on a {size / 1e6:.0f} MB file",
            f"{created:.3f} s to answer validating_files",
            f"<= {CREATE_TARGET:g} s",
            created <= CREATE_TARGET,
            f"the check itself: {checked:.1f} s, in the background",
        ),
    ]


def main() -> None:
    if "--first-chats" in sys.argv:
        print(json.dumps(_first_chats()))
        return
    as_rows = wants_json()
    rows = print_load_rows()
    if as_rows:  # the table's rows only; the issue-4 lifecycle figures below are not in it
        emit(rows)
        return
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
