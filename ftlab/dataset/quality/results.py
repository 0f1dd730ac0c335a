"""What the quality pass found: its warning codes, one warning, and the report of a whole file."""

from __future__ import annotations

from dataclasses import dataclass, field

DUPLICATE = "duplicate_example"
NEAR_DUPLICATE = "near_duplicate_input"
CONFLICT = "conflicting_answers"
FORMAT_DRIFT = "format_drift"
SYSTEM_PROMPT = "system_prompt_differs"
LENGTH_OUTLIER = "length_outlier"
LABEL_IMBALANCE = "label_imbalance"
OVERLAP = "validation_overlap"
SECRET = "secret_or_personal_data"

#: Every quality code, with what it means for a learner.
CODES: dict[str, str] = {
    DUPLICATE: "(warning) the same example more than once (ignoring whitespace and case)",
    NEAR_DUPLICATE: "(warning) two inputs that are almost the same (word-shingle Jaccard similarity)",
    CONFLICT: "(warning) the same or almost the same input with different assistant answers",
    FORMAT_DRIFT: "(warning) an assistant answer in another shape than most of the file's answers",
    SYSTEM_PROMPT: "(warning) a system prompt that differs from the file's usual one",
    LENGTH_OUTLIER: "(warning) an example far longer or shorter than the rest (median and MAD rule)",
    LABEL_IMBALANCE: "(warning) one label much rarer or commoner than the others",
    OVERLAP: "(warning) a validation example that is also (or almost) in the training file",
    SECRET: "(warning) what looks like a real API key, e-mail address or phone number",
}


@dataclass(frozen=True)
class QualityWarning:
    """One quality problem: its code, the training-file lines it is about, and a sentence for a learner."""

    code: str
    lines: tuple[int, ...]
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "lines": list(self.lines), "message": self.message}


@dataclass(frozen=True)
class QualityReport:
    """The quality of a file's chat examples: warnings, the dominant answer shape, prompts and labels."""

    warnings: tuple[QualityWarning, ...] = ()
    examples: int = 0
    dominant_format: str = ""
    format_share: float = 1.0
    system_prompts: int = 0
    labels: dict[str, int] = field(default_factory=dict)

    def codes(self) -> set[str]:
        """The codes of the warnings raised."""
        return {w.code for w in self.warnings}

    def to_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "dominant_format": self.dominant_format,
            "format_share": round(self.format_share, 4),
            "system_prompts": self.system_prompts,
            "labels": dict(self.labels),
            "warnings": [w.to_dict() for w in self.warnings],
        }
