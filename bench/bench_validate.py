"""Benchmark: ``ftlab validate`` on a generated 100,000-example file against the floor.

The floor is the least any validator that counts tokens must do, in one process: read the
file, parse every line with ``json.loads`` and tokenize every string in it with tiktoken
(``encode_ordinary``). ``ftlab validate`` does that and checks every rule, counts tokens the
chat way, keeps the statistics and prints the report. The encoding is loaded before timing on
both sides. Times are CPU seconds (``time.process_time``), best of ``--repeat``: steadier than
wall time on a shared machine. Prints the times, the ratio (issue 12's target: at most 1.3x), and
the peak memory of a validation of the 10,000-example and the 100,000-example file, each in a
fresh process: the rules keep no per-example state; the quality pass keeps a bounded amount
per example (``bench/bench_quality.py`` states and measures it).

``ftlab validate`` runs the rules and, since issue 13, the quality pass; the ratio is printed for
both: the rules alone (the pass switched off, see :func:`quality_off`) against the target, and
the whole command for information (``bench/bench_quality.py`` holds the pass to +50%).
``--json`` adds the table's row (``bench/table.py``) as the last line.

    python bench/bench_validate.py [--examples 100000] [--small 10000] [--model gpt-4o-mini]
                                   [--repeat 2] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from rows import Row, emit, wants_json  # noqa: E402

from ftlab.cli.main import main as ftlab  # noqa: E402
from ftlab.dataset.jsonl import write_jsonl  # noqa: E402
from ftlab.dataset.quality import QualityReport  # noqa: E402
from ftlab.dataset.quality.assessment import Assessor  # noqa: E402
from ftlab.tokens.counting import encoding_for_model  # noqa: E402

#: Issue 12: ``ftlab validate``'s rules at most this many times the parse-and-tokenize floor.
TARGET = 1.3

_WORDS = (
    "the invoice was charged twice this month please refund our card account login password reset "
    "outage api returns 503 since morning production checkout down urgent escalate feature request "
    "dark mode export csv billing plan upgrade team seats café naïve 東京 données €100 2024-07-18 "
    "Category: Priority: Summary: P1 P2 P3 billing outage access feature_request"
).split()
_SYSTEM = "You triage Acme Cloud support emails. Reply with exactly three lines: Category, Priority, Summary."
_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup_account",
            "description": "Find an account by email",
            "parameters": {"type": "object", "properties": {"email": {"type": "string"}}},
        },
    }
]


def make_record(rng: random.Random) -> dict[str, Any]:
    """One realistic training example: mostly single-turn triage, some multi-turn, some tool calls."""

    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(_WORDS, k=rng.randint(low, high)))

    system = {"role": "system", "content": _SYSTEM}
    kind = rng.random()
    if kind < 0.8:
        return {
            "messages": [
                system,
                {"role": "user", "content": text(20, 180)},
                {"role": "assistant", "content": text(12, 40)},
            ]
        }
    if kind < 0.9:
        return {
            "messages": [
                system,
                {"role": "user", "content": text(20, 120)},
                {"role": "assistant", "content": text(12, 40), "weight": 0},
                {"role": "user", "content": text(5, 40)},
                {"role": "assistant", "content": text(12, 40), "weight": 1},
            ]
        }
    call = {
        "id": f"call_{rng.randrange(10**6)}",
        "type": "function",
        "function": {"name": "lookup_account", "arguments": json.dumps({"email": "x@example.com"})},
    }
    return {
        "messages": [
            system,
            {"role": "user", "content": text(20, 120)},
            {"role": "assistant", "tool_calls": [call]},
            {
                "role": "tool",
                "tool_call_id": call["id"],
                "content": json.dumps({"plan": "team", "seats": rng.randint(1, 50)}),
            },
            {"role": "assistant", "content": text(12, 40)},
        ],
        "tools": _TOOLS,
    }


def make_file(path: Path, n: int, *, seed: int = 0) -> Path:
    rng = random.Random(seed)
    write_jsonl((make_record(rng) for _ in range(n)), path)
    return path


def _strings(value: object) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def floor(path: Path, model: str) -> int:
    """Parse every line and tokenize every string in it: the least a token-counting validator does."""
    encoding = encoding_for_model(model)
    tokens = 0
    with open(path, "rb") as stream:
        for raw in stream:
            for text in _strings(json.loads(raw)):
                tokens += len(encoding.encode_ordinary(text))
    return tokens


def validate(path: Path, model: str) -> int:
    """``ftlab validate FILE --model M``, as the command runs it (its output thrown away)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return ftlab(["validate", str(path), "--model", model])


def _skip(self: Assessor, line: int, record: object) -> None:
    """What the quality pass does to an example when it is switched off: nothing."""


def _nothing(self: Assessor, validation: object = None) -> QualityReport:
    return QualityReport()


@contextlib.contextmanager
def quality_off() -> Iterator[None]:
    """``ftlab validate`` with its quality pass replaced by a no-op (the rules alone)."""
    original = Assessor.add, Assessor.report
    Assessor.add, Assessor.report = _skip, _nothing  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Assessor.add, Assessor.report = original  # type: ignore[method-assign]


def _best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def peak_memory(path: Path, model: str) -> dict[str, float]:
    """Validate in a fresh process; the peak Python allocation and the peak RSS, in MiB."""
    script = (
        "import json, resource, sys, tracemalloc; sys.argv = ['x']\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from bench_validate import validate; from ftlab.tokens.counting import encoding_for_model\n"
        f"encoding_for_model({model!r}); tracemalloc.start()\n"
        f"validate(__import__('pathlib').Path({str(path)!r}), {model!r})\n"
        "peak = tracemalloc.get_traced_memory()[1]; tracemalloc.stop()\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'traced_peak_mib': peak / 2**20, 'max_rss_mib': rss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    as_rows = wants_json()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument(
        "--small", type=int, default=10_000, help="the smaller file for the memory comparison"
    )
    parser.add_argument("--model", default="gpt-4o-mini")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ftlab-bench-") as folder:
        big = make_file(Path(folder, "big.jsonl"), args.examples)
        small = make_file(Path(folder, "small.jsonl"), args.small, seed=1)
        encoding_for_model(args.model)  # loaded before timing, on both sides
        assert validate(big, args.model) == 0, "the generated file must be valid"

        floor_s = _best_of(args.repeat, lambda: floor(big, args.model))
        with quality_off():
            rules_s = _best_of(args.repeat, lambda: validate(big, args.model))
        validate_s = _best_of(args.repeat, lambda: validate(big, args.model))
        size_mib = big.stat().st_size / 2**20
        print(
            f"{args.examples:,} examples ({size_mib:.1f} MiB), model {args.model}, "
            f"best of {args.repeat}, CPU s"
        )
        print(
            f"floor (json.loads + encode_ordinary of every string): {floor_s:8.2f} s"
            f"  {args.examples / floor_s:10,.0f} examples/s"
        )
        for label, seconds in (("the rules alone", rules_s), ("with the quality pass", validate_s)):
            print(
                f"ftlab validate --model {args.model}, {label}:"
                f"{' ' * max(0, 22 - len(label))}{seconds:8.2f} s"
                f"  {args.examples / seconds:10,.0f} examples/s"
            )
        ratio = rules_s / floor_s
        verdict = "within" if ratio <= TARGET else "OVER"
        print(f"ratio validate (rules) / floor: {ratio:.2f}x (target <= {TARGET:g}x; {verdict})")
        print(f"ratio validate (whole) / floor: {validate_s / floor_s:.2f}x (for information)")

        print("peak memory of ftlab validate, each in a fresh process:")
        for path, n in ((small, args.small), (big, args.examples)):
            memory = peak_memory(path, args.model)
            print(
                f"  {n:>9,} examples: {memory['traced_peak_mib']:7.2f} MiB allocated by Python at peak,"
                f" {memory['max_rss_mib']:7.1f} MiB peak RSS"
            )
    if as_rows:
        emit(
            [
                Row(
                    f"ftlab validate's rules on {args.examples:,} examples, against the floor",
                    f"{ratio:.2f}x ({rules_s:.2f} s CPU; {validate_s:.2f} s with the quality pass)",
                    f"<= {TARGET:g}x",
                    ratio <= TARGET,
                    f"parse-and-tokenize floor {floor_s:.2f} s CPU",
                )
            ]
        )


if __name__ == "__main__":
    main()
