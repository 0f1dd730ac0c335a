"""The engine's check of a job's files, run in the background as OpenAI validates them.

Creating a job answers ``validating_files`` at once; a :class:`FileCheck` runs the engine's rules
(:func:`ftlab.mock.training.inspect_file`) in its own thread, never under the key's lock, so
the key's other requests go on while a large file is read. The job leaves ``validating_files`` at
its simulated validation time or when the check is done, whichever is later, on the clock's time.

A clock that does not run by itself (:class:`ftlab.mock.clock.ManualClock`) cannot tell how long a
check took, so there a check counts as instant: a request that finds a job past its validation time
with its check still running waits for it first (outside the key's lock), and a test sees the same
statuses at the same simulated times however fast the machine is.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from ftlab.mock.clock import Clock, runs_by_itself
from ftlab.mock.training import Dataset, JobError

Outcome = Dataset | JobError
#: What checking a job's files gives: the training file's outcome, the validation file's (or None).
Outcomes = tuple[Outcome, Outcome | None]

CHECK_FAILED = JobError(
    "server_error",
    "The job failed while its files were being validated; it has not been charged. You can retry the job.",
    None,
)


class FileCheck:
    """One job's files being checked in a daemon thread; ``done`` once ``outcomes`` is set."""

    def __init__(self, run: Callable[[], Outcomes], clock: Clock, started_at: float) -> None:
        self._run = run
        self._clock = clock
        self._done = threading.Event()
        self.started_at = started_at
        self.finished_at = started_at
        self.outcomes: Outcomes = (CHECK_FAILED, None)
        self._thread = threading.Thread(target=self._work, name="ftlab-mock-file-check", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the check is done (True) or ``timeout`` seconds pass (False)."""
        return self._done.wait(timeout)

    def _work(self) -> None:
        try:
            self.outcomes = self._run()
        except Exception as error:  # noqa: BLE001 - a bug in a check must fail the job, not hang it
            print(f"ftlab mock: the file check failed: {error!r}", file=sys.stderr)
        finally:
            if runs_by_itself(self._clock):
                self.finished_at = max(self.started_at, self._clock.now())
            self._done.set()
