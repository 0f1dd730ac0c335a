"""The learner API: the only part of ftlab that exercise code may import.

Everything here is a tool or a fact, never an answer: tiktoken's encodings loaded offline
(exercise 3), the facts about each fine-tunable model (exercise 3), and exercise 5's words
(``Scenario``, ``Decision``) with the break-even arithmetic. When your work is graded, the rest
of ftlab (the dataset rules, the token counter, the cost estimate) is not there to import:
``from ftlab.learner import get_encoding, resolve_model, Scenario, Decision``.
"""

from __future__ import annotations

from ftlab.learner.decisions import (
    APPROACHES,
    CHANGE_RATES,
    FACTS,
    MIN_EXAMPLES,
    USUAL_START_EXAMPLES,
    BadDecision,
    BadScenario,
    BreakEven,
    Decision,
    Scenario,
    break_even,
    payback,
)
from ftlab.tokens.encodings import get_encoding
from ftlab.tokens.models import FineTunableModel, UnknownModel, encoding_name_for_model, resolve_model

__all__ = [
    "APPROACHES",
    "CHANGE_RATES",
    "FACTS",
    "MIN_EXAMPLES",
    "USUAL_START_EXAMPLES",
    "BadDecision",
    "BadScenario",
    "BreakEven",
    "Decision",
    "FineTunableModel",
    "Scenario",
    "UnknownModel",
    "break_even",
    "encoding_name_for_model",
    "get_encoding",
    "payback",
    "resolve_model",
]
