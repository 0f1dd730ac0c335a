"""How generous the per-call time limit is against the reference's own slowest call, on this machine.

Run: ``python bench/bench_time_limit.py [--burners N]`` from the repository root. It grades
``solutions/`` with every grader in this process (the in-process backend, warmed first the way
grading warms it), timing every call into the reference (the part the limit applies to, not
loading the file), first quietly and then with N CPU-bound processes beside it (default: two
per core). For each exercise it prints the slowest call, and the limit divided by the slowest
call overall; the floor is 20x (issue 11: "time limits are generous against the reference's own
time"). Exits 1 below the floor or short of full marks.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ftlab.grading.outcomes import Outcome  # noqa: E402
from ftlab.grading.seam import DEFAULT_CALL_TIMEOUT, LocalBackend, run_call  # noqa: E402
from ftlab.grading.settings import BACKEND_FACTORY, call_timeout  # noqa: E402
from ftlab.grading.warmup import warm  # noqa: E402

FLOOR = 20.0


class TimedBackend(LocalBackend):
    """The in-process backend, keeping how long each timed call took (what the limit applies to)."""

    times: dict[str, list[float]] = defaultdict(list)

    def call(self, exercise: Any, function: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        module = self._load(exercise)  # loading the file is not the timed part of a call
        if not isinstance(module, Outcome) and callable(getattr(module, function, None)):
            start = time.perf_counter()
            outcome = run_call(
                getattr(module, function), args, kwargs, source=self.source(exercise), timeout=self.timeout
            )
            self.times[exercise.slug].append(time.perf_counter() - start)
            return outcome
        return super().call(exercise, function, args, kwargs)


class Timing:
    """A pytest plugin that grades through :class:`TimedBackend` and counts the failures."""

    def __init__(self) -> None:
        self.failed = 0

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[BACKEND_FACTORY] = lambda config, root: TimedBackend(root, timeout=call_timeout(config))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.failed += report.failed


def _burn() -> None:
    while True:
        pass


def grade_once(label: str) -> tuple[float, int]:
    TimedBackend.times.clear()
    timing = Timing()
    pytest.main(
        [str(ROOT / "graders"), "--impl", str(ROOT / "solutions"), "-q", "-p", "no:cacheprovider"],
        plugins=[timing],
    )
    slowest = 0.0
    print(f"\n{label}:")
    for slug, times in sorted(TimedBackend.times.items()):
        worst = max(times)
        slowest = max(slowest, worst)
        print(f"  {slug:24} {len(times):5} calls   slowest {worst * 1000:8.1f} ms")
    return slowest, timing.failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burners", type=int, default=2 * (os.cpu_count() or 1))
    options = parser.parse_args()
    warm()  # as grading does before any call is timed
    quiet, failed_quiet = grade_once("quiet")
    burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(options.burners)]
    for burner in burners:
        burner.start()
    try:
        busy, failed_busy = grade_once(f"beside {options.burners} CPU-bound processes")
    finally:
        for burner in burners:
            burner.kill()
    limit = DEFAULT_CALL_TIMEOUT
    print(f"\nlimit {limit:g} s per call")
    ok = failed_quiet == failed_busy == 0
    for label, slowest in (("quiet", quiet), ("busy", busy)):
        ratio = limit / slowest if slowest else float("inf")
        ok = ok and ratio >= FLOOR
        print(
            f"  {label}: slowest call {slowest * 1000:.1f} ms,"
            f" limit / slowest = {ratio:,.0f}x (floor {FLOOR:g}x)"
        )
    print(f"failed checks: quiet {failed_quiet}, busy {failed_busy}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
