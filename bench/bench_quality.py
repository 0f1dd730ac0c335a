"""Benchmark: what the quality pass adds to ``ftlab validate`` on 100,000 examples, in time and memory.

Issue 13: the pass (duplicates, near-duplicates by MinHash, conflicts, format drift, system
prompts, length outliers, labels, secrets) may add at most 50% to ``ftlab validate``'s time.
Times ``ftlab validate FILE --model M`` as the command runs it, with the pass and with it
replaced by a no-op, best of ``--repeat``, in CPU seconds (``time.process_time``: steadier than
wall time on a busy machine); then, each in a fresh process, the peak memory
traced by Python (tracemalloc) and the peak RSS of both, and of ``assess_file`` alone, next to
the stated bound: O(examples), about ``BOUND_BYTES`` per example, no pairwise matrix. The file
is bench_validate's generated one, with 1% of its lines repeated so the pass finds duplicates.

    python bench/bench_quality.py [--examples 100000] [--model gpt-4o-mini] [--repeat 2] [--json]

With ``--json`` (20,000 examples unless ``--examples`` says otherwise) it ends with one JSON line:
the rows of the summary table (``bench/table.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_validate import make_record, quality_off, validate  # noqa: E402

from ftlab.dataset.jsonl import write_jsonl  # noqa: E402
from ftlab.tokens.counting import encoding_for_model  # noqa: E402

#: The stated memory bound of the quality pass, per example (see ftlab/dataset/quality/assessment.py).
BOUND_BYTES = 2_000
TARGET = 0.5


def make_file(path: Path, n: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    records = [make_record(rng) for _ in range(n)]
    for _ in range(n // 100):
        records[rng.randrange(n)] = records[rng.randrange(n)]
    write_jsonl(records, path)
    return path


def timed(path: Path, model: str, repeat: int, *, quality: bool) -> float:
    with contextlib.nullcontext() if quality else quality_off():
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            validate(path, model)
            best = min(best, time.process_time() - start)
        return best


def peak(path: Path, model: str, what: str) -> dict[str, float]:
    """Peak traced and RSS memory of one run in a fresh process: "with", "without" or "alone"."""
    script = (
        "import json, resource, sys, tracemalloc\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r}); sys.argv = ['x']\n"
        "import bench_quality as b; from pathlib import Path\n"
        "from ftlab.dataset.quality import assess_file; from ftlab.dataset.quality import minhash\n"
        f"b.encoding_for_model({model!r}); path = Path({str(path)!r})\n"
        "tracemalloc.start()\n"
        f"what = {what!r}\n"
        "if what == 'alone': assess_file(path)\n"
        f"else: b.timed(path, {model!r}, 1, quality=(what == 'with'))\n"
        "traced = tracemalloc.get_traced_memory()[1]; tracemalloc.stop()\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'traced_mib': traced / 2**20, 'rss_mib': rss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def measure(path: Path, examples: int, model: str, repeat: int) -> list[dict[str, object]]:
    """Print the time and memory the pass adds; return them as the summary table's rows."""
    without = timed(path, model, repeat, quality=False)
    with_pass = timed(path, model, repeat, quality=True)
    added = with_pass / without - 1
    print(f"ftlab validate without the quality pass: {without:8.2f} s CPU")
    print(f"ftlab validate with the quality pass:    {with_pass:8.2f} s CPU")
    verdict = "within" if added <= TARGET else "OVER"
    print(f"the quality pass adds {added:.0%} (target: at most {TARGET:.0%}; {verdict})")
    print(f"peak memory, each in a fresh process (bound: about {BOUND_BYTES:,} bytes per example):")
    rows = {what: peak(path, model, what) for what in ("without", "with", "alone")}
    for what, label in (
        ("without", "validate without the pass"),
        ("with", "validate with the pass"),
        ("alone", "assess_file alone"),
    ):
        traced, rss = rows[what]["traced_mib"], rows[what]["rss_mib"]
        print(f"  {label:27} {traced:8.1f} MiB traced by Python at peak, {rss:8.1f} MiB RSS")
    extra = (rows["with"]["traced_mib"] - rows["without"]["traced_mib"]) * 2**20 / examples
    bound = BOUND_BYTES * examples / 2**20
    print(
        f"  the pass's share: {extra:,.0f} bytes per example traced "
        f"(bound {BOUND_BYTES:,}: {bound:.0f} MiB for this file)"
    )
    size = f"{examples:,} examples"
    return [
        {
            "row": f"quality pass: time added to ftlab validate ({size})",
            "measured": f"+{added:.0%} ({without:.2f} -> {with_pass:.2f} s CPU)",
            "target": f"<= +{TARGET:.0%}",
            "peer": f"validate without the pass: {without:.2f} s CPU",
            "met": added <= TARGET,
        },
        {
            "row": f"quality pass: memory per example ({size})",
            "measured": f"{extra:,.0f} bytes/example traced",
            "target": f"<= {BOUND_BYTES:,} bytes/example",
            "peer": "",
            "met": extra <= BOUND_BYTES,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--examples", type=int, help="default 100,000; 20,000 with --json")
    parser.add_argument("--model", default="gpt-4o-mini")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="end with the summary table's rows as JSON")
    args = parser.parse_args()
    examples = args.examples or (20_000 if args.json else 100_000)
    with tempfile.TemporaryDirectory(prefix="ftlab-bench-") as folder:
        path = make_file(Path(folder, "big.jsonl"), examples)
        encoding_for_model(args.model)
        size = path.stat().st_size / 2**20
        print(f"{examples:,} examples ({size:.1f} MiB), model {args.model}, best of {args.repeat}")
        rows = measure(path, examples, args.model, args.repeat)
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
