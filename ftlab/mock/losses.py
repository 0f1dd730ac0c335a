"""The simulated training curve: a job's loss at each step and the token accuracy it implies."""

from __future__ import annotations

import math
import random


def loss_curve(job_id: str, steps: int) -> list[float]:
    """Training loss per step: an exponential decay with noise, the same for the same job id."""
    rng = random.Random(job_id)
    start, floor = rng.uniform(1.6, 3.2), rng.uniform(0.05, 0.45)
    rate = rng.uniform(3.0, 6.0)
    out = []
    for step in range(steps):
        clean = floor + (start - floor) * math.exp(-rate * step / max(1, steps - 1))
        out.append(round(max(0.0001, clean * (1 + rng.gauss(0, 0.06))), 4))
    return out


def accuracy(loss: float) -> float:
    """The mean token accuracy reported beside ``loss``."""
    return round(max(0.0, min(1.0, math.exp(-loss * 0.9))), 4)
