"""Training settings for a LoRA run, with defaults that suit a 100-500M instruct model on a laptop CPU."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

DEVICES: tuple[str, ...] = ("auto", "cpu")  # auto: a CUDA or Apple GPU when there is one


@dataclass(frozen=True)
class TrainSettings:
    """How to train: LoRA shape, optimiser, length limits and device.

    The device ``auto`` takes a GPU when there is one; ``cpu`` never does.
    """

    epochs: float = 3.0
    learning_rate: float = 2e-4
    max_steps: int | None = None
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    batch_size: int = 2
    max_length: int | None = None
    seed: int = 0
    device: str = "auto"
    target_modules: str = "all-linear"

    def __post_init__(self) -> None:
        positive = {
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "rank": self.rank,
            "alpha": self.alpha,
            "batch_size": self.batch_size,
        }
        positive |= {
            k: v
            for k, v in {"max_steps": self.max_steps, "max_length": self.max_length}.items()
            if v is not None
        }
        for name, value in positive.items():
            if not value > 0:
                raise ValueError(f"{name} must be greater than 0, got {value!r}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
