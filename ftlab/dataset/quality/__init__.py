"""The dataset quality pass: duplicates, near-duplicates, conflicting answers, format drift and leakage.

Everything it finds is a warning (a file with quality warnings can still be uploaded).
"""

from __future__ import annotations

from ftlab.dataset.quality.assessment import assess, assess_file
from ftlab.dataset.quality.results import (
    CODES,
    CONFLICT,
    DUPLICATE,
    FORMAT_DRIFT,
    LABEL_IMBALANCE,
    LENGTH_OUTLIER,
    NEAR_DUPLICATE,
    OVERLAP,
    SECRET,
    SYSTEM_PROMPT,
    QualityReport,
    QualityWarning,
)

__all__ = [
    "CODES",
    "CONFLICT",
    "DUPLICATE",
    "FORMAT_DRIFT",
    "LABEL_IMBALANCE",
    "LENGTH_OUTLIER",
    "NEAR_DUPLICATE",
    "OVERLAP",
    "SECRET",
    "SYSTEM_PROMPT",
    "QualityReport",
    "QualityWarning",
    "assess",
    "assess_file",
]
