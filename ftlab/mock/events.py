"""What a job reports as it runs: its events (messages and metrics) and its checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """One line of a job's event log (``type="metrics"`` carries a step's numbers in ``data``)."""

    id: str
    created_at: int
    message: str
    level: str = "info"
    type: str = "message"
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "object": "fine_tuning.job.event",
            "id": self.id,
            "created_at": self.created_at,
            "level": self.level,
            "message": self.message,
            "data": self.data,
            "type": self.type,
        }


@dataclass(frozen=True)
class Checkpoint:
    """A usable snapshot of the model at the end of an epoch, with that step's metrics."""

    id: str
    created_at: int
    job_id: str
    model: str
    step: int
    metrics: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "object": "fine_tuning.job.checkpoint",
            "id": self.id,
            "created_at": self.created_at,
            "fine_tuned_model_checkpoint": self.model,
            "fine_tuning_job_id": self.job_id,
            "metrics": self.metrics,
            "step_number": self.step,
        }
