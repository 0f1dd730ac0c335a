"""A problem found in a training record or file: the value every rule check returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One broken rule: a stable code, a sentence for a learner, and where it is."""

    code: str
    message: str
    severity: Severity = "error"
    message_index: int | None = None
    field: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        return f"{self.severity} {self.code}: {self.message}"
