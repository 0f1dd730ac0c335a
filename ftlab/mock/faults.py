"""Injected failures: the next N matching calls answer 429 or 5xx, or a job fails mid-run."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ftlab.mock.errors import ApiError
from ftlab.mock.jobs import HALF_WAY, Job
from ftlab.mock.training import JobError

_DEFAULTS: dict[int, tuple[str, str, str | None]] = {
    408: ("Request timed out.", "timeout", None),
    409: ("The request conflicted with another request in progress. Please try again.", "conflict", None),
    429: (
        "Rate limit reached for requests. Please try again in a moment.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: ("The server had an error while processing your request. Sorry about that!", "server_error", None),
    502: ("Bad gateway.", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}


@dataclass
class Fault:
    """Answer the next ``count`` requests that match (method, path prefix) with ``status``."""

    status: int
    count: int = 1
    method: str | None = None
    path: str | None = None
    message: str | None = None
    retry_after_ms: int | None = 10

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError(f"a fault's status must be an HTTP error (400-599), got {self.status!r}")
        if self.count < 1:
            raise ValueError(f"a fault's count must be at least 1, got {self.count!r}")
        if self.method is not None:
            self.method = self.method.upper()

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or path.startswith(self.path)
        )

    def error(self) -> ApiError:
        message, kind, code = _DEFAULTS.get(
            self.status, (f"Injected failure ({self.status}).", "server_error", None)
        )
        headers = {"retry-after-ms": str(self.retry_after_ms)} if self.retry_after_ms is not None else {}
        return ApiError(self.status, self.message or message, type=kind, code=code, headers=headers)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "count": self.count,
            "method": self.method,
            "path": self.path,
            "message": self.message,
            "retry_after_ms": self.retry_after_ms,
        }


@dataclass
class JobFault:
    """Make the next job created fail once it reaches ``at_step`` (None: half way)."""

    at_step: int | None = None
    message: str | None = None
    code: str | None = None


def arm_failure(job: Job, fault: JobFault, *, next_step: bool = False) -> None:
    """Set when and how ``job`` fails mid-run (no step given: half way, or its next step)."""
    if fault.at_step is not None:
        job.fail_at_step = max(1, fault.at_step)
    elif next_step:
        job.fail_at_step = job.step + 1
    else:
        job.fail_at_step = HALF_WAY if not job.steps else max(job.step + 1, job.steps // 2)
    if fault.message or fault.code:
        job.failure = JobError(fault.code or job.failure.code, fault.message or job.failure.message, None)


class FaultBook:
    """Pending faults, consumed first in, first out. Thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._job_faults: list[JobFault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_job_fault(self, fault: JobFault) -> JobFault:
        with self._lock:
            self._job_faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> ApiError | None:
        """The error for this request if a pending fault matches it (using up one of its count)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault.error()
        return None

    def take_job_fault(self) -> JobFault | None:
        with self._lock:
            return self._job_faults.pop(0) if self._job_faults else None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(**f.to_json()) for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._job_faults.clear()
