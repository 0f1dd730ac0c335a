"""Everything the mock remembers, kept apart per API key so users never see each other's data."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from ftlab.mock import errors
from ftlab.mock.clock import Clock, runs_by_itself
from ftlab.mock.faults import FaultBook
from ftlab.mock.files import StoredFile
from ftlab.mock.ids import IdMaker
from ftlab.mock.jobs import Job
from ftlab.mock.training import Dataset


@dataclass(frozen=True)
class RequestRecord:
    """One request as it reached the server: what a grader checks instead of return values."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    at: float

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class ClockAdvance:
    """One ``POST /_mock/clock`` by a key (a grader's sleep): how far, from when, after which request."""

    seconds: float
    at: float
    after_requests: int


@dataclass(frozen=True)
class FineTunedModel:
    """A model a succeeded job made; it answers chat completions from its training examples."""

    id: str
    created: int
    owned_by: str
    job_id: str
    dataset: Dataset

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "object": "model", "created": self.created, "owned_by": self.owned_by}


@dataclass
class KeyState:
    """The files, jobs, models, request log, clock advances and faults of one API key.

    Hold ``lock`` to touch them.
    """

    key: str
    organization_id: str
    files: dict[str, StoredFile] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    models: dict[str, FineTunedModel] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    clock_advances: list[ClockAdvance] = field(default_factory=list)
    faults: FaultBook = field(default_factory=FaultBook)
    made: dict[str, int] = field(default_factory=dict)  # every file and job id ever made: its number
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def sync(self, now: float, ids: IdMaker) -> None:
        """Bring every job up to ``now``, publishing the model and result file of each that succeeds."""
        for job in self.jobs.values():
            if job.finished or not job.advance(now):
                continue
            assert job.finished_at is not None and isinstance(job.outcome, Dataset)
            results = StoredFile(
                ids.file(), "step_metrics.csv", "fine-tune-results", job.results_csv(), job.finished_at
            )
            self.add_file(results)
            job.result_files = [results.id]
            self.models[job.model_name] = FineTunedModel(
                job.model_name, job.finished_at, self.organization_id, job.id, job.outcome
            )

    def settle(self, clock: Clock) -> None:
        """On a clock that does not run by itself, wait for the file checks due by now.

        Call it without holding ``lock``: the checks run outside it (:mod:`ftlab.mock.file_check`).
        """
        if runs_by_itself(clock):
            return
        with self.lock:
            now = clock.now()
            due = [
                job.check
                for job in self.jobs.values()
                if job.check is not None and job.created_at + job.timing.validating <= now
            ]
        for check in due:
            check.wait()

    def add_file(self, stored: StoredFile) -> None:
        """Keep a new file, numbered so that a list cursor on it still works once it is deleted."""
        self.made[stored.id] = len(self.made)
        self.files[stored.id] = stored

    def add_job(self, job: Job) -> None:
        self.made[job.id] = len(self.made)
        self.jobs[job.id] = job

    def file(self, file_id: str) -> StoredFile:
        try:
            return self.files[file_id]
        except KeyError:
            raise errors.no_such("File object", file_id) from None

    def job(self, job_id: str) -> Job:
        try:
            return self.jobs[job_id]
        except KeyError:
            raise errors.ApiError(
                404,
                f"No fine-tuning job found with id {job_id!r}.",
                param="fine_tuning_job_id",
                code="job_not_found",
            ) from None

    def fine_tuned(self, name: str) -> FineTunedModel | None:
        """The fine-tuned model (or one of its checkpoints) called ``name``, if this key owns it."""
        if name in self.models:
            return self.models[name]
        base, _, step = name.rpartition(":ckpt-step-")
        model = self.models.get(base)
        if model and any(c.model == name for c in self.jobs[model.job_id].checkpoints):
            return model
        return None


class Registry:
    """All key states, created on first use. Thread-safe."""

    def __init__(self) -> None:
        self._states: dict[str, KeyState] = {}
        self._lock = threading.Lock()
        self.faults = FaultBook()

    def get(self, key: str) -> KeyState:
        with self._lock:
            state = self._states.get(key)
            if state is None:
                digest = hashlib.sha256(key.encode()).hexdigest()[:24]
                state = self._states[key] = KeyState(key, f"org-{digest}")
            return state

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._states)
