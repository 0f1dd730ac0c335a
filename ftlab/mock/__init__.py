"""An offline, OpenAI-compatible fine-tuning API on loopback for learners, tests and graders."""

from __future__ import annotations

from ftlab.mock.backend import SimulatedTraining, TrainingBackend
from ftlab.mock.clock import Clock, ManualClock, ScaledClock
from ftlab.mock.fixture import running_mock
from ftlab.mock.jobs import Timing
from ftlab.mock.server import DEFAULT_KEY, MockServer

__all__ = [
    "DEFAULT_KEY",
    "Clock",
    "ManualClock",
    "MockServer",
    "ScaledClock",
    "SimulatedTraining",
    "Timing",
    "TrainingBackend",
    "running_mock",
]
